#include "net/delay_queue.h"

#include <climits>

namespace uc::net {

bool DelayQueue::push(uint64_t due_us, PortId port, std::string_view frame) {
  if (queue_.size() >= kMaxFrames || bytes_ + frame.size() > kMaxBytes) {
    dropped_++;
    return false;
  }
  // A multimap inserts after equal keys, so frames due together leave in arrival order.
  queue_.emplace(due_us, DelayedFrame{port, std::string(frame)});
  bytes_ += frame.size();
  return true;
}

std::optional<uint64_t> DelayQueue::next_due_us() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.begin()->first;
}

std::vector<DelayedFrame> DelayQueue::take_due(uint64_t now_us) {
  std::vector<DelayedFrame> out;
  auto end = queue_.upper_bound(now_us);
  for (auto it = queue_.begin(); it != end; ++it) {
    bytes_ -= it->second.frame.size();
    out.push_back(std::move(it->second));
  }
  queue_.erase(queue_.begin(), end);
  return out;
}

int DelayQueue::poll_timeout_ms(uint64_t now_us) const {
  auto due = next_due_us();
  if (!due) return -1;
  if (*due <= now_us) return 0;
  uint64_t ms = (*due - now_us + 999) / 1000;
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

}  // namespace uc::net
