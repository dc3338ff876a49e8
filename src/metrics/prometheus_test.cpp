// The Prometheus text: node_exporter's names for the host, umlcluster's for the nodes, each
// family's HELP and TYPE once before its samples, escaping and number formatting.
#include "metrics/prometheus.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <limits>
#include <locale>
#include <map>
#include <set>
#include <sstream>

#include "metrics/exposition.h"

namespace uc::metrics {
namespace {

MetricsInput sample_input() {
  MetricsInput in;
  in.cluster = "ocfs2";
  in.clk_tck = 100;
  monitor::CpuTimes c0{1234, 5, 300, 90000, 7, 1, 2, 0};
  monitor::CpuTimes c1{200, 0, 100, 95000, 3, 0, 4, 9};
  in.host.cpu.cores = {c0, c1};
  in.host.mem = {16ull << 30, 8ull << 30, 12ull << 30, 1ull << 20, 2ull << 30, 4096};
  in.host.load = {0.25, 1.5, 2};
  NodeMetrics n0;
  n0.name = "node0";
  n0.state = "running";
  n0.address = "192.168.0.112";
  n0.host.emplace();
  n0.host->pids = {101, 102, 103};
  n0.host->cpu_ticks = 4321;
  n0.host->rss = 300 << 20;
  n0.host->pss = 200 << 20;
  n0.host->pss_taken_at = std::chrono::steady_clock::now();
  n0.host->memory = 150 << 20;
  n0.guest = GuestView{{0.5, 0.25, 0.125},
                       {128 << 20, 64 << 20, 80 << 20, 1 << 20, 8 << 20, 0},
                       {"/cluster", "/extra"}};
  n0.volumes = {"/cluster", "/data"};
  NodeMetrics n1;
  n1.name = "node1";
  n1.state = "stopped";
  n1.address = "192.168.0.116";
  in.nodes = {n0, n1};
  return in;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text))
    if (l == line) return true;
  return false;
}

// Checks the format's structure: every family's HELP then TYPE once, then its samples, all
// together; every sample under a declared family. Returns the families in order.
std::vector<std::string> check_structure(const std::string& text) {
  std::vector<std::string> families;
  std::set<std::string> seen;
  std::string current;
  bool expect_type = false;
  EXPECT_TRUE(text.empty() || text.back() == '\n');
  for (const auto& l : lines_of(text)) {
    if (l.rfind("# HELP ", 0) == 0) {
      EXPECT_FALSE(expect_type) << l;
      current = l.substr(7, l.find(' ', 7) - 7);
      EXPECT_TRUE(seen.insert(current).second) << "HELP twice for " << current;
      families.push_back(current);
      expect_type = true;
    } else if (l.rfind("# TYPE ", 0) == 0) {
      EXPECT_TRUE(expect_type) << l;
      EXPECT_TRUE(l == "# TYPE " + current + " counter" || l == "# TYPE " + current + " gauge")
          << l;
      expect_type = false;
    } else {
      EXPECT_FALSE(expect_type) << l;
      std::string name = l.substr(0, l.find_first_of("{ "));
      EXPECT_EQ(name, current) << "sample outside its family: " << l;
    }
  }
  return families;
}

TEST(PrometheusText, HostFiguresCarryNodeExporterNames) {
  std::string t = prometheus_text(sample_input());
  EXPECT_TRUE(has_line(t, "# TYPE node_cpu_seconds_total counter"));
  EXPECT_TRUE(has_line(t, R"(node_cpu_seconds_total{cpu="0",mode="user"} 12.34)"));
  EXPECT_TRUE(has_line(t, R"(node_cpu_seconds_total{cpu="0",mode="idle"} 900)"));
  EXPECT_TRUE(has_line(t, R"(node_cpu_seconds_total{cpu="1",mode="steal"} 0.09)"));
  for (const char* mode : {"user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"})
    EXPECT_NE(t.find(fmt::format("{{cpu=\"1\",mode=\"{}\"}}", mode)), std::string::npos) << mode;
  EXPECT_TRUE(has_line(t, "node_memory_MemTotal_bytes 17179869184"));
  EXPECT_TRUE(has_line(t, "node_memory_MemFree_bytes 8589934592"));
  EXPECT_TRUE(has_line(t, "node_memory_MemAvailable_bytes 12884901888"));
  EXPECT_TRUE(has_line(t, "node_memory_Buffers_bytes 1048576"));
  EXPECT_TRUE(has_line(t, "node_memory_Cached_bytes 2147483648"));
  EXPECT_TRUE(has_line(t, "node_memory_Shmem_bytes 4096"));
  EXPECT_TRUE(has_line(t, "# TYPE node_memory_MemTotal_bytes gauge"));
  EXPECT_TRUE(has_line(t, "node_load1 0.25"));
  EXPECT_TRUE(has_line(t, "node_load5 1.5"));
  EXPECT_TRUE(has_line(t, "node_load15 2"));
}

