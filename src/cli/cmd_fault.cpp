// `umlcluster fault ...`: faults injected into a running cluster through its supervisor.
#include <fmt/format.h>

#include "cli/commands.h"

namespace uc::cli {

int cmd_fault_freeze(const Globals& g, const std::string& node, bool freeze) {
  std::string name;
  int rc = 0;
  auto c = connect_running(g, &name, &rc);
  if (!c) return rc;
  control::Request r{freeze ? control::Op::kFreeze : control::Op::kThaw};
  r.node = node;
  auto reply = c->request(r);
  if (!reply) {
    print_error(reply.error().message);
    return kExitFailed;
  }
  fmt::print("{} {}\n", node, freeze ? "frozen (its kernel stopped; `umlcluster fault thaw` resumes it)"
                                     : "thawed");
  return 0;
}

}  // namespace uc::cli
