// Runs one command on several nodes at once over one supervisor connection and gathers
// each result (exit code, stdout, stderr). Used by `status` to read every node's O2CB state.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "client/control_client.h"
#include "wire/session_messages.h"

namespace uc::client {

struct ProbeResult {
  int code = -1;
  std::string out, err;
};

std::map<std::string, ProbeResult> run_on_nodes(ControlClient& c,
                                                const std::vector<std::string>& nodes,
                                                const std::vector<std::string>& argv,
                                                int timeout_ms);
// The same with any session request (e.g. a read session, which the agent answers without
// starting a process); its node is set for each.
std::map<std::string, ProbeResult> request_on_nodes(ControlClient& c,
                                                    const std::vector<std::string>& nodes,
                                                    session::ExecRequest request, int timeout_ms);

}  // namespace uc::client
