#include "client/guest_view_reader.h"

#include <sstream>

#include "client/node_probe.h"

namespace uc::cli {
namespace {

constexpr const char* kFiles[] = {"/proc/loadavg", "/proc/meminfo", "/proc/mounts"};

// `cat` output of the three files: loadavg is one line, mounts lines have 6 fields.
GuestView parse_cat_output(const std::string& out) {
  std::istringstream in(out);
  std::string load, line, mem, mounts;
  std::getline(in, load);
  while (std::getline(in, line)) (line.find(':') != std::string::npos ? mem : mounts) += line + "\n";
  return monitor::parse_guest_view(load, mem, mounts);
}

}  // namespace

std::map<std::string, GuestView> read_guest_views(ControlClient& c, const std::vector<std::string>& nodes,
                                                  int timeout_ms) {
  std::map<std::string, GuestView> views;
  std::vector<std::string> old_agents;
  nlohmann::json files = nlohmann::json::array();
  for (const char* f : kFiles) files.push_back(f);
  for (auto& [node, r] : request_on_nodes(c, nodes, {{"read", files}}, timeout_ms)) {
    if (r.code == 126) {  // "bad exec request": an agent without the read session
      old_agents.push_back(node);
      continue;
    }
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (r.code != 0 || !j.is_object()) continue;
    views[node] = monitor::parse_guest_view(j.value(kFiles[0], ""), j.value(kFiles[1], ""), j.value(kFiles[2], ""));
  }
  if (!old_agents.empty())
    for (auto& [node, r] : run_on_nodes(c, old_agents, {"cat", kFiles[0], kFiles[1], kFiles[2]}, timeout_ms))
      if (r.code == 0) views[node] = parse_cat_output(r.out);
  return views;
}

}  // namespace uc::cli
