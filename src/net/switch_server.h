// SwitchServer: SwitchCore on real sockets. A stream socket at a path takes UML `daemon`
// transport connections (one per node NIC); one datagram socket, bound to an abstract
// name in the cluster's own network namespace, carries the frames. One poll loop.
#pragma once

#include <map>
#include <string>

#include "net/switch_core.h"
#include "sys/fd.h"
#include "sys/result.h"

namespace uc::net {

class SwitchServer {
 public:
  static Result<SwitchServer> listen(const std::string& control_path);
  // Serves until SIGTERM/SIGINT; returns the exit code.
  int run();
  static constexpr size_t kMaxPorts = 1024;

 private:
  SwitchServer() = default;
  void accept_port();
  void read_control(int fd);
  void forward_frame();
  void drop_port(int fd);

  Fd control_;
  Fd data_;
  std::string data_key_;
  std::string data_address_;  // our sockaddr_un, as sent in replies
  SwitchCore core_;
  struct Port {
    Fd control;
    std::string request;      // bytes of the request read so far
    std::string peer;         // the node's datagram address (key), once known
    PortId id = 0;
  };
  std::map<int, Port> ports_;  // by control fd
  std::map<std::string, int> by_peer_;
  PortId next_id_ = 1;
};

}  // namespace uc::net