TEST(PrometheusText, NodeFiguresCarryClusterAndNodeLabels) {
  std::string t = prometheus_text(sample_input());
  EXPECT_TRUE(has_line(t, R"(umlcluster_node_up{cluster="ocfs2",node="node0"} 1)"));
  EXPECT_TRUE(has_line(t, R"(umlcluster_node_up{cluster="ocfs2",node="node1"} 0)"));
  EXPECT_TRUE(has_line(
      t,
      R"(umlcluster_node_info{cluster="ocfs2",node="node0",address="192.168.0.112",state="running"} 1)"));
  EXPECT_TRUE(has_line(
      t,
      R"(umlcluster_node_info{cluster="ocfs2",node="node1",address="192.168.0.116",state="stopped"} 1)"));
  EXPECT_TRUE(
      has_line(t, R"(umlcluster_node_cpu_seconds_total{cluster="ocfs2",node="node0"} 43.21)"));
  EXPECT_TRUE(has_line(t, "# TYPE umlcluster_node_cpu_seconds_total counter"));
  EXPECT_TRUE(has_line(
      t, R"(umlcluster_node_resident_memory_bytes{cluster="ocfs2",node="node0"} 314572800)"));
  EXPECT_TRUE(has_line(t, R"(umlcluster_node_pss_bytes{cluster="ocfs2",node="node0"} 209715200)"));
  EXPECT_TRUE(
      has_line(t, R"(umlcluster_node_memory_bytes{cluster="ocfs2",node="node0"} 157286400)"));
  EXPECT_TRUE(has_line(t, R"(umlcluster_node_processes{cluster="ocfs2",node="node0"} 3)"));
  // node1 was not sampled: no figures rather than zeros.
  EXPECT_EQ(t.find(R"(umlcluster_node_cpu_seconds_total{cluster="ocfs2",node="node1"})"),
            std::string::npos);
}

TEST(PrometheusText, TheHostsHeartbeatEvidenceWhenTheSupervisorGaveIt) {
  auto in = sample_input();
  in.nodes[0].heartbeat_age_s = 1.25;
  in.nodes[0].fences = 2;
  in.nodes[0].disk_fenced = true;
  std::string t = prometheus_text(in);
  EXPECT_TRUE(has_line(
      t, R"(umlcluster_node_disk_heartbeat_age_seconds{cluster="ocfs2",node="node0"} 1.25)"));
  EXPECT_TRUE(has_line(t, R"(umlcluster_node_fences_total{cluster="ocfs2",node="node0"} 2)"));
  EXPECT_TRUE(has_line(t, "# TYPE umlcluster_node_fences_total counter"));
  EXPECT_TRUE(has_line(t, R"(umlcluster_node_disk_fenced{cluster="ocfs2",node="node0"} 1)"));
  // node1 has no beat of this life and no word on fences: no figures rather than zeros.
  EXPECT_EQ(t.find(R"(umlcluster_node_disk_heartbeat_age_seconds{cluster="ocfs2",node="node1"})"),
            std::string::npos);
  EXPECT_EQ(t.find(R"(umlcluster_node_fences_total{cluster="ocfs2",node="node1"})"),
            std::string::npos);
}

TEST(PrometheusText, GuestViewAndVolumes) {
  std::string t = prometheus_text(sample_input());
  EXPECT_TRUE(has_line(t, R"(umlcluster_guest_load1{cluster="ocfs2",node="node0"} 0.5)"));
  EXPECT_TRUE(has_line(t, R"(umlcluster_guest_load5{cluster="ocfs2",node="node0"} 0.25)"));
  EXPECT_TRUE(has_line(t, R"(umlcluster_guest_load15{cluster="ocfs2",node="node0"} 0.125)"));
  EXPECT_TRUE(has_line(
      t, R"(umlcluster_guest_memory_total_bytes{cluster="ocfs2",node="node0"} 134217728)"));
  EXPECT_TRUE(
      has_line(t, R"(umlcluster_guest_memory_free_bytes{cluster="ocfs2",node="node0"} 67108864)"));
  // used = total - free - buffers - (cached - shmem) = 128 - 64 - 1 - 8 MiB
  EXPECT_TRUE(
      has_line(t, R"(umlcluster_guest_memory_used_bytes{cluster="ocfs2",node="node0"} 57671680)"));
  EXPECT_TRUE(has_line(
      t, R"(umlcluster_volume_mounted{cluster="ocfs2",node="node0",mountpoint="/cluster"} 1)"));
  EXPECT_TRUE(has_line(
      t, R"(umlcluster_volume_mounted{cluster="ocfs2",node="node0",mountpoint="/data"} 0)"));
  EXPECT_TRUE(has_line(
      t, R"(umlcluster_volume_mounted{cluster="ocfs2",node="node0",mountpoint="/extra"} 1)"));
  EXPECT_EQ(t.find(R"(umlcluster_guest_load1{cluster="ocfs2",node="node1"})"), std::string::npos);
  EXPECT_EQ(t.find(R"(umlcluster_volume_mounted{cluster="ocfs2",node="node1")"), std::string::npos);
}

