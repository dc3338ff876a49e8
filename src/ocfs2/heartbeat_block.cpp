#include "ocfs2/heartbeat_block.h"

#include <array>
#include <cstring>

namespace uc::ocfs2 {
namespace {

constexpr size_t kSeqAt = 0, kNodeAt = 8, kCrcAt = 12, kGenerationAt = 16, kDeadAt = 24;

constexpr std::array<uint32_t, 256> crc_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}
constexpr auto kCrcTable = crc_table();

uint64_t le(std::span<const uint8_t> b, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | b[at + i];
  return v;
}

void put_le(std::span<uint8_t> b, size_t at, int bytes, uint64_t v) {
  for (int i = 0; i < bytes; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

}  // namespace

uint32_t heartbeat_crc(std::span<const uint8_t> slot) {
  // crc32_le with seed 0 and no final inversion, as lib/crc32.c computes it.
  uint32_t c = 0;
  for (size_t i = 0; i < slot.size(); ++i) {
    uint8_t byte = (i >= kCrcAt && i < kCrcAt + 4) ? 0 : slot[i];
    c = kCrcTable[(c ^ byte) & 0xFF] ^ (c >> 8);
  }
  return c;
}

HeartbeatBlock parse_heartbeat_block(std::span<const uint8_t> slot) {
  HeartbeatBlock b;
  if (slot.size() != kHeartbeatSlotBytes) return b;
  b.seq = le(slot, kSeqAt, 8);
  b.node = slot[kNodeAt];
  b.generation = le(slot, kGenerationAt, 8);
  b.dead_ms = static_cast<uint32_t>(le(slot, kDeadAt, 4));
  b.crc_ok = static_cast<uint32_t>(le(slot, kCrcAt, 4)) == heartbeat_crc(slot);
  return b;
}

void write_heartbeat_block(std::span<uint8_t> slot, const HeartbeatBlock& b) {
  std::memset(slot.data(), 0, slot.size());
  put_le(slot, kSeqAt, 8, b.seq);
  slot[kNodeAt] = b.node;
  put_le(slot, kGenerationAt, 8, b.generation);
  put_le(slot, kDeadAt, 4, b.dead_ms);
  put_le(slot, kCrcAt, 4, heartbeat_crc(slot));
}

}  // namespace uc::ocfs2
