// The default cluster's life: down for the report's baseline, down and up with a forced
// fsck between, a killed supervisor, and at last destroyed and recreated from cluster.conf.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "browser/chromium_check.h"
#include "cluster_fixture.h"
#include "sys/process.h"

namespace uc::test {
namespace {

std::string slurp(const std::string& path) {
  auto t = read_file(path);
  return t ? *t : "";
}

// The paper's experiment: needs the cluster down (its baseline has no node), leaves it up.
TEST(Report, ReproducesThePapersTable4InEveryFormat) {
  size_t nodes = status()["nodes"].size();  // node0, node1 and any node added by the tests before
  ASSERT_GE(nodes, 2u);
  ASSERT_EQ(run_cli({"down"}).code, 0);
  auto dir = TempDir::create(scratch(), "report-");
  ASSERT_TRUE(dir);
  std::string out = dir->path() + "/r";
  auto r =
      run_cli({"report", "--window", "2", "--interval", "0.5", "-o", out, "--keep-up", "--json"});
  for (int p : cluster_pids(status())) g_known_pids.push_back(p);
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << r.out;
  // The fields the README documents.
  for (auto* f : {"cluster", "generated_at", "host", "window_s", "interval_s", "settle_s",
                  "duration_s", "sampler_cpu_percent", "rows", "series", "events", "paper_table4"})
    EXPECT_TRUE(j.contains(f)) << f;
  ASSERT_EQ(j["rows"].size(), nodes + 1);
  std::vector<std::string> phases;
  size_t cores = static_cast<size_t>(::sysconf(_SC_NPROCESSORS_ONLN));
  for (size_t i = 0; i < j["rows"].size(); ++i) {
    auto& row = j["rows"][i];
    phases.push_back(row["phase"]);
    for (auto* f :
         {"label", "started_node", "ready_after_s", "nodes_running", "cpu_percent",
          "cpu_cores_percent", "mem_used_bytes", "mem_total_bytes", "load", "delta", "nodes"})
      EXPECT_TRUE(row.contains(f)) << f << " in " << row.dump();
    EXPECT_EQ(row["cpu_cores_percent"].size(), cores);
    EXPECT_GT(row.value("mem_used_bytes", 0.0), 0);
    EXPECT_EQ(row["load"].size(), 3u);
    EXPECT_EQ(row["nodes"].size(), i) << row.dump();
    for (auto* f : {"cpu_percent", "cpu_cores_percent", "mem_used_bytes", "load1"})
      EXPECT_TRUE(row["delta"].contains(f)) << f;
  }
  phases.resize(3);
  EXPECT_EQ(phases, (std::vector<std::string>{"baseline", "node0", "node1"}));
  EXPECT_GT(j["rows"][1].value("ready_after_s", 0.0), 0.5);
  EXPECT_EQ(j["rows"][2]["nodes_running"], (nlohmann::json{"node0", "node1"}));
  EXPECT_GE(j["series"].size(), 8u);
  EXPECT_EQ(j["paper_table4"].size(), 3u);

  // The same report in every file.
  auto file_json = nlohmann::json::parse(slurp(out + "/report.json"), nullptr, false);
  EXPECT_EQ(file_json, j);
  auto csv = slurp(out + "/report.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), static_cast<long>(nodes) + 2) << csv;
  EXPECT_NE(csv.find("\nnode1,node1,node1,"), std::string::npos) << csv;
  auto series = slurp(out + "/series.csv");
  EXPECT_EQ(std::count(series.begin(), series.end(), '\n'),
            static_cast<long>(j["series"].size()) + 1);
  auto txt = slurp(out + "/report.txt");
  EXPECT_NE(txt.find("Table 4"), std::string::npos) << txt;
  EXPECT_NE(txt.find("\nnode1 "), std::string::npos) << txt;

  // The HTML page renders its charts in a real browser.
  ASSERT_TRUE(chromium_available()) << "`setup.sh test` installs Debian's chromium";
  auto b = load_in_chromium(out + "/report.html", dir->path());
  ASSERT_TRUE(b.ran) << b.stderr_text;
  EXPECT_NE(b.dom.find("data-charts-rendered=\"5\""), std::string::npos) << b.stderr_text;
  EXPECT_NE(b.dom.find("data-charts-total=\"5\""), std::string::npos);
  // The page records script errors in data-errors: none.
  auto at = b.dom.find("data-errors=\"");
  ASSERT_NE(at, std::string::npos);
  EXPECT_EQ(b.dom.substr(at, 14), "data-errors=\"\"") << b.dom.substr(at, 300);
  EXPECT_GT(slurp(b.screenshot_path).size(), 20000u);
}

TEST(Lifecycle, DataSurvivesDownAndUpAndTheVolumeChecksClean) {
  ASSERT_EQ(run_cli({"exec", "node0", "--", "sh", "-c", "echo kept > /cluster/kept.txt"}).code, 0);
  auto r = run_cli({"down"});
  ASSERT_EQ(r.code, 0) << r.err;
  r = run_cli({"fsck"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  // A forced check: every pass, not just the superblock's flags.
  EXPECT_NE(r.out.find("Pass 4b"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("All passes succeeded"), std::string::npos) << r.out << r.err;
  r = run_cli({"up"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (int p : cluster_pids(status())) g_known_pids.push_back(p);
  EXPECT_EQ(r.out.find("formatting"), std::string::npos) << "up formatted the volume again:\n"
                                                         << r.out;
  r = run_cli({"exec", "node1", "--", "cat", "/cluster/kept.txt"});
  EXPECT_EQ(r.out, "kept\n") << r.err;
}

TEST(Lifecycle, AKilledSupervisorTakesItsNodesAlongAndUpRecovers) {
  auto s = status();
  auto pids = cluster_pids(s);
  ASSERT_GT(s.value("supervisor_pid", 0), 0);
  ASSERT_EQ(::kill(s["supervisor_pid"].get<int>(), SIGKILL), 0);
  // Every node is pid 1 of its namespace and dies with the supervisor: nothing lingers.
  for (int i = 0; i < 100; ++i) {
    bool any = false;
    for (int p : pids) any |= alive(p);
    if (!any) break;
    ::usleep(100000);
  }
  for (int p : pids) EXPECT_FALSE(alive(p)) << "pid " << p << " outlived its supervisor";
  EXPECT_EQ(status()["state"], "stopped");
  auto r = run_cli({"up"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("recovering"), std::string::npos) << r.out;
  for (int p : cluster_pids(status())) g_known_pids.push_back(p);
  r = run_cli({"exec", "node0", "--", "cat", "/cluster/kept.txt"});
  EXPECT_EQ(r.out, "kept\n") << r.err;
}

TEST(Lifecycle, DownLeavesNothingAndUpReusesTheImage) {
  auto pids = cluster_pids(status());
  ASSERT_GE(pids.size(), 4u);
  auto r = run_cli({"down"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  for (int p : pids) EXPECT_FALSE(alive(p)) << "pid " << p << " survived down";
  EXPECT_EQ(status()["state"], "stopped");

  auto images = list_dir(home() + "/images");
  r = run_cli({"destroy", "--yes"});
  EXPECT_EQ(r.code, 0) << r.err;
  // Recreated from the paper's Table 3.
  r = run_cli({"up", "--from", UMLCLUSTER_SOURCE_DIR "/tests/data/paper-cluster.conf"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("image: cached"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("mmdebstrap"), std::string::npos) << r.out;
  EXPECT_EQ(list_dir(home() + "/images"), images);
  auto s = status();
  for (int p : cluster_pids(s)) g_known_pids.push_back(p);
  EXPECT_EQ(s["cluster"], "ocfs2");
  ASSERT_EQ(s["nodes"].size(), 2u);
  EXPECT_EQ(s["nodes"][0]["name"], "node0");
  EXPECT_EQ(s["nodes"][0]["address"], "192.168.0.112");
  EXPECT_EQ(s["nodes"][1]["address"], "192.168.0.116");
  r = run_cli({"config", "export"});
  EXPECT_NE(r.out.find("\tname = ocfs2\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\tip_port = 7777\n"), std::string::npos) << r.out;
  EXPECT_EQ(s["volumes"][0]["mounted_on"], (nlohmann::json{"node0", "node1"}));
  // The same file with its stanzas in another order is the same cluster.
  r = run_cli({"up", "--from", UMLCLUSTER_SOURCE_DIR "/tests/data/paper-cluster-reordered.conf"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("is already up; nothing changed"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace uc::test
