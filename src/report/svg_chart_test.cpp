#include "report/svg_chart.h"

#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <set>

#include "report/axis_scale.h"
#include "report/html_escape.h"
#include "support/test_text.h"

namespace uc::report {
namespace {

using test_support::count;

ChartSpec two_series() {
  ChartSpec c;
  c.id = "cpu";
  c.title = "Host CPU";
  c.x_label = "time (s)";
  c.y_label = "CPU (%)";
  c.series = {{"CPU1", {{0, 1}, {1, 2.5}, {2, 3}}}, {"CPU2", {{0, 0.5}, {1, 0.7}, {2, 0.9}}}};
  return c;
}

TEST(SvgScale, RoundSteps) {
  auto s = nice_scale(0, 47);
  EXPECT_EQ(s.lo, 0);
  EXPECT_EQ(s.hi, 50);
  EXPECT_EQ(s.step, 10);
  ASSERT_EQ(s.ticks.size(), 6u);
  EXPECT_EQ(s.ticks[3], 30);

  auto m = nice_scale(158.2, 211.9);  // 140..220 by 20 is nearer 5 intervals than 150..220 by 10
  EXPECT_EQ(m.step, 20);
  EXPECT_EQ(m.lo, 140);
  EXPECT_EQ(m.hi, 220);
  EXPECT_EQ(nice_scale(0, 3).step, 0.5);

  auto small = nice_scale(0, 0.43);
  EXPECT_DOUBLE_EQ(small.step, 0.1);
  EXPECT_DOUBLE_EQ(small.hi, 0.5);
}

TEST(SvgScale, DegenerateRanges) {
  auto flat = nice_scale(5, 5);
  EXPECT_LT(flat.lo, 5);
  EXPECT_GT(flat.hi, 5);
  auto zero = nice_scale(0, 0);
  EXPECT_EQ(zero.lo, 0);
  EXPECT_GT(zero.hi, 0);
  auto reversed = nice_scale(10, 0);
  EXPECT_EQ(reversed.lo, 0);
  EXPECT_EQ(reversed.hi, 10);
  auto nan = nice_scale(std::nan(""), 3);
  EXPECT_EQ(nan.lo, 0);
  EXPECT_EQ(nan.hi, 1);
}

TEST(SvgScale, TickLabelsShowTheDecimalsTheStepNeeds) {
  EXPECT_EQ(tick_label(150, 50), "150");
  EXPECT_EQ(tick_label(2.5, 2.5), "2.5");
  EXPECT_EQ(tick_label(0.25, 0.25), "0.25");
  EXPECT_EQ(tick_label(0.30000000000000004, 0.1), "0.3");
  EXPECT_EQ(tick_label(-1e-17, 0.1), "0.0");
}

TEST(SvgChart, SeriesAxesAndLegend) {
  auto svg = render_svg_chart(two_series());
  EXPECT_EQ(svg.rfind("<svg class=\"chart\" data-chart=\"cpu\"", 0), 0u);
  EXPECT_EQ(count(svg, "<polyline class=\"series\""), 2);
  EXPECT_NE(svg.find("data-series=\"CPU1\""), std::string::npos);
  EXPECT_NE(svg.find("data-series=\"CPU2\""), std::string::npos);
  EXPECT_EQ(count(svg, "class=\"legend-item\""), 2);
  EXPECT_NE(svg.find(">time (s)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">CPU (%)</text>"), std::string::npos);
  EXPECT_NE(svg.find("class=\"plot-area\""), std::string::npos);
  EXPECT_NE(svg.find(">2.5</text>"), std::string::npos);  // y ticks 0, 0.5, ... 3
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
}

TEST(SvgChart, DistinctColoursForManySeries) {
  std::set<std::string> seen;
  for (size_t i = 0; i < 32; ++i) seen.insert(series_colour(i) + series_dash(i));
  EXPECT_EQ(seen.size(), 32u);
}

TEST(SvgChart, CoordinatesHaveAtMostOneDecimal) {
  auto c = two_series();
  c.series[0].points.push_back({2.123456, 1.987654});
  auto svg = render_svg_chart(c);
  EXPECT_FALSE(std::regex_search(svg, std::regex("\\d\\.\\d\\d+,")));
  EXPECT_FALSE(std::regex_search(svg, std::regex("(x|y|x1|y1|x2|y2)=\"-?\\d+\\.\\d\\d")));
}

TEST(SvgChart, EscapesEveryText) {
  auto c = two_series();
  c.title = "<b>&";
  c.series[0].name = "\"><script>x</script>";
  c.markers = {{1, "<start>"}};
  c.bands = {{0, 2, "a&b"}};
  auto svg = render_svg_chart(c);
  EXPECT_EQ(svg.find("<script>"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_EQ(svg.find("<start>"), std::string::npos);
  EXPECT_NE(svg.find("data-series=\"&quot;&gt;&lt;script&gt;"), std::string::npos);
  EXPECT_NE(svg.find("a&amp;b"), std::string::npos);
}

TEST(SvgChart, OnePointIsADotAndNoPointsIsNothing) {
  auto c = two_series();
  c.series = {{"lonely", {{3, 4}}}, {"empty", {}}, {"nan", {{std::nan(""), 1}}}};
  auto svg = render_svg_chart(c);
  EXPECT_NE(svg.find("<circle class=\"series\" data-series=\"lonely\""), std::string::npos);
  EXPECT_EQ(svg.find("data-series=\"empty\""), std::string::npos);
  EXPECT_EQ(svg.find("data-series=\"nan\""), std::string::npos);
  EXPECT_EQ(svg.find("nan,"), std::string::npos);
}

TEST(SvgChart, EmptyChartSaysSo) {
  ChartSpec c;
  c.id = "load";
  auto svg = render_svg_chart(c);
  EXPECT_NE(svg.find("no data"), std::string::npos);
  EXPECT_EQ(svg.find("class=\"series\""), std::string::npos);
}

struct TextBox {
  double x0, x1, y;
};

// The marker labels' boxes, from the rendered text's x, anchor and baseline.
std::vector<TextBox> marker_label_boxes(const std::string& svg) {
  std::vector<TextBox> boxes;
  std::regex label(
      "<text class=\"marker-label\" x=\"([\\d.]+)\" y=\"([\\d.]+)\"( "
      "text-anchor=\"end\")?>([^<]*)</text>");
  for (std::sregex_iterator it(svg.begin(), svg.end(), label), end; it != end; ++it) {
    double x = std::stod((*it)[1]), y = std::stod((*it)[2]);
    double w = (*it)[4].length() * 11 * 0.62;
    if (!(*it)[3].matched)
      boxes.push_back({x, x + w, y});
    else
      boxes.push_back({x - w, x, y});
  }
  return boxes;
}

TEST(SvgChart, CrowdedMarkerLabelsDoNotOverlap) {
  auto c = two_series();
  for (int i = 0; i < 8; ++i)
    c.markers.push_back({0.1 + i * 0.12, "node" + std::to_string(i) + " starting"});
  auto boxes = marker_label_boxes(render_svg_chart(c));
  ASSERT_GE(boxes.size(), 3u);  // some fit, on stacked rows
  std::set<double> rows;
  for (size_t i = 0; i < boxes.size(); ++i) {
    rows.insert(boxes[i].y);
    for (size_t j = i + 1; j < boxes.size(); ++j) {
      if (boxes[i].y != boxes[j].y) continue;
      EXPECT_TRUE(boxes[i].x1 <= boxes[j].x0 || boxes[j].x1 <= boxes[i].x0)
          << i << " overlaps " << j;
    }
  }
  EXPECT_GT(rows.size(), 1u);
  EXPECT_LE(rows.size(), 3u);
}

TEST(SvgChart, LabelNearTheRightEndTurnsLeft) {
  auto c = two_series();
  c.markers = {{2, "the very last event of all"}};
  auto svg = render_svg_chart(c);
  EXPECT_NE(svg.find("text-anchor=\"end\">the very last"), std::string::npos);
}

TEST(SvgChart, LegendWrapsAndGrowsTheChart) {
  auto few = two_series();
  auto many = two_series();
  many.series.clear();
  for (int i = 0; i < 32; ++i)
    many.series.push_back({"node" + std::to_string(i), {{0, 1.0 * i}, {2, 2.0 * i}}});
  auto height = [](const std::string& svg) {
    std::smatch m;
    std::regex_search(svg, m, std::regex("viewBox=\"0 0 \\d+ ([\\d.]+)\""));
    return std::stod(m[1]);
  };
  EXPECT_GT(height(render_svg_chart(many)), height(render_svg_chart(few)) + 50);
}

TEST(HtmlEscape, AllSpecialCharacters) {
  EXPECT_EQ(html_escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
  EXPECT_EQ(html_escape("plain"), "plain");
}

}  // namespace
}  // namespace uc::report
