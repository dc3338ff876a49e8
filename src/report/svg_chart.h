// A line chart as inline SVG, written here so the report needs no script library and no
// network: axes with round-number ticks, axis titles with units, a legend, several series
// in distinct colours, shaded bands (phases) and dashed vertical markers (events), each
// labelled. Generic: it knows series of (x, y) points, nothing about clusters.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace uc::report {

struct ChartPoint {
  double x = 0, y = 0;
};

struct ChartSeries {
  std::string name;
  std::vector<ChartPoint> points;  // in x order; a gap in time is just a longer segment
};

// A shaded stretch of the x axis (a phase of the experiment), labelled above the plot.
struct ChartBand {
  double x0 = 0, x1 = 0;
  std::string label;
};

// A dashed vertical line at x (an event), labelled above the plot.
struct ChartMarker {
  double x = 0;
  std::string label;
};

struct ChartSpec {
  std::string id;  // becomes data-chart="id"
  std::string title;
  std::string x_label, y_label;  // with units: "time (s)", "memory used (MB)"
  std::vector<ChartSeries> series;
  std::vector<ChartBand> bands;
  std::vector<ChartMarker> markers;
  bool y_from_zero = true;           // else the y axis fits the data's range
  std::optional<double> y_max_hint;  // the axis reaches at least this (100 for percentages)
  int width = 680;                   // viewBox units; the page scales the SVG to its box
  int plot_height = 220;  // the chart's height follows: label rows above, legend rows below
};

// The colour of the i-th series: a hand-picked set first, then spread hues.
std::string series_colour(size_t index);
// The dash pattern of the i-th series ("" for solid): tells apart series whose colours
// look alike once there are more series than hand-picked colours.
std::string series_dash(size_t index);

// <svg class="chart" data-chart="ID" ...> with one <polyline class="series"
// data-series="NAME"> per series of two or more points (a <circle class="series"> for one
// point) and a <rect class="plot-area">. Every text is escaped.
std::string render_svg_chart(const ChartSpec& spec);

}  // namespace uc::report
