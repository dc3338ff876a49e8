#include "supervisor/boot_gate.h"

#include <algorithm>

namespace uc::cluster {

bool BootGate::request(const std::string& node) {
  if (booting_.count(node)) return true;
  if (waiting(node)) return false;
  if (has_room()) {
    booting_.insert(node);
    return true;
  }
  waiting_.push_back(node);
  return false;
}

void BootGate::done(const std::string& node) { booting_.erase(node); }

bool BootGate::cancel(const std::string& node) {
  booting_.erase(node);
  auto it = std::find(waiting_.begin(), waiting_.end(), node);
  if (it == waiting_.end()) return false;
  waiting_.erase(it);
  return true;
}

std::vector<std::string> BootGate::admit() {
  std::vector<std::string> out;
  while (!waiting_.empty() && has_room()) {
    out.push_back(waiting_.front());
    booting_.insert(waiting_.front());
    waiting_.pop_front();
  }
  return out;
}

bool BootGate::waiting(const std::string& node) const {
  return std::find(waiting_.begin(), waiting_.end(), node) != waiting_.end();
}

size_t auto_boot_parallel(unsigned cores) {
  // A booting node spends part of its time waiting on its disk and on the supervisor, so
  // a few more than the cores keep them busy: with 4 on 2 cores, 64 nodes are online 22 s
  // after `up` (docs/benchmarks.md). Other values have not been swept yet.
  return std::max(2u, cores * 2);
}

}  // namespace uc::cluster
