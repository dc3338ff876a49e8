// DelayQueue: frames the switch holds back for a link's delay, ordered by the time they
// are due (CLOCK_MONOTONIC microseconds, passed in by the caller, so tests need no clock).
// Bounded in frames and bytes: a delayed link must not let guests grow the switch without
// limit, so beyond the bound a frame is dropped and counted.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/switch_core.h"

namespace uc::net {

struct DelayedFrame {
  PortId port;
  std::string frame;
};

class DelayQueue {
 public:
  static constexpr size_t kMaxFrames = 8192;
  static constexpr size_t kMaxBytes = size_t{32} << 20;
  // False (and counted in dropped()) when the queue is full.
  bool push(uint64_t due_us, PortId port, std::string_view frame);
  std::optional<uint64_t> next_due_us() const;
  // Every frame due at or before `now_us`, earliest first; equal times keep their order.
  std::vector<DelayedFrame> take_due(uint64_t now_us);
  // Milliseconds poll(2) may sleep before the next frame is due: -1 if none, rounded up
  // so the loop never wakes just before a frame is due and spins.
  int poll_timeout_ms(uint64_t now_us) const;
  size_t size() const { return queue_.size(); }
  size_t bytes() const { return bytes_; }
  uint64_t dropped() const { return dropped_; }

 private:
  std::multimap<uint64_t, DelayedFrame> queue_;
  size_t bytes_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace uc::net
