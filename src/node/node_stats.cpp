#include "node/node_stats.h"

#include <linux/kcmp.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

namespace uc::node {

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

uint64_t guest_ram_bytes(pid_t root) {
  struct statvfs v;
  std::string shm = "/proc/" + std::to_string(root) + "/root/dev/shm";
  if (::statvfs(shm.c_str(), &v) != 0) return 0;
  return (v.f_blocks - v.f_bfree) * v.f_frsize;
}

}  // namespace uc::node
