#include "node/node_stats.h"

#include <linux/kcmp.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

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

namespace {

// kcmp(2): 0 when both processes use one address space.
bool same_address_space(pid_t a, pid_t b) { return ::syscall(SYS_kcmp, a, b, KCMP_VM, 0, 0) == 0; }

}  // namespace

std::vector<pid_t> distinct_address_spaces(const std::vector<pid_t>& pids) {
  std::vector<pid_t> out;
  for (pid_t p : pids) {
    bool seen = false;
    for (pid_t q : out) seen = seen || same_address_space(p, q);
    if (!seen) out.push_back(p);
  }
  return out;
}

uint64_t anonymous_bytes(pid_t pid) {
  auto t = read_file("/proc/" + std::to_string(pid) + "/smaps_rollup");
  if (!t) return 0;
  auto s = monitor::parse_smaps_rollup(*t);
  return s ? s->anonymous : 0;
}

uint64_t guest_ram_bytes(pid_t root) {
  struct statvfs v;
  std::string shm = "/proc/" + std::to_string(root) + "/root/dev/shm";
  if (::statvfs(shm.c_str(), &v) != 0) return 0;
  return (v.f_blocks - v.f_bfree) * v.f_frsize;
}

uint64_t node_memory_bytes(pid_t root) {
  uint64_t total = guest_ram_bytes(root);
  for (pid_t p : distinct_address_spaces(process_tree(root))) total += anonymous_bytes(p);
  return total;
}

}  // namespace uc::node
