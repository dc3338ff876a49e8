// What a guest says about itself (load, memory, OCFS2 mounts), from its own /proc files as
// its agent read them: the figures `top` and `metrics` show beside the host's.
#pragma once

#include <string>
#include <vector>

#include "monitor/proc_parse.h"

namespace uc::monitor {

struct GuestView {
  LoadAvg load;
  MemInfo mem;
  std::vector<std::string> mounts;  // OCFS2 mount points
};

// From the three files' text (/proc/loadavg, /proc/meminfo, /proc/mounts).
GuestView parse_guest_view(const std::string& loadavg, const std::string& meminfo,
                           const std::string& mounts);

}  // namespace uc::monitor
