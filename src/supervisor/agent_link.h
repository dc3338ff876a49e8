// AgentLink: the host's end of one node's agent link (two pipes to the guest's /dev/tty1).
// It frames and unframes, keeps the flow-control window (the guest's tty holds little),
// runs the supervisor's own sessions (jobs: the O2CB steps), routes the CLI's sessions,
// and checks every frame the guest sends before anything uses it: a frame that does not
// check out is reported to the listener and dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/fd.h"
#include "wire/frame.h"
#include "wire/guest_messages.h"
#include "wire/session_messages.h"

namespace uc::cluster {

class AgentLink {
 public:
  // A CLI session: the connection and its session id.
  struct Route {
    int conn = -1;
    uint32_t session = 0;
  };
  struct Listener {
    virtual ~Listener() = default;
    virtual void on_hello(const AgentHello& h) = 0;
    virtual void on_heard() = 0;  // any well-formed frame: the agent is alive
    // Output or the end of a routed session (`last`: the route is closed now).
    virtual void on_route_frame(const Route& r, FrameType t, std::string_view payload,
                                bool last) = 0;
    virtual void on_dropped(const std::string& why) = 0;
  };
  using Done = std::function<void(int code, const std::string& out, const std::string& err)>;

  void attach(Fd from_guest, Fd to_guest);
  bool attached() const { return to_guest_.valid(); }
  // The agent that we talked to is gone (the node died, or rebooted in the same process):
  // jobs fail, routed sessions end with 125 and `why`. `close_fds`: the process ended.
  void reset(Listener& l, const std::string& why, bool close_fds);

  // Runs argv in the guest; `stdin_data` is its standard input (then EOF).
  void run_job(const std::vector<std::string>& argv, Done done, const std::string& stdin_data = "");
  // Reads guest /proc files without a process (a read session); `done` gets its JSON output.
  void read_job(const std::vector<std::string>& paths, Done done);
  // CLI sessions open on the node now.
  size_t routed_sessions() const { return routes_.size(); }
  // Opens a routed session with the CLI's exec request; returns the agent's session id.
  uint32_t open_route(Route r, const session::ExecRequest& exec_request);
  // Forwards stdin, EOF, resize or a signal of a routed session.
  void forward(uint32_t agent_session, FrameType t, std::string_view payload);
  // The CLI went away: the session's process is killed, its output dropped.
  void close_route(uint32_t agent_session);
  void ping();

  int read_fd() const { return from_guest_.get(); }
  int write_fd() const { return to_guest_.get(); }
  bool wants_write() const;
  void flush();  // writes what the window allows
  void on_readable(Listener& l);

 private:
  void send(FrameType t, uint32_t session, std::string_view payload);
  // Files a job and sends its exec request; `done` (moved into the job) gets the end, or at
  // once a failure if no agent is attached.
  std::optional<uint32_t> start_job(const session::ExecRequest& exec, Done& done);
  void on_frame(Listener& l, const Frame& f);
  void on_exit_frame(Listener& l, const Frame& f);

  struct Job {
    Done done;
    std::string out, err;
  };
  Fd from_guest_, to_guest_;
  FrameDecoder decoder_;
  std::string out_;
  size_t in_flight_ = 0;  // bytes sent that the agent has not acknowledged
  bool acks_ = false;     // the agent acknowledges (protocol 2 and later)
  uint32_t next_session_ = 1;
  std::map<uint32_t, Job> jobs_;
  std::map<uint32_t, Route> routes_;
};

}  // namespace uc::cluster
