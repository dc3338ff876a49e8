// What the integration tests share: the group's state directory, the running cluster's
// status, its host pids, and the pids seen so far (ended by pid at teardown).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli_runner.h"
#include "sys/files.h"

namespace uc::test {

// This group's $UMLCLUSTER_HOME (test-home/GROUP), and where the groups' caches live.
inline std::string home() { return UMLCLUSTER_TEST_HOME; }
inline std::string shared_home() { return UMLCLUSTER_TEST_SHARED; }
// The group's scratch folder for temporary files: emptied before its first test (what a
// killed run left), checked empty after its last, removed by integration.cleanup.
inline std::string scratch() { return home() + "/tmp"; }

inline std::set<std::string> host_interfaces() {
  auto v = list_dir("/sys/class/net");
  return {v.begin(), v.end()};
}

inline nlohmann::json status() {
  auto r = run_cli({"status", "--json"});
  EXPECT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

// Every host pid of the cluster: supervisor, switch, every process of every node.
inline std::vector<int> cluster_pids(const nlohmann::json& s) {
  std::vector<int> pids;
  if (s.value("supervisor_pid", 0) > 0) pids.push_back(s["supervisor_pid"]);
  if (s.value("switch_pid", 0) > 0) pids.push_back(s["switch_pid"]);
  for (auto& n : s["nodes"])
    for (auto& p : n["pids"]) pids.push_back(p);
  return pids;
}

// The state letter and start time (clock ticks after boot) of a process, from its stat.
inline bool proc_stat(int pid, char* state, uint64_t* start) {
  auto st = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!st) return false;
  auto close = st->rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream f(st->substr(close + 2));
  std::string field;
  f >> *state;
  for (int i = 4; i <= 21; ++i) f >> field;  // ppid ... itrealvalue
  return static_cast<bool>(f >> *start);
}

inline bool alive(int pid) {
  // A zombie has exited; only a process that still runs counts.
  char state = 'Z';
  uint64_t start = 0;
  return proc_stat(pid, &state, &start) && state != 'Z';
}

// Host pids seen of this group's clusters, each with its start time: teardown ends by pid
// only a process that is still that one (a pid the kernel gave to another since is spared).
class KnownPids {
 public:
  void push_back(int pid) {
    char state;
    uint64_t start = 0;
    if (proc_stat(pid, &state, &start)) seen_.insert({pid, start});
  }
  std::vector<int> still_running() const {
    std::vector<int> out;
    for (auto [pid, start] : seen_) {
      char state = 'Z';
      uint64_t now = 0;
      if (proc_stat(pid, &state, &now) && state != 'Z' && now == start) out.push_back(pid);
    }
    return out;
  }
  void clear() { seen_.clear(); }

 private:
  std::set<std::pair<int, uint64_t>> seen_;
};

extern std::set<std::string> g_interfaces_before;
extern KnownPids g_known_pids;

// Remembers the host pids of cluster `name` (if it answers), for the teardown.
inline void track_cluster(const std::string& name) {
  auto st = run_cli({"status", "-n", name, "--json"});
  auto s = nlohmann::json::parse(st.out, nullptr, false);
  if (!s.is_discarded() && s.contains("nodes"))
    for (int p : cluster_pids(s)) g_known_pids.push_back(p);
}

}  // namespace uc::test
