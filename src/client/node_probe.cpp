#include "client/node_probe.h"

#include <chrono>

#include "wire/guest_messages.h"

namespace uc::client {

std::map<std::string, ProbeResult> run_on_nodes(ControlClient& c,
                                                const std::vector<std::string>& nodes,
                                                const std::vector<std::string>& argv,
                                                int timeout_ms) {
  session::ExecRequest r;
  r.argv = argv;
  return request_on_nodes(c, nodes, r, timeout_ms);
}

std::map<std::string, ProbeResult> request_on_nodes(ControlClient& c,
                                                    const std::vector<std::string>& nodes,
                                                    session::ExecRequest request, int timeout_ms) {
  std::map<std::string, ProbeResult> out;
  std::map<uint32_t, std::string> by_session;
  uint32_t sid = 100;
  for (const auto& n : nodes) {
    request.node = n;
    if (!c.send(FrameType::kExec, sid, session::encode(request))) continue;
    (void)c.send(FrameType::kStdinEof, sid, "");
    by_session[sid++] = n;
  }
  size_t left = by_session.size();
  // One deadline for all: a node that hangs costs the wait once, not once a frame.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (left > 0) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  deadline - std::chrono::steady_clock::now())
                  .count();
    if (ms <= 0) break;
    auto f = c.read_frame(static_cast<int>(ms));
    if (!f || !*f) break;
    auto it = by_session.find((*f)->session);
    if (it == by_session.end()) continue;
    auto& r = out[it->second];
    if ((*f)->type == FrameType::kStdout) r.out += (*f)->payload;
    if ((*f)->type == FrameType::kStderr) r.err += (*f)->payload;
    if ((*f)->type == FrameType::kExit) {
      auto e = cluster::parse_exit((*f)->payload);
      r.code = e ? e->code : -1;
      --left;
    }
  }
  return out;
}

}  // namespace uc::client
