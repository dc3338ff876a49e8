// Runs one command on several nodes at once over one supervisor connection and gathers
// each result (exit code, stdout, stderr). Used by `status` to read every node's O2CB state.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "client/control_client.h"

namespace uc::cli {

struct ProbeResult {
  int code = -1;
  std::string out, err;
};

std::map<std::string, ProbeResult> run_on_nodes(ControlClient& c, const std::vector<std::string>& nodes,
                                                const std::vector<std::string>& argv, int timeout_ms);
// The same with any session request (e.g. {"read": [paths]}, which the agent answers
// without starting a process).
std::map<std::string, ProbeResult> request_on_nodes(ControlClient& c, const std::vector<std::string>& nodes,
                                                    const nlohmann::json& request, int timeout_ms);

}  // namespace uc::cli
