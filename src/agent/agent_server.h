// AgentServer: the guest side of the host link. Reads frames from the link (the guest's
// /dev/tty1, wired to a host socket by UML's con1=fd:N), runs commands for the host with
// stdout and stderr kept apart (or on a pty for a console), and reports their exit.
// Each command runs as a session that owns every process it starts (session_procs.h):
// a SIGKILL from the host, or the link going away, ends all of them.
// One poll loop; no threads.
#pragma once

#include <sys/types.h>

#include <map>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>

#include "agent/session_cgroups.h"
#include "agent/session_procs.h"
#include "sys/fd.h"
#include "wire/frame.h"

namespace uc::agent {

class AgentServer {
 public:
  // `cgroups`: where session cgroups go; none: sessions are owned by their process tree.
  AgentServer(int link_fd, bool is_init, std::optional<SessionCgroups> cgroups);
  // Runs until the link closes or (as init) a shutdown signal arrives.
  int run();

 private:
  struct Session {
    SessionProcs procs;
    Fd in, out, err;  // for a tty session `out` is the pty master and `in` is unused
    bool tty = false;
    std::string pending_in;
    bool in_eof = false;
    bool exited = false;
    int status = 0;
  };

  void send(FrameType t, uint32_t session, std::string_view payload);
  void handle(const Frame& f);
  void start_session(uint32_t id, const std::string& request_json);
  void read_files(uint32_t id, const nlohmann::json& paths);
  void pump_output(uint32_t id, Session& s, int fd, FrameType type, bool drain);
  void reap();
  void finish_exited();
  void flush_link();
  void send_hello();
  void end_all_sessions();

  int link_;
  bool is_init_;
  int sigfd_ = -1;
  bool link_open_ = true;
  FrameDecoder decoder_;
  std::string link_out_;
  // Declared before the sessions: a session's destructor may still retire its cgroup.
  std::optional<SessionCgroups> cgroups_;
  std::map<uint32_t, std::unique_ptr<Session>> sessions_;
  bool shutting_down_ = false;
};

}  // namespace uc::agent
