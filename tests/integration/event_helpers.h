// Reading a cluster's events and node states as a user would (`events --json`, `status
// --json`), with waits that have deadlines. Shared by the manager and fault tests.
#pragma once

#include <unistd.h>

#include <chrono>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cluster_fixture.h"

namespace uc::test {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// (Before a new cluster's `up` made its folder there are none: not an error here.)
inline std::vector<json> events(const std::string& cluster, int64_t since_ms) {
  auto r = run_cli({"events", "-n", cluster, "--json"});
  std::vector<json> out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) {
    auto j = json::parse(line, nullptr, false);
    if (!j.is_discarded() && j.value("ts", int64_t{0}) >= since_ms) out.push_back(j);
  }
  return out;
}

using Match = std::function<bool(const json&)>;
inline Match is(const std::string& node, const std::string& type) {
  return [=](const json& e) { return e.value("node", "") == node && e.value("type", "") == type; };
}

// `type` on any node but `dead`: the DLM elects a recovery master among the survivors (node0,
// or a node added by an earlier test), so no one survivor is certain to be it.
inline Match on_a_survivor(const std::string& dead, const std::string& type) {
  return [=](const json& e) { return e.value("node", "") != dead && e.value("type", "") == type; };
}

// The first event since `since_ms` that matches, waiting up to `timeout_s` for it.
inline std::optional<json> wait_event(const std::string& cluster, int64_t since_ms, const Match& m,
                                      int timeout_s) {
  auto give_up = Clock::now() + std::chrono::seconds(timeout_s);
  do {
    for (auto& e : events(cluster, since_ms))
      if (m(e)) return e;
    ::usleep(300000);
  } while (Clock::now() < give_up);
  return std::nullopt;
}

inline std::string dump(const std::vector<json>& es) {
  std::string s;
  for (auto& e : es)
    s += e.value("node", "-") + " " + e.value("type", "") + " " +
         e.value("line", e.value("reason", "")) + "\n";
  return s;
}

inline json node_status(const std::string& cluster, const std::string& node) {
  auto r = run_cli({"status", "-n", cluster, "--json"});
  auto s = json::parse(r.out, nullptr, false);
  if (!s.is_discarded())
    for (auto& n : s["nodes"])
      if (n["name"] == node) return n;
  return {};
}

// The host pids of one node (all of the cluster's are remembered for the teardown).
inline std::vector<int> node_pids(const std::string& cluster, const std::string& node) {
  auto r = run_cli({"status", "-n", cluster, "--json"});
  auto s = json::parse(r.out, nullptr, false);
  std::vector<int> pids;
  if (s.is_discarded()) return pids;
  for (int p : cluster_pids(s)) g_known_pids.push_back(p);
  for (auto& n : s["nodes"])
    if (n["name"] == node)
      for (auto& p : n["pids"]) pids.push_back(p);
  return pids;
}

inline double secs_between(const json& a, const json& b) {
  return (b.value("ts", int64_t{0}) - a.value("ts", int64_t{0})) / 1000.0;
}

}  // namespace uc::test
