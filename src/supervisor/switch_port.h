/// SwitchPort: what the supervisor asks of its switch. The daemon's LocalSwitch (local_switch.h)
/// runs the real one; tests hand the Supervisor a fake that records the rules.
#pragma once

#include <sys/types.h>

#include <string>

#include "sys/result.h"

namespace uc::cluster {

class SwitchPort {
 public:
  virtual ~SwitchPort() = default;
  // Its host pid for `status`; 0 when it is not running.
  virtual pid_t pid() const = 0;
  // A whole rule set (net/net_rules.h's encoding), in place of the last one. Returns once
  // the switch said it took it, or why not (it answers at once; the wait is bounded).
  virtual Status send_rules(const std::string& encoded) = 0;
};

}  // namespace uc::cluster
