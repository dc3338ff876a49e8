// FaultBook: the faults now active in a cluster (a frozen node, ...), when each began and
// when it ends by itself. Pure bookkeeping, no syscalls: the supervisor asks it what is
// due and carries out the ends; `fault list` shows it; `fault clear` and `down` empty it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace uc::cluster {

struct ActiveFault {
  uint64_t id = 0;
  std::string kind;  // freeze, partition, net, disk-stall, disk-slow, disk-error
  std::string node;  // "" for a partition
  nlohmann::json params = nlohmann::json::object();  // groups, delay_ms, ... as the kind needs
  int64_t started_wall_ms = 0;
  std::optional<int64_t> ends_at;       // monotonic ms, when given a duration
  std::optional<int64_t> ends_wall_ms;  // the same on the wall clock, for people
};
nlohmann::json to_json(const ActiveFault& f);

class FaultBook {
 public:
  // `for_ms` > 0: it ends by itself after that long.
  const ActiveFault& add(const std::string& kind, const std::string& node, int64_t now,
                         int64_t now_wall, int64_t for_ms,
                         nlohmann::json params = nlohmann::json::object());
  bool has(const std::string& kind, const std::string& node) const;
  std::optional<ActiveFault> remove(const std::string& kind, const std::string& node);
  // Its kernel died: the faults that act on that kernel end (freeze, disk-*); a slow link
  // is the node's cable and stays for its next boot.
  std::vector<ActiveFault> remove_node(const std::string& node);
  std::vector<ActiveFault> remove_kinds(const std::vector<std::string>& kinds);
  bool has_any(const std::vector<std::string>& kinds, const std::string& node) const;
  std::vector<ActiveFault> due(int64_t now);  // removed: their time is up
  std::vector<ActiveFault> clear();
  const std::vector<ActiveFault>& active() const { return faults_; }
  std::optional<int64_t> next_deadline() const;

 private:
  std::vector<ActiveFault> faults_;
  uint64_t next_id_ = 1;
};

}  // namespace uc::cluster
