// The wire format between the host and a guest's agent, and between the CLI and the
// cluster supervisor: a small binary frame. The guest is a stranger, so the decoder
// survives any bytes: garbage before a frame is skipped, oversized frames are dropped.
//
//   offset 0  'U' 'C'          magic
//          2  u8   type        FrameType
//          3  u32  session     little endian; 0 for the link itself
//          7  u32  length      payload bytes, at most kMaxPayload
//         11  payload
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uc {

enum class FrameType : uint8_t {
  kHello = 1,  // agent -> host: JSON {version, hostname, uptime_ms, boot_id}
  kPing = 2,
  kPong = 3,
  kAck = 4,     // agent -> host: u32 LE, bytes of the link it has read (flow control)
  kExec = 10,   // open a session: JSON {argv, env, tty, rows, cols, node}
  kStdin = 11,  // raw bytes
  kStdinEof = 12,
  kStdout = 13,   // raw bytes
  kStderr = 14,   // raw bytes
  kExit = 15,     // JSON {code, signal}
  kResize = 16,   // JSON {rows, cols}
  kSignal = 17,   // JSON {signal}
  kRequest = 20,  // CLI -> supervisor: JSON {op, ...}
  kReply = 21,    // supervisor -> CLI: JSON
  kEvent = 22,    // supervisor -> CLI: JSON progress event
};

inline constexpr size_t kFrameHeader = 11;
// Host-to-guest bytes in flight on an agent link. The guest's tty (UML's con1) stops
// taking input for good once its line discipline throttles (seen with 20 KB of stdin),
// so the host never sends more than the tty can hold before the agent acknowledges.
inline constexpr size_t kLinkWindow = 2048;

std::string encode_u32(uint32_t v);
uint32_t decode_u32(std::string_view bytes);  // 0 if too short
inline constexpr uint32_t kMaxPayload = 64 * 1024;
// What the CLI takes from its own supervisor (a trusted peer on an owner-only socket): a
// status of 255 nodes is some 92 KB, and grows with the cluster.
inline constexpr uint32_t kMaxControlPayload = 16 * 1024 * 1024;

struct Frame {
  FrameType type{};
  uint32_t session = 0;
  std::string payload;
};

std::string encode_frame(FrameType type, uint32_t session, std::string_view payload);
inline std::string encode_frame(const Frame& f) {
  return encode_frame(f.type, f.session, f.payload);
}

// Incremental decoder: feed() bytes as they arrive, next() yields whole frames. A frame
// longer than max_payload is not a frame: it is skipped as noise.
class FrameDecoder {
 public:
  explicit FrameDecoder(uint32_t max_payload = kMaxPayload) : max_payload_(max_payload) {}
  void feed(std::string_view bytes) { buf_.append(bytes); }
  std::optional<Frame> next();
  size_t skipped_bytes() const { return skipped_; }
  size_t buffered() const { return buf_.size(); }

 private:
  uint32_t max_payload_;
  std::string buf_;
  size_t skipped_ = 0;
};

}  // namespace uc
