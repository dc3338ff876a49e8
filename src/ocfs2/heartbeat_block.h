// One node's disk heartbeat block, as OCFS2's o2hb writes it into the volume's heartbeat
// region (struct o2hb_disk_heartbeat_block in the kernel's fs/ocfs2/cluster/
// ocfs2_heartbeat.h): a slot of the region's block size (512 bytes) per node number, of
// which the first 28 bytes say something. The host reads these from the shared disk file
// itself (ocfs2/heartbeat_region.h) to know, without a guest's word, whose heartbeat moves.
#pragma once

#include <cstdint>
#include <span>

namespace uc::ocfs2 {

struct HeartbeatBlock {
  uint64_t seq = 0;         // the writer's wall clock, in seconds, at its last beat
  uint8_t node = 0;         // the node number it says it is
  uint64_t generation = 0;  // random per heartbeat start; 0 in a clean stop's last beat
  uint32_t dead_ms = 0;     // the writer's dead time: after this long unchanged, it is dead
  // The block's crc32 matches its bytes. The kernel counts a block with a bad crc as unchanged
  // (a missed beat), and so does the host.
  bool crc_ok = false;
  bool operator==(const HeartbeatBlock&) const = default;
};

// The size of a slot: the guest's sector (UML's ubd has 512-byte sectors).
constexpr size_t kHeartbeatSlotBytes = 512;

// `slot`: one slot's bytes (kHeartbeatSlotBytes; a shorter span is never valid).
HeartbeatBlock parse_heartbeat_block(std::span<const uint8_t> slot);
// A valid slot with those fields, as the kernel would write it (for tests and fakes).
void write_heartbeat_block(std::span<uint8_t> slot, const HeartbeatBlock& b);
// The kernel's crc32_le(0, bytes) of the slot with its checksum field taken as zero.
uint32_t heartbeat_crc(std::span<const uint8_t> slot);

}  // namespace uc::ocfs2
