/// LocalSwitch: the cluster's switch (umlcluster-switch) as a sandboxed child of the
/// supervisor, with the control socket that carries the network faults' rules to it.
#pragma once

#include "paths/state_paths.h"
#include "supervisor/switch_port.h"
#include "sys/fd.h"
#include "sys/process.h"

namespace uc::cluster {

class LocalSwitch : public SwitchPort {
 public:
  // Starts it and waits for its "ready" (or its error).
  static Result<LocalSwitch> start(const ClusterPaths& paths);

  pid_t pid() const override { return process_.running() ? process_.pid() : 0; }
  Status send_rules(const std::string& encoded) override;

  // For the poll loop: readable once the switch exited.
  bool running() const { return process_.running(); }
  int pidfd() const { return process_.pidfd(); }
  bool try_wait(int* status) { return process_.try_wait(status); }
  void stop();

 private:
  ChildProcess process_;
  Fd control_;  // SOCK_SEQPACKET: rules to the switch, its answers back
};

}  // namespace uc::cluster
