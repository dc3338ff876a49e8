// What the integration tests share: the test's state directory, the running cluster's
// status, its host pids, and the pids seen so far (ended by pid at teardown).
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "cli_runner.h"
#include "sys/files.h"

namespace uc::test {

extern std::set<std::string> g_interfaces_before;
extern std::vector<int> g_known_pids;

inline std::string home() { return UMLCLUSTER_TEST_HOME; }

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

inline bool alive(int pid) {
  // A zombie has exited; only a process that still runs counts.
  auto st = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!st) return false;
  auto close = st->rfind(')');
  return close != std::string::npos && st->substr(close + 2, 1) != "Z";
}

}  // namespace uc::test
