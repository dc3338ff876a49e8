// A volume's heartbeat region in its disk file on the host: where it is (libocfs2 reads the
// heartbeat system file's extent once), and each node's slot read from then on with a pread
// of our own that never blocks: a slot not in the host's page cache is asked for
// (readahead) and read on a later try, so the supervisor's loop never waits on the disk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ocfs2/heartbeat_block.h"
#include "sys/fd.h"
#include "sys/result.h"

namespace uc::ocfs2 {

struct HeartbeatLocation {
  uint64_t offset = 0;  // bytes from the start of the disk file
  uint32_t slots = 0;   // node numbers 0 .. slots-1
  std::string uuid;     // the volume's
};

// Reads the volume's superblock and heartbeat inode (blocking, a few KB).
Result<HeartbeatLocation> locate_heartbeat_region(const std::string& disk_file);

class HeartbeatReader {
 public:
  static Result<HeartbeatReader> open(const std::string& disk_file, HeartbeatLocation region);
  const HeartbeatLocation& region() const { return region_; }
  // Slots first .. first+count-1 (clipped to the region), or nothing this time: not all in the
  // page cache (asked for) or a read error.
  std::optional<std::vector<HeartbeatBlock>> read(uint32_t first, uint32_t count);
  // False once the disk file's filesystem refused RWF_NOWAIT: reads may then wait.
  bool never_waits() const { return nowait_; }

 private:
  HeartbeatReader(Fd fd, HeartbeatLocation r) : fd_(std::move(fd)), region_(std::move(r)) {}
  Fd fd_;
  HeartbeatLocation region_;
  std::vector<uint8_t> buf_;
  bool nowait_ = true;
};

}  // namespace uc::ocfs2
