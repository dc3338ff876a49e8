// The benchmark harness, run small so that it cannot rot: `umlcluster bench --suite smoke`
// brings up its own 2-node clusters (one run of the ready suite beside its floor, one of
// the scale suite) and must write every figure. No timing is asserted here: targets live
// in the benchmarks. Then sixteen nodes at once on a busy host, which must fence nobody.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "cluster_fixture.h"
#include "sys/files.h"

namespace uc::test {
namespace {

TEST(Bench, SmokeSuiteWritesEveryFigureBesideItsFloor) {
  std::string out = scratch() + "/bench-smoke.json";
  auto r = run_cli({"bench", "--suite", "smoke", "--json", out});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto text = read_file(out);
  ::unlink(out.c_str());
  ASSERT_TRUE(text) << r.err;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << *text;
  EXPECT_EQ(j["suite"], "smoke");
  EXPECT_GT(j["host"]["cores"].get<int>(), 0);
  const auto& ready = j["ready"];
  ASSERT_TRUE(ready["median_s"].is_number()) << ready.dump();
  ASSERT_TRUE(ready["floor_median_s"].is_number()) << "the floor did not run: " << r.err;
  EXPECT_GT(ready["median_s"].get<double>(), 1.0);
  EXPECT_GT(ready["floor_median_s"].get<double>(), 1.0);
  EXPECT_TRUE(ready["ratio"].is_number());
  ASSERT_EQ(j["scale"].size(), 1u) << j["scale"].dump();
  const auto& s = j["scale"][0];
  EXPECT_EQ(s["nodes"], 2);
  ASSERT_TRUE(s["ready_s"].is_number()) << s.dump();
  EXPECT_TRUE(s["down_s"].is_number());
  EXPECT_TRUE(s["floor_ready_s"].is_number());
  EXPECT_GT(s["pss_per_node_bytes"].get<double>(), 4 * 1048576.0);
  EXPECT_GT(s["guest_used_per_node_bytes"].get<double>(), 1048576.0);
  EXPECT_GE(s["idle_cpu_per_node_percent"].get<double>(), 0.0);
  EXPECT_TRUE(s["phases_s"]["mounted"]["last"].is_number()) << s["phases_s"].dump();
  // The harness leaves no cluster of its own behind.
  auto st = run_cli({"status", "-n", "benchready"});
  EXPECT_NE(st.code, 0) << st.out;
}

// Nothing healthy is fenced on a busy host: sixteen nodes boot at once (no waves) while the
// kernel build test compiles beside them (CI starts it first), then run a while. The host
// reads every node's disk heartbeat all along: not one fence, not one hung node.
TEST(Bench, SixteenNodesBootingAtOnceOnABusyHostFenceNobody) {
  auto r = run_cli({"up", "-f", UMLCLUSTER_SOURCE_DIR "/tests/data/sixteen-at-once.toml"});
  track_cluster("n16");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  ::sleep(20);  // beyond the dead time after the last node mounted
  auto st = nlohmann::json::parse(run_cli({"status", "-n", "n16", "--json"}).out, nullptr, false);
  ASSERT_FALSE(st.is_discarded());
  int64_t oldest = 0;
  for (auto& n : st["nodes"]) {
    EXPECT_EQ(n.value("state", ""), "running") << n.dump();
    EXPECT_EQ(n.value("fences", 0), 0) << n.dump();
    ASSERT_TRUE(n.contains("disk_heartbeat")) << n.dump();
    oldest = std::max(oldest, n["disk_heartbeat"].value("age_ms", int64_t{0}));
  }
  auto ev = run_cli({"events", "-n", "n16", "--json"});
  for (const char* bad : {"\"type\":\"fenced\"", "\"type\":\"hung\"", "\"type\":\"died\""})
    EXPECT_EQ(ev.out.find(bad), std::string::npos) << bad << "\n" << ev.out;
  std::printf("[ measured ] 16 nodes at once on a busy host: oldest heartbeat %.1f s, no fence\n",
              oldest / 1000.0);
  EXPECT_EQ(run_cli({"down", "-n", "n16"}).code, 0);
  EXPECT_EQ(run_cli({"destroy", "-n", "n16", "--yes"}).code, 0);
}

}  // namespace
}  // namespace uc::test
