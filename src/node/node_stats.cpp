#include "node/node_stats.h"

#include <sys/statvfs.h>

#include <sstream>

#include "monitor/proc_parse.h"
#include "sys/files.h"

namespace uc::node {

std::vector<pid_t> process_tree(pid_t root) {
  std::vector<pid_t> out{root};
  for (size_t i = 0; i < out.size() && out.size() < 4096; ++i) {
    std::string task = "/proc/" + std::to_string(out[i]) + "/task";
    for (const auto& tid : list_dir(task)) {
      auto kids = read_file(task + "/" + tid + "/children");
      if (!kids) continue;
      std::istringstream in(*kids);
      pid_t p;
      while (in >> p) out.push_back(p);
    }
  }
  return out;
}

uint64_t anonymous_bytes(pid_t pid) {
  auto t = read_file("/proc/" + std::to_string(pid) + "/smaps_rollup");
  if (!t) return 0;
  auto s = monitor::parse_smaps_rollup(*t);
  return s ? s->anonymous : 0;
}

uint64_t node_memory_bytes(pid_t root) {
  uint64_t total = 0;
  struct statvfs v;
  std::string shm = "/proc/" + std::to_string(root) + "/root/dev/shm";
  if (::statvfs(shm.c_str(), &v) == 0) total += (v.f_blocks - v.f_bfree) * v.f_frsize;
  for (pid_t p : process_tree(root)) total += anonymous_bytes(p);
  return total;
}

}  // namespace uc::node
