#include "client/guest_view_reader.h"

#include <sstream>

#include "client/node_probe.h"
#include "wire/guest_messages.h"

namespace uc::client {
namespace {

constexpr const char* kFiles[] = {"/proc/loadavg", "/proc/meminfo", "/proc/mounts"};

// `cat` output of the three files: loadavg is one line, mounts lines have 6 fields.
GuestView parse_cat_output(const std::string& out) {
  std::istringstream in(out);
  std::string load, line, mem, mounts;
  std::getline(in, load);
  while (std::getline(in, line))
    (line.find(':') != std::string::npos ? mem : mounts) += line + "\n";
  return monitor::parse_guest_view(load, mem, mounts);
}

}  // namespace

std::map<std::string, GuestView> read_guest_views(ControlClient& c,
                                                  const std::vector<std::string>& nodes,
                                                  int timeout_ms) {
  std::map<std::string, GuestView> views;
  std::vector<std::string> old_agents;
  session::ExecRequest read;
  read.read.assign(std::begin(kFiles), std::end(kFiles));
  for (auto& [node, r] : request_on_nodes(c, nodes, read, timeout_ms)) {
    if (r.code == 126) {  // "bad exec request": an agent without the read session
      old_agents.push_back(node);
      continue;
    }
    if (r.code != 0) continue;
    // The guest wrote this JSON: a node that sends anything else is left out, never trusted.
    auto files = cluster::parse_guest_files(r.out);
    if (!files) continue;
    views[node] =
        monitor::parse_guest_view((*files)[kFiles[0]], (*files)[kFiles[1]], (*files)[kFiles[2]]);
  }
  if (!old_agents.empty())
    for (auto& [node, r] :
         run_on_nodes(c, old_agents, {"cat", kFiles[0], kFiles[1], kFiles[2]}, timeout_ms))
      if (r.code == 0) views[node] = parse_cat_output(r.out);
  return views;
}

}  // namespace uc::client
