#include "report/html_report.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "report/report_charts.h"
#include "report/report_tables.h"
#include "support/test_text.h"

namespace uc::report {
namespace {

nlohmann::json sample_report() {
  std::ifstream in(std::string(UMLCLUSTER_SOURCE_DIR) + "/tests/data/report-sample.json");
  std::stringstream text;
  text << in.rdbuf();
  return nlohmann::json::parse(text.str());
}

using test_support::count;

// A report of `nodes` nodes sampled `samples` times, every field filled.
nlohmann::json big_report(int nodes, int samples) {
  nlohmann::json r = sample_report();
  r["series"] = nlohmann::json::array();
  for (int i = 0; i < samples; ++i) {
    nlohmann::json s = {{"t", i * 1.01},
                        {"phase", "node" + std::to_string(i * nodes / samples)},
                        {"cpu_cores_percent", {1.234 + i % 7, 2.345}},
                        {"cpu_percent", 1.777},
                        {"mem_used_bytes", 165000000 + i * 2345678},
                        {"load1", 0.3 + i * 0.01}};
    for (int n = 0; n < nodes; ++n)
      s["nodes"]["node" + std::to_string(n)] = {{"cpu_percent", 1.5 + (i + n) % 5 * 0.37},
                                                {"pss_bytes", 80000000 + n * 1234567 + i * 7654}};
    r["series"].push_back(s);
  }
  for (int n = 0; n < nodes; ++n) {
    r["events"].push_back({{"t", n * 3.1}, {"what", "node" + std::to_string(n) + " starting"}});
    r["events"].push_back({{"t", n * 3.1 + 2}, {"what", "node" + std::to_string(n) + " ready"}});
  }
  return r;
}

TEST(HtmlReport, SelfContainedPageWithFiveCharts) {
  auto html = render_html(sample_report());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  for (auto id : {"cpu", "memory", "load", "node-memory", "node-cpu"})
    EXPECT_NE(html.find(std::string("<svg class=\"chart\" data-chart=\"") + id + "\""),
              std::string::npos)
        << id;
  EXPECT_EQ(count(html, "<svg class=\"chart\""), 5);
  // Nothing from elsewhere: no links, no sourced scripts or images, no URLs but SVG's namespace.
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  std::string without_ns =
      std::regex_replace(html, std::regex("xmlns=\"http://www.w3.org/2000/svg\""), "");
  EXPECT_EQ(without_ns.find("http"), std::string::npos);
}

TEST(HtmlReport, TablesInThePapersShape) {
  auto html = render_html(sample_report());
  EXPECT_NE(html.find("Our figures"), std::string::npos);
  EXPECT_NE(html.find("The paper's Table 4"), std::string::npos);
  EXPECT_NE(html.find("Load average (ms)"), std::string::npos);
  EXPECT_NE(html.find("<th class=\"num\">CPU1 (%)</th><th class=\"num\">CPU2 (%)</th>"),
            std::string::npos);
  EXPECT_NE(html.find(">158<span class=\"of\"> / 2470</span>"),
            std::string::npos);  // the paper's first row
  EXPECT_NE(html.find(">Node1</th>"), std::string::npos);
  EXPECT_NE(html.find(">+22</td>"), std::string::npos);         // delta memory, MB
  EXPECT_NE(html.find("after node1</th>"), std::string::npos);  // per-node sub-table
  EXPECT_NE(html.find("lab-host"), std::string::npos);
  EXPECT_NE(html.find("2026-11-25 09:30:00 UTC"), std::string::npos);
}

TEST(HtmlReport, SeriesForEveryCoreAndNode) {
  auto html = render_html(sample_report());
  for (auto name : {"CPU1", "CPU2", "all cores", "used", "load 1 min"})
    EXPECT_NE(html.find(std::string("data-series=\"") + name + "\""), std::string::npos) << name;
  EXPECT_EQ(count(html, "data-series=\"node0\""), 2);  // node memory and node CPU
  EXPECT_EQ(count(html, "data-series=\"node1\""), 2);
}

TEST(HtmlReport, EscapesNamesFromTheReport) {
  auto r = sample_report();
  r["cluster"] = "<img src=x onerror=alert(1)>";
  r["host"]["hostname"] = "a&b<host>";
  r["series"][20]["nodes"]["<node\"x>"] = {{"cpu_percent", 1}, {"pss_bytes", 100}};
  r["rows"][1]["nodes"][0]["name"] = "<evil>";
  auto html = render_html(r);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<host>"), std::string::npos);
  EXPECT_EQ(html.find("<node"), std::string::npos);
  EXPECT_EQ(html.find("<evil>"), std::string::npos);
  EXPECT_NE(html.find("a&amp;b&lt;host&gt;"), std::string::npos);
  EXPECT_NE(html.find("data-series=\"&lt;node&quot;x&gt;\""), std::string::npos);
}

TEST(HtmlReport, SurvivesMissingAndOddFields) {
  EXPECT_NE(render_html(nlohmann::json()).find("</html>"), std::string::npos);
  EXPECT_NE(render_html(nlohmann::json::object()).find("</html>"), std::string::npos);
  EXPECT_NE(render_html(nlohmann::json::array({1, 2})).find("</html>"), std::string::npos);
  auto r = sample_report();
  r["host"] = "not an object";
  r["rows"][0].erase("cpu_cores_percent");
  r["rows"][1]["delta"] = nullptr;
  r["rows"][1]["load"] = "high";
  r["rows"][2]["nodes"][0] = 7;
  r["series"][3] = "garbage";
  r["series"][4].erase("t");
  r["series"][5]["cpu_cores_percent"] = {"x", nullptr, 3};
  r["series"][6]["nodes"] = {1, 2};
  r["series"][7]["nodes"]["node0"] = nullptr;
  r["events"][0] = {{"what", "no time"}};
  r["paper_table4"][0]["cpu_cores_percent"] = nullptr;
  r["window_s"] = "ten";
  auto html = render_html(r);
  EXPECT_EQ(count(html, "<svg class=\"chart\""), 5);
  EXPECT_NE(html.find("</html>"), std::string::npos);

  r = sample_report();
  r.erase("series");
  r.erase("events");
  html = render_html(r);
  EXPECT_EQ(count(html, "<svg class=\"chart\""), 5);
  EXPECT_EQ(count(html, ">no data</text>"), 5);
}

TEST(HtmlReport, ThirtyTwoNodesAHundredSamplesStaysSmall) {
  auto html = render_html(big_report(32, 100));
  EXPECT_LT(html.size(), 200u * 1024) << html.size();
  EXPECT_EQ(count(html, "data-series=\"node31\""), 2);
  // Node series in natural order: node2 before node10.
  EXPECT_LT(html.find("data-series=\"node2\""), html.find("data-series=\"node10\""));
}

TEST(HtmlReportCharts, PhasesMeetAtTheEventBetweenThem) {
  auto charts = report_charts(sample_report());
  ASSERT_EQ(charts.size(), 5u);
  auto& bands = charts[0].bands;
  ASSERT_EQ(bands.size(), 3u);
  EXPECT_EQ(bands[0].label, "baseline");
  EXPECT_DOUBLE_EQ(bands[0].x1, 10.2);  // "node0 starting"
  EXPECT_DOUBLE_EQ(bands[1].x0, 10.2);
  EXPECT_DOUBLE_EQ(bands[1].x1, 26.6);  // "node1 starting"
  EXPECT_EQ(bands[2].label, "node1");
  EXPECT_EQ(charts[0].markers.size(), 4u);

  nlohmann::json r = {
      {"series", {{{"t", 0}, {"phase", "a"}}, {{"t", 2}, {"phase", "b"}}, {{"t", 3}}}}};
  auto no_events = report_charts(r)[0].bands;
  ASSERT_EQ(no_events.size(), 2u);
  EXPECT_DOUBLE_EQ(no_events[0].x1, 1);  // halfway between the samples
  EXPECT_DOUBLE_EQ(no_events[1].x1, 2.5);
}

TEST(HtmlReportCharts, NaturalOrderOfNames) {
  EXPECT_TRUE(natural_less("node2", "node10"));
  EXPECT_FALSE(natural_less("node10", "node2"));
  EXPECT_TRUE(natural_less("node", "node0"));
  EXPECT_TRUE(natural_less("a9b", "a10a"));
  EXPECT_FALSE(natural_less("node1", "node1"));
}

TEST(HtmlReport, NumbersFormatting) {
  EXPECT_EQ(format_number(1.25, 1), "1.3");
  EXPECT_EQ(format_number(22.0, 0, true), "+22");
  EXPECT_EQ(format_number(-0.31, 2, true), "\u22120.31");
  EXPECT_EQ(format_number(-0.001, 1, true), "0.0");
  EXPECT_EQ(format_number(std::nullopt, 1), "\u2013");
}

}  // namespace
}  // namespace uc::report
