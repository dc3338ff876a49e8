// Event: one thing that happened in a cluster (a node died, a peer was evicted, recovery
// began), as a value: its JSON line in the event log, its human line, and the filters and
// times `umlcluster events` selects with. No I/O here; the file is event_log.h's.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/result.h"

namespace uc::cluster {

struct Event {
  int64_t ts_ms = 0;          // wall clock, ms since the epoch
  std::string cluster, node;  // node "" for the cluster itself (supervisor_started, ...)
  std::string type;           // "died", "evicted", "recovery_begin", ...
  nlohmann::json fields = nlohmann::json::object();
};

// {"ts":..,"time":"2026-11-25T22:10:00.123Z","cluster":..,"node":..,"type":.., fields...}.
// A field named like one of those five keys is left out rather than overwrite it.
nlohmann::json to_json(const Event& e);
// The event's log line: to_json on one line, invalid UTF-8 replaced. Never throws.
std::string event_line(const Event& e);
// Defensive: anything but an object with an integer "ts" and a non-empty string "type"
// (and string "cluster"/"node" when present) is nothing. Never throws.
std::optional<Event> event_from_json(const nlohmann::json& j);
std::optional<Event> parse_event_line(std::string_view line);

// One human line, UTC like the log's "time" (so it can be pasted into --since):
// "2026-11-25 22:10:00.123  node1     died      cause=crashed signal=9".
std::string render_event(const Event& e);

// "2026-11-25T22:10:00.123Z", and as render_event shows it, "2026-11-25 22:10:00.123".
std::string iso_time(int64_t ms);
std::string human_time(int64_t ms);

struct EventFilter {
  std::optional<int64_t> since_ms;
  std::string node;                // "" for any
  std::vector<std::string> types;  // empty for any; "o2net_*" matches by prefix
};
bool matches(const EventFilter& f, const Event& e);

// "10m", "30s", "2h", "1d", "1w" (that long before now_ms), ISO 8601 "2026-11-25T22:10:00Z",
// "2026-11-25 22:10:00", "2026-11-25" (UTC unless the text gives an offset), or epoch ms.
Result<int64_t> parse_since(std::string_view text, int64_t now_ms);

}  // namespace uc::cluster
