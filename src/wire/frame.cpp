#include "wire/frame.h"

namespace uc {
namespace {

void put_u32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
bool known_type(uint8_t t) {
  switch (static_cast<FrameType>(t)) {
    case FrameType::kHello:
    case FrameType::kPing:
    case FrameType::kPong:
    case FrameType::kAck:
    case FrameType::kExec:
    case FrameType::kStdin:
    case FrameType::kStdinEof:
    case FrameType::kStdout:
    case FrameType::kStderr:
    case FrameType::kExit:
    case FrameType::kResize:
    case FrameType::kSignal:
    case FrameType::kRequest:
    case FrameType::kReply:
    case FrameType::kEvent:
      return true;
  }
  return false;
}

}  // namespace

std::string encode_u32(uint32_t v) {
  std::string s;
  put_u32(s, v);
  return s;
}

uint32_t decode_u32(std::string_view b) { return b.size() < 4 ? 0 : get_u32(b.data()); }

std::string encode_frame(FrameType type, uint32_t session, std::string_view payload) {
  std::string s;
  s.reserve(kFrameHeader + payload.size());
  s.push_back('U');
  s.push_back('C');
  s.push_back(static_cast<char>(type));
  put_u32(s, session);
  put_u32(s, static_cast<uint32_t>(payload.size()));
  s.append(payload);
  return s;
}

std::optional<Frame> FrameDecoder::next() {
  for (;;) {
    // Resynchronise on the magic: anything before it is noise (a console banner, a torn frame).
    size_t start = 0;
    while (start < buf_.size() &&
           !(buf_[start] == 'U' && (start + 1 == buf_.size() || buf_[start + 1] == 'C')))
      ++start;
    if (start > 0) {
      skipped_ += start;
      buf_.erase(0, start);
    }
    if (buf_.size() < kFrameHeader) return std::nullopt;
    uint8_t type = static_cast<uint8_t>(buf_[2]);
    uint32_t len = get_u32(buf_.data() + 7);
    if (!known_type(type) || len > max_payload_) {
      // Not a frame after all: drop the magic's first byte and look again.
      buf_.erase(0, 1);
      ++skipped_;
      continue;
    }
    if (buf_.size() < kFrameHeader + len) return std::nullopt;
    Frame f{static_cast<FrameType>(type), get_u32(buf_.data() + 3), buf_.substr(kFrameHeader, len)};
    buf_.erase(0, kFrameHeader + len);
    return f;
  }
}

}  // namespace uc
