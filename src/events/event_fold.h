// EventFold: a storm of like events told once. o2net's connection churn on a loaded host
// prints a line for every peer every idle timeout (4.5 million lines from 255 nodes in 16
// minutes were seen, rotating the whole bring-up out of the event log and keeping the
// supervisor busy writing them). Of each node's o2net_* events of one type (but
// o2net_connected: each first connection is told), the first `burst` in a window are kept; the rest
// are counted and told in one "folded" event when the window ends. Other events are never folded.
// No I/O: the supervisor asks and records.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "events/event.h"

namespace uc::cluster {

class EventFold {
 public:
  explicit EventFold(int burst = 8, int64_t window_ms = 10000)
      : burst_(burst), window_ms_(window_ms) {}

  // Whether `e` (at `now_ms`, a monotonic clock) is recorded; false: it was counted.
  bool admit(const Event& e, int64_t now_ms);
  // The "folded" events of the windows that have ended by `now_ms`:
  // fields {"of": type, "count": events folded, "seconds": the window, "last": the last
  // folded event's fields}.
  std::vector<Event> due(int64_t now_ms);

  static bool foldable(const std::string& type);

 private:
  struct Window {
    int64_t start = 0;
    int seen = 0;
    int folded = 0;
    Event last;
  };
  void close(const std::pair<std::string, std::string>& key, const Window& w);
  int burst_;
  int64_t window_ms_;
  std::map<std::pair<std::string, std::string>, Window> windows_;  // (node, type)
  std::vector<Event> closed_;                                      // told by the next due()
};

}  // namespace uc::cluster
