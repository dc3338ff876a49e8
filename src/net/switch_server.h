// SwitchServer: SwitchCore on real sockets. A stream socket at a path takes UML `daemon`
// transport connections (one per node NIC); one datagram socket, bound to an abstract
// name in the cluster's own network namespace, carries the frames; an optional
// SOCK_SEQPACKET socket from the supervisor carries NetRules (switch_control.h).
// Frames a rule delays wait in a DelayQueue. One poll loop.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "net/delay_queue.h"
#include "net/switch_core.h"
#include "sys/fd.h"
#include "sys/result.h"

namespace uc::net {

class SwitchServer {
 public:
  // `rules`: the supervisor's control socket, or none (no fault injection).
  static Result<SwitchServer> listen(const std::string& socket_path, Fd rules = Fd());
  // Serves until SIGTERM/SIGINT or the supervisor closes the control socket; returns
  // the exit code.
  int run();
  static constexpr size_t kMaxPorts = 1024;

 private:
  SwitchServer() = default;
  void accept_port();
  void read_port(int fd);
  // False once the supervisor has gone.
  bool read_rules(short revents);
  void forward_frames();
  void deliver_due();
  void send_frame(PortId out, std::string_view frame);
  void drop_port(int fd);

  Fd listen_;
  Fd data_;
  Fd rules_;
  std::string rules_buf_;
  std::string data_address_;  // our sockaddr_un, as sent in replies
  SwitchCore core_;
  DelayQueue delayed_;
  struct Port {
    Fd control;
    std::string request;  // bytes of the request read so far
    std::string peer;     // the node's datagram address (key), once known
    PortId id = 0;
  };
  std::map<int, Port> ports_;  // by control fd
  std::map<std::string, int> by_peer_;
  std::map<PortId, int> by_id_;
  PortId next_id_ = 1;
};

}  // namespace uc::net
