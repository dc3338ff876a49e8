// Event <-> JSON, and the filter. Guarded throughout: the log is a file anyone with root
// can edit, and a line written half-way by a killed process is common.
#include "events/event.h"

#include <limits>

namespace uc::cluster {
namespace {

constexpr size_t kMaxEventLine = 1 << 20;

bool reserved(const std::string& key) {
  return key == "ts" || key == "time" || key == "cluster" || key == "node" || key == "type";
}

}  // namespace

nlohmann::json to_json(const Event& e) {
  nlohmann::json j{{"ts", e.ts_ms},
                   {"time", iso_time(e.ts_ms)},
                   {"cluster", e.cluster},
                   {"node", e.node},
                   {"type", e.type}};
  if (e.fields.is_object())
    for (const auto& [k, v] : e.fields.items())
      if (!reserved(k)) j[k] = v;
  return j;
}

std::string event_line(const Event& e) {
  // ordered_json: the line reads ts, time, cluster, node, type, then the fields.
  nlohmann::ordered_json j{{"ts", e.ts_ms},
                           {"time", iso_time(e.ts_ms)},
                           {"cluster", e.cluster},
                           {"node", e.node},
                           {"type", e.type}};
  try {
    if (e.fields.is_object())
      for (const auto& [k, v] : e.fields.items())
        if (!reserved(k)) j[k] = nlohmann::ordered_json(v);
  } catch (const std::exception&) {
    j["fields_error"] = "the fields could not be written";
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<Event> event_from_json(const nlohmann::json& j) {
  try {
    if (!j.is_object()) return std::nullopt;
    auto ts = j.find("ts");
    if (ts == j.end() || !ts->is_number_integer()) return std::nullopt;
    if (ts->is_number_unsigned() &&
        ts->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return std::nullopt;
    auto type = j.find("type");
    if (type == j.end() || !type->is_string() || type->get_ref<const std::string&>().empty())
      return std::nullopt;
    Event e;
    e.ts_ms = ts->get<int64_t>();
    e.type = type->get<std::string>();
    for (auto [key, out] : {std::pair{"cluster", &e.cluster}, std::pair{"node", &e.node}}) {
      auto it = j.find(key);
      if (it == j.end()) continue;
      if (!it->is_string()) return std::nullopt;
      *out = it->get<std::string>();
    }
    for (const auto& [k, v] : j.items())
      if (!reserved(k)) e.fields[k] = v;
    return e;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<Event> parse_event_line(std::string_view line) {
  if (line.empty() || line.size() > kMaxEventLine) return std::nullopt;
  auto j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return std::nullopt;
  return event_from_json(j);
}

bool matches(const EventFilter& f, const Event& e) {
  if (f.since_ms && e.ts_ms < *f.since_ms) return false;
  if (!f.node.empty() && e.node != f.node) return false;
  if (f.types.empty()) return true;
  for (const auto& t : f.types) {
    if (!t.empty() && t.back() == '*') {
      if (e.type.compare(0, t.size() - 1, t, 0, t.size() - 1) == 0) return true;
    } else if (e.type == t) {
      return true;
    }
  }
  return false;
}

}  // namespace uc::cluster