TEST(PrometheusText, HelpAndTypeOncePerFamilyBeforeItsSamples) {
  MetricsInput in = sample_input();
  in.nodes.push_back(in.nodes[0]);
  in.nodes.back().name = "node2";
  auto families = check_structure(prometheus_text(in));
  EXPECT_EQ(families.front(), "node_cpu_seconds_total");
  EXPECT_NE(std::find(families.begin(), families.end(), "umlcluster_volume_mounted"),
            families.end());
}

TEST(PrometheusText, UnknownGuestsLeaveTheirFamiliesOut) {
  MetricsInput in = sample_input();
  in.nodes[0].guest.reset();
  std::string t = prometheus_text(in);
  check_structure(t);
  EXPECT_EQ(t.find("umlcluster_guest_"), std::string::npos);
  EXPECT_EQ(t.find("umlcluster_volume_mounted"), std::string::npos);
  EXPECT_NE(t.find("umlcluster_node_up"), std::string::npos);
}

TEST(PrometheusText, NoNodesAndNoMeminfo) {
  MetricsInput in = sample_input();
  in.nodes.clear();
  in.host.mem = {};
  std::string t = prometheus_text(in);
  check_structure(t);
  EXPECT_EQ(t.find("umlcluster_"), std::string::npos);
  EXPECT_EQ(t.find("node_memory_"), std::string::npos);
  EXPECT_NE(t.find("node_load1 "), std::string::npos);
}

TEST(PrometheusText, AnUnreadPssIsLeftOut) {
  MetricsInput in = sample_input();
  in.nodes[0].host->pss_taken_at.reset();
  std::string t = prometheus_text(in);
  EXPECT_EQ(t.find("umlcluster_node_pss_bytes"), std::string::npos);
  EXPECT_NE(t.find("umlcluster_node_memory_bytes{"), std::string::npos);
}

TEST(PrometheusText, SecondsFollowTheClockTick) {
  MetricsInput in = sample_input();
  in.clk_tck = 250;
  in.host.cpu.cores.resize(1);
  in.host.cpu.cores[0].user = 1001;
  in.nodes[0].host->cpu_ticks = 1000;
  std::string t = prometheus_text(in);
  EXPECT_TRUE(has_line(t, R"(node_cpu_seconds_total{cpu="0",mode="user"} 4.004)"));
  EXPECT_TRUE(has_line(t, R"(umlcluster_node_cpu_seconds_total{cluster="ocfs2",node="node0"} 4)"));
}

TEST(PrometheusText, LabelValuesAreEscaped) {
  MetricsInput in = sample_input();
  in.cluster = "c\\1";
  in.nodes[0].name = "a\"b\nc";
  in.nodes[0].guest->mounts = {"/mnt/we\"ird"};
  in.nodes[0].volumes = {};
  std::string t = prometheus_text(in);
  EXPECT_TRUE(has_line(t, R"(umlcluster_node_up{cluster="c\\1",node="a\"b\nc"} 1)"));
  EXPECT_TRUE(has_line(
      t,
      R"(umlcluster_volume_mounted{cluster="c\\1",node="a\"b\nc",mountpoint="/mnt/we\"ird"} 1)"));
  check_structure(t);
}

TEST(PrometheusExposition, Escaping) {
  EXPECT_EQ(escape_label_value("plain"), "plain");
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  EXPECT_EQ(escape_help("a\\b\"c\nd"), "a\\\\b\"c\\nd");
}

TEST(PrometheusExposition, NumbersReadBackExactly) {
  EXPECT_EQ(format_value(0.0), "0");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(123456789.01), "123456789.01");
  EXPECT_EQ(format_value(1e21), "1e+21");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  double third = 1.0 / 3;
  EXPECT_EQ(std::stod(format_value(third)), third);
}

struct CommaDecimal : std::numpunct<char> {
  char do_decimal_point() const override { return ','; }
  char do_thousands_sep() const override { return '.'; }
  std::string do_grouping() const override { return "\3"; }
};

TEST(PrometheusExposition, TheLocaleDoesNotChangeNumbers) {
  std::locale saved = std::locale::global(std::locale(std::locale::classic(), new CommaDecimal));
  std::string v = format_value(1234.5);
  Exposition e;
  e.add(e.family("x_bytes", "x", MetricType::gauge), {}, uint64_t{1234567});
  std::string t = e.text();
  std::locale::global(saved);
  EXPECT_EQ(v, "1234.5");
  EXPECT_EQ(t, "# HELP x_bytes x\n# TYPE x_bytes gauge\nx_bytes 1234567\n");
}

TEST(PrometheusExposition, FamiliesWithoutSamplesAreLeftOut) {
  Exposition e;
  size_t a = e.family("a_total", "A.", MetricType::counter);
  e.family("b", "B.", MetricType::gauge);
  EXPECT_EQ(e.family("a_total", "A.", MetricType::counter), a);
  e.add(a, {{"k", "v"}}, 2.5);
  EXPECT_EQ(e.text(), "# HELP a_total A.\n# TYPE a_total counter\na_total{k=\"v\"} 2.5\n");
  EXPECT_EQ(Exposition().text(), "");
}

}  // namespace
}  // namespace uc::metrics
