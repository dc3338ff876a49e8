// DiskGate: answers every node's I/O trap (sys/io_trap.h) from the supervisor's poll loop.
// Not on a thread of its own: the supervisor starts nodes with a raw clone3 (no atfork
// handlers), and a child cloned while another thread held malloc's lock hangs for ever.
// With no fault on a node each trapped syscall goes on at once; with one, the syscalls on
// that node's shared disks are held, delayed or failed (disk_fault.h) and everything else
// goes on. Other nodes are not touched: each has its own trap.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "node/disk_fault.h"
#include "sys/clock.h"
#include "sys/fd.h"

namespace uc::node {

struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  bool operator==(const FileId&) const = default;
};

struct DiskGateCounts {
  uint64_t trapped = 0;  // syscalls seen
  uint64_t held = 0;     // now waiting for a stall to end
  uint64_t delayed = 0;  // ever delayed by a slow disk
  uint64_t failed = 0;   // ever failed with EIO
};

class DiskGate {
 public:
  explicit DiskGate(const Clock& clock = SystemClock::instance()) : clock_(clock) {}
  // Whatever waits goes on: a node outliving the gate must not hang on its disk.
  ~DiskGate();
  DiskGate(const DiskGate&) = delete;
  DiskGate& operator=(const DiskGate&) = delete;

  // A node's kernel started with its trap; `disks` are its shared disks.
  void attach(const std::string& node, Fd listener, std::vector<FileId> disks);
  // Its kernel is gone.
  void detach(const std::string& node);
  // Takes effect at once, also for the syscalls already held or delayed.
  void set_fault(const std::string& node, DiskFault f);
  // A fence: no shared-disk syscall of the node reaches the disk from now on, whatever its
  // fault: each is held, those delayed included, and never let through. Held, not failed:
  // an EIO on its journal makes OCFS2 panic before its own heartbeat timeout can fence it,
  // while a held heartbeat write lets the kernel fence itself as it would. Lifting it (a new
  // boot in the same process) fails what the fenced life left held; a new process starts
  // unfenced; the gate's end fails a fenced node's held calls rather than letting them go.
  void set_fenced(const std::string& node, bool fenced);
  bool fenced(const std::string& node) const;
  DiskGateCounts counts(const std::string& node) const;

  // For the poll loop: each node's listener, and when the next delayed call is due
  // (monotonic ms); tick() lets due calls go.
  std::vector<std::pair<std::string, int>> listeners() const;
  void on_readable(const std::string& node, short revents);
  std::optional<int64_t> next_due() const;
  void tick();

 private:
  struct Gate {
    Fd listener;
    std::vector<FileId> disks;
    DiskFault fault;
    bool fenced = false;
    DiskFault effective() const { return fenced ? DiskFault{DiskFault::Kind::kStall} : fault; }
    std::vector<uint64_t> held;                // ids waiting for the stall to end
    std::multimap<int64_t, uint64_t> delayed;  // due time (monotonic ms) -> id
    std::map<std::pair<pid_t, int>, bool>
        is_disk;  // (tid, fd) -> a shared disk; kept while a fault lasts
    DiskGateCounts counts;
  };
  void on_trapped(Gate& g);
  void release(Gate& g, int64_t now);
  void fail_held(Gate& g);  // every call held or delayed fails with EIO
  int64_t now_ms() const { return clock_.mono_ms(); }

  const Clock& clock_;
  std::map<std::string, Gate> gates_;
};

}  // namespace uc::node
