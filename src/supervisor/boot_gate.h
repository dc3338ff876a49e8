// BootGate: how many nodes boot at once. A node counts as booting from its launch until
// its O2CB is online (or it fails or dies); the rest wait, in the order they asked. On two
// cores, 128 kernels booting together starve each other (load 93, o2net gives up on its
// peers); a few at a time reach "online" sooner, and the machine stays usable meanwhile.
// No syscalls: the supervisor asks it and acts.
#pragma once

#include <cstddef>
#include <deque>
#include <set>
#include <string>
#include <vector>

namespace uc::cluster {

class BootGate {
 public:
  explicit BootGate(size_t limit) : limit_(limit) {}  // 0: no limit

  // True: launch it now (it counts as booting). False: it waits for admit().
  bool request(const std::string& node);
  // It is online, failed or gone: its place goes to the next waiting node.
  void done(const std::string& node);
  // It no longer wants to launch (`down`): out of the queue. True if it was waiting.
  bool cancel(const std::string& node);
  // Waiting nodes that may launch now, in the order they asked; each counts as booting.
  std::vector<std::string> admit();

  bool waiting(const std::string& node) const;
  size_t booting() const { return booting_.size(); }
  size_t queued() const { return waiting_.size(); }
  size_t limit() const { return limit_; }

 private:
  bool has_room() const { return limit_ == 0 || booting_.size() < limit_; }

  size_t limit_;
  std::set<std::string> booting_;
  std::deque<std::string> waiting_;
};

// The default number of nodes booting at once on a host with `cores` cores.
size_t auto_boot_parallel(unsigned cores);

}  // namespace uc::cluster
