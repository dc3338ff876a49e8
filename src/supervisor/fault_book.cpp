#include "supervisor/fault_book.h"

#include <algorithm>

namespace uc::cluster {

nlohmann::json to_json(const ActiveFault& f) {
  nlohmann::json j{{"id", f.id},
                   {"kind", f.kind},
                   {"node", f.node},
                   {"started_at_ms", f.started_wall_ms},
                   {"params", f.params}};
  j["ends_at_ms"] = f.ends_wall_ms ? nlohmann::json(*f.ends_wall_ms) : nlohmann::json();
  return j;
}

const ActiveFault& FaultBook::add(const std::string& kind, const std::string& node, int64_t now,
                                  int64_t now_wall, int64_t for_ms, nlohmann::json params) {
  ActiveFault f{next_id_++, kind, node, std::move(params), now_wall, std::nullopt, std::nullopt};
  if (for_ms > 0) {
    f.ends_at = now + for_ms;
    f.ends_wall_ms = now_wall + for_ms;
  }
  faults_.push_back(f);
  return faults_.back();
}

bool FaultBook::has(const std::string& kind, const std::string& node) const {
  return std::any_of(faults_.begin(), faults_.end(),
                     [&](const ActiveFault& f) { return f.kind == kind && f.node == node; });
}

std::optional<ActiveFault> FaultBook::remove(const std::string& kind, const std::string& node) {
  auto it = std::find_if(faults_.begin(), faults_.end(),
                         [&](const ActiveFault& f) { return f.kind == kind && f.node == node; });
  if (it == faults_.end()) return std::nullopt;
  ActiveFault f = *it;
  faults_.erase(it);
  return f;
}

namespace {
template <typename Pred>
std::vector<ActiveFault> take_if(std::vector<ActiveFault>& v, Pred p) {
  std::vector<ActiveFault> out;
  for (auto it = v.begin(); it != v.end();) {
    if (p(*it)) {
      out.push_back(*it);
      it = v.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}
}  // namespace

std::vector<ActiveFault> FaultBook::remove_node(const std::string& node) {
  return take_if(faults_, [&](const ActiveFault& f) { return f.node == node && f.kind != "net"; });
}

std::vector<ActiveFault> FaultBook::remove_kinds(const std::vector<std::string>& kinds) {
  return take_if(faults_, [&](const ActiveFault& f) {
    return std::find(kinds.begin(), kinds.end(), f.kind) != kinds.end();
  });
}

bool FaultBook::has_any(const std::vector<std::string>& kinds, const std::string& node) const {
  for (const auto& k : kinds)
    if (has(k, node)) return true;
  return false;
}

std::vector<ActiveFault> FaultBook::due(int64_t now) {
  return take_if(faults_, [&](const ActiveFault& f) { return f.ends_at && *f.ends_at <= now; });
}

std::vector<ActiveFault> FaultBook::clear() { return std::exchange(faults_, {}); }

std::optional<int64_t> FaultBook::next_deadline() const {
  std::optional<int64_t> d;
  for (const auto& f : faults_)
    if (f.ends_at && (!d || *f.ends_at < *d)) d = f.ends_at;
  return d;
}

}  // namespace uc::cluster
