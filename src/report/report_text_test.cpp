#include "report/report_text.h"

#include <gtest/gtest.h>

namespace uc::report {
namespace {

nlohmann::json two_node_report() {
  auto row = [](const char* phase, const char* label, std::vector<double> cores, double used_mb,
                double load, nlohmann::json nodes) {
    return nlohmann::json{
        {"phase", phase},
        {"label", label},
        {"started_node", phase == std::string("baseline") ? "" : phase},
        {"ready_after_s", 9.5},
        {"cpu_percent", (cores[0] + cores[1]) / 2},
        {"cpu_cores_percent", cores},
        {"mem_used_bytes", used_mb * 1048576},
        {"mem_total_bytes", 2470.0 * 1048576},
        {"load", {load, 0.2, 0.1}},
        {"delta", {{"cpu_percent", 1.5}, {"mem_used_bytes", 22.0 * 1048576}, {"load1", 0.05}}},
        {"nodes", nodes}};
  };
  nlohmann::json n0{{"name", "node0"},
                    {"cpu_percent", 2.5},
                    {"pss_bytes", 40.0 * 1048576},
                    {"memory_bytes", 36.0 * 1048576}};
  nlohmann::json n1{{"name", "node,1"},
                    {"cpu_percent", 3.5},
                    {"pss_bytes", 41.0 * 1048576},
                    {"memory_bytes", 37.0 * 1048576}};
  return {{"cluster", "ocfs2"},
          {"window_s", 10},
          {"interval_s", 1},
          {"rows",
           {row("baseline", "-", {0.6, 2.0}, 158, 0.34, nlohmann::json::array()),
            row("node0", "node0", {1.2, 2.6}, 180, 0.39, {n0}),
            row("node,1", "node,1", {3.2, 3.2}, 185, 0.43, {n0, n1})}},
          {"series",
           {{{"t", 1.0},
             {"phase", "baseline"},
             {"cpu_percent", 1.0},
             {"cpu_cores_percent", {0.5, 1.5}},
             {"mem_used_bytes", 158.0 * 1048576},
             {"load1", 0.3},
             {"nodes", nlohmann::json::object()}},
            {{"t", 2.0},
             {"phase", "node0"},
             {"cpu_percent", 2.0},
             {"cpu_cores_percent", {1.0, 3.0}},
             {"mem_used_bytes", 180.0 * 1048576},
             {"load1", 0.4},
             {"nodes", {{"node0", {{"cpu_percent", 2.0}, {"pss_bytes", 40.0 * 1048576}}}}}}}},
          {"paper_table4", paper_table4()}};
}

TEST(ReportText, TableHasOurRowsThenThePapersTable4) {
  auto t = render_table(two_node_report());
  auto ours = t.find("node0          1.2     2.6        180/2470   0.39");
  auto papers = t.find("Table 4");
  ASSERT_NE(ours, std::string::npos) << t;
  ASSERT_NE(papers, std::string::npos) << t;
  EXPECT_LT(ours, papers);
  EXPECT_NE(t.find("Node1          3.2     3.2        185/2470   0.43"), std::string::npos) << t;
  EXPECT_NE(t.find("node0 2.5/40"), std::string::npos) << t;
}

TEST(ReportText, RowsCsvHasACoreColumnEachAndNodeColumnsQuoted) {
  auto csv = render_rows_csv(two_node_report());
  auto header = csv.substr(0, csv.find('\n'));
  EXPECT_NE(header.find(",cpu1_percent,cpu2_percent,"), std::string::npos) << header;
  EXPECT_NE(header.find(",node0_cpu_percent,node0_pss_mb,node0_memory_mb"), std::string::npos)
      << header;
  EXPECT_NE(header.find(",\"node,1\"_cpu_percent"), std::string::npos) << header;
  EXPECT_NE(csv.find("\nbaseline,-,,9.5,1.30,0.6,2.0,158.0,2470.0,0.34,"), std::string::npos)
      << csv;
  // node0's figures in its row; node1's cells empty until it runs.
  EXPECT_NE(csv.find(",2.50,40.0,36.0,,,\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",2.50,40.0,36.0,3.50,41.0,37.0\n"), std::string::npos) << csv;
}

TEST(ReportText, SeriesCsvHasALineASample) {
  auto csv = render_series_csv(two_node_report());
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3) << csv;
  EXPECT_NE(csv.find("t_s,phase,cpu_percent,cpu1_percent,cpu2_percent,mem_used_mb,load1,node0_cpu_"
                     "percent,node0_pss_mb\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\n2.00,node0,2.00,1.0,3.0,180.0,0.40,2.00,40.0\n"), std::string::npos) << csv;
}

TEST(ReportText, MissingFieldsDoNotThrow) {
  EXPECT_NO_THROW(render_table(nlohmann::json::object()));
  EXPECT_NO_THROW(render_rows_csv({{"rows", {{{"label", "x"}}}}}));
  EXPECT_NO_THROW(render_series_csv({{"series", {nlohmann::json::object()}}}));
}

}  // namespace
}  // namespace uc::report
