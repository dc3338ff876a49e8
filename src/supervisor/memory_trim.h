// Memory a guest holds but does not use goes back to the host. A UML guest's memory is a
// file on the host's tmpfs; what the guest once touched stays there even when the guest
// frees it (its page cache after boot and mount, mostly). Only an idle node is trimmed:
// the host reads how busy it is and how much it has free (a read session: no process),
// has it drop its clean caches, then unplugs free memory through mconsole
// (`config mem=-N`: the kernel punches the pages out of the file) in steps, reading the
// guest's free memory again before each, and never below a margin that stays free; then it
// plugs it all straight back (`config mem=+N`): the guest has all its memory again, and the
// host pays only for the pages it touches from then on.
// No syscalls: what the guest sends (a stranger's) is parsed and checked here.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sys/result.h"

namespace uc::cluster {

// What a guest says of its memory and load, read from /proc.
struct GuestMemorySample {
  uint64_t free_bytes = 0;
  uint64_t min_free_bytes = 0;   // vm.min_free_kbytes
  double load1 = 0;              // the 1-minute load average
  uint64_t written_bytes = 0;    // written to every disk since boot
  uint64_t cpu_busy = 0;         // /proc/stat: jiffies not idle (nor waiting on I/O) since boot
  uint64_t cpu_total = 0;        // all jiffies since boot
  uint64_t allocated_pages = 0;  // /proc/vmstat: pages allocated since boot (pgalloc_*)
};

// The files a sample is read from (a read session's paths).
std::vector<std::string> memory_sample_paths();
// A sample from a read session's files, checked against the node's memory: an error names
// what is missing or out of range.
Result<GuestMemorySample> parse_memory_sample(const std::map<std::string, std::string>& files,
                                              uint64_t node_memory);

// What stays free in the guest whatever the trim takes: its atomic allocations (network
// buffers among them) and whatever it allocates while memory is unplugged find pages there.
uint64_t trim_margin(uint64_t node_memory, uint64_t min_free_bytes);
inline constexpr uint64_t kTrimStep = 32ull * 1024 * 1024;  // unplugged at most at once

struct NodeActivity {
  bool sessions_open = false;  // an exec session runs on the node
  // The sample of the last trim of this boot, and the seconds since it.
  std::optional<GuestMemorySample> last;
  double seconds_since_last = 0;
};
// Why the node is not idle enough to trim ("" if it is): an exec session, its load, or since
// the last sample its CPU use, the memory it allocated or its disk writing. (The trim's own
// unplugging allocates: the last sample of a trim is taken after its last step.)
std::string busy_reason(const GuestMemorySample& now, const NodeActivity& a);
// The next step: what may be unplugged now (whole MiB, at most kTrimStep), leaving the
// margin free; 0 for nothing.
uint64_t next_trim_step(const GuestMemorySample& now, uint64_t node_memory);

}  // namespace uc::cluster
