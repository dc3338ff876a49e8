#include "events/event_fold.h"

namespace uc::cluster {

// The churn: a first connection is news and is always told.
bool EventFold::foldable(const std::string& type) {
  return type.rfind("o2net_", 0) == 0 && type != "o2net_connected";
}

void EventFold::close(const std::pair<std::string, std::string>& key, const Window& w) {
  if (w.folded == 0) return;
  Event f;
  f.ts_ms = w.last.ts_ms;
  f.cluster = w.last.cluster;
  f.node = key.first;
  f.type = "folded";
  f.fields = {{"of", key.second},
              {"count", w.folded},
              {"seconds", static_cast<double>(window_ms_) / 1000.0},
              {"last", w.last.fields}};
  closed_.push_back(std::move(f));
}

bool EventFold::admit(const Event& e, int64_t now_ms) {
  if (!foldable(e.type)) return true;
  auto key = std::make_pair(e.node, e.type);
  auto [it, fresh] = windows_.try_emplace(key);
  Window& w = it->second;
  if (fresh || now_ms - w.start >= window_ms_) {
    if (!fresh) close(key, w);
    w = Window{now_ms, 0, 0, {}};
  }
  if (++w.seen <= burst_) return true;
  ++w.folded;
  w.last = e;
  return false;
}

std::vector<Event> EventFold::due(int64_t now_ms) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now_ms - it->second.start < window_ms_) {
      ++it;
      continue;
    }
    close(it->first, it->second);
    it = windows_.erase(it);
  }
  return std::exchange(closed_, {});
}

}  // namespace uc::cluster
