#include "cli/node_probe.h"

#include <nlohmann/json.hpp>

namespace uc::cli {

std::map<std::string, ProbeResult> run_on_nodes(ControlClient& c, const std::vector<std::string>& nodes,
                                                const std::vector<std::string>& argv, int timeout_ms) {
  return request_on_nodes(c, nodes, {{"argv", argv}}, timeout_ms);
}

std::map<std::string, ProbeResult> request_on_nodes(ControlClient& c, const std::vector<std::string>& nodes,
                                                    const nlohmann::json& request, int timeout_ms) {
  std::map<std::string, ProbeResult> out;
  std::map<uint32_t, std::string> by_session;
  uint32_t sid = 100;
  for (const auto& n : nodes) {
    nlohmann::json r = request;
    r["node"] = n;
    if (!c.send(FrameType::kExec, sid, r.dump())) continue;
    (void)c.send(FrameType::kStdinEof, sid, "");
    by_session[sid++] = n;
  }
  size_t left = by_session.size();
  while (left > 0) {
    auto f = c.read_frame(timeout_ms);
    if (!f || !*f) break;
    auto it = by_session.find((*f)->session);
    if (it == by_session.end()) continue;
    auto& r = out[it->second];
    if ((*f)->type == FrameType::kStdout) r.out += (*f)->payload;
    if ((*f)->type == FrameType::kStderr) r.err += (*f)->payload;
    if ((*f)->type == FrameType::kExit) {
      auto j = nlohmann::json::parse((*f)->payload, nullptr, false);
      r.code = j.is_discarded() ? -1 : j.value("code", -1);
      --left;
    }
  }
  return out;
}

}  // namespace uc::cli
