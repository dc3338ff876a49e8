// The guests' own view of themselves (load, memory, OCFS2 mounts), read through each node's
// agent: it reads the guest's /proc files itself, so sampling every second starts no
// process in the guest. Agents older than protocol 3 get `cat` instead.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cluster/control_client.h"
#include "monitor/proc_parse.h"

namespace uc::cli {

struct GuestView {
  monitor::LoadAvg load;
  monitor::MemInfo mem;
  std::vector<std::string> mounts;  // OCFS2 mount points
};

// From the three files' text (/proc/loadavg, /proc/meminfo, /proc/mounts).
GuestView parse_guest_view(const std::string& loadavg, const std::string& meminfo, const std::string& mounts);

// Nodes that did not answer are missing from the result.
std::map<std::string, GuestView> read_guest_views(ControlClient& c, const std::vector<std::string>& nodes,
                                                  int timeout_ms = 3000);

}  // namespace uc::cli
