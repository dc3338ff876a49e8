#include "monitor/guest_view.h"

#include <sstream>

namespace uc::monitor {

GuestView parse_guest_view(const std::string& loadavg, const std::string& meminfo,
                           const std::string& mounts) {
  GuestView g;
  if (auto l = parse_loadavg(loadavg)) g.load = *l;
  if (auto m = parse_meminfo(meminfo)) g.mem = *m;
  std::istringstream in(mounts);
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    std::string dev, dir, type;
    if (l >> dev >> dir >> type && type == "ocfs2") g.mounts.push_back(dir);
  }
  return g;
}

}  // namespace uc::monitor
