#include "report/svg_chart.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "report/axis_scale.h"
#include "report/html_escape.h"

namespace uc::report {
namespace {

constexpr double kTickFont = 11, kLabelFont = 11, kTitleFont = 14;
constexpr double kRowHeight = 15;  // one row of marker or band labels
constexpr double kLegendRow = 18;
constexpr int kMaxMarkerRows = 3;  // more crowded labels are left to the hover title

// Text width without a font engine: DejaVu Sans and its likes average about 0.62 em.
double text_width(const std::string& s, double font_size) {
  return static_cast<double>(s.size()) * font_size * 0.62;
}

// SVG coordinates to one decimal, "12" rather than "12.0": keeps a 32-node report small.
std::string coord(double v) {
  double r = std::round(v * 10) / 10;
  if (r == 0) r = 0;  // no "-0"
  if (r == std::floor(r)) return fmt::format("{:.0f}", r);
  return fmt::format("{:.1f}", r);
}

struct Range {
  double lo = std::numeric_limits<double>::infinity(),
         hi = -std::numeric_limits<double>::infinity();
  void add(double v) {
    if (!std::isfinite(v)) return;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  bool empty() const { return lo > hi; }
};

// A label placed on one of the rows above the plot, spanning [x0, x1] in SVG units.
struct PlacedLabel {
  double x0, x1;
  int row;
  std::string text;
  double anchor;       // the marker's x
  bool right_aligned;  // text ends at the marker (near the plot's right end)
};

// Each label takes the lowest row where it overlaps no label of that row, covers no leader
// line coming down from a label above it, and puts its own leader through no label below.
// Right to left, so a crowded run climbs like stairs; a label no row can take gets row -1.
bool fits_row(const PlacedLabel& l, int row, const std::vector<PlacedLabel>& placed) {
  auto covers = [](const PlacedLabel& p, double x) { return x >= p.x0 - 3 && x <= p.x1 + 3; };
  for (auto& p : placed) {
    if (p.row == row && l.x0 < p.x1 + 6 && p.x0 < l.x1 + 6) return false;
    if (p.row > row && covers(l, p.anchor)) return false;
    if (p.row >= 0 && p.row < row && covers(p, l.anchor)) return false;
  }
  return true;
}

std::vector<PlacedLabel> place_on_rows(std::vector<PlacedLabel> labels, int max_rows) {
  std::sort(labels.begin(), labels.end(), [](auto& a, auto& b) { return a.anchor > b.anchor; });
  std::vector<PlacedLabel> placed;
  for (auto& l : labels) {
    l.row = -1;
    for (int r = 0; r < max_rows && l.row < 0; ++r)
      if (fits_row(l, r, placed)) l.row = r;
    placed.push_back(l);
  }
  return placed;
}

struct Layout {
  double left, right, plot_top, plot_bottom, height;
  double marker_rows_top;
  int marker_rows;
  double legend_top;
  int legend_rows;
  AxisScale xs, ys;
  double px(double x) const { return left + (x - xs.lo) / (xs.hi - xs.lo) * (right - left); }
  double py(double y) const {
    return plot_bottom - (y - ys.lo) / (ys.hi - ys.lo) * (plot_bottom - plot_top);
  }
};

struct LegendItem {
  double x;
  int row;
};

std::vector<LegendItem> place_legend(const ChartSpec& spec, double left, double right) {
  std::vector<LegendItem> items;
  double x = left;
  int row = 0;
  for (auto& s : spec.series) {
    double w = 26 + text_width(s.name, kLabelFont) + 16;
    if (x > left && x + w > right) {
      x = left;
      ++row;
    }
    items.push_back({x, row});
    x += w;
  }
  return items;
}

AxisScale x_scale(const ChartSpec& spec) {
  Range r;
  for (auto& s : spec.series)
    for (auto& p : s.points) r.add(p.x);
  for (auto& b : spec.bands) r.add(b.x0), r.add(b.x1);
  for (auto& m : spec.markers) r.add(m.x);
  if (r.empty()) return nice_scale(0, 1, 6);
  return nice_scale(r.lo, r.hi, 8);
}

AxisScale y_scale(const ChartSpec& spec) {
  Range r;
  for (auto& s : spec.series)
    for (auto& p : s.points)
      if (std::isfinite(p.x)) r.add(p.y);
  if (spec.y_from_zero) r.add(0);
  if (spec.y_max_hint) r.add(*spec.y_max_hint);
  if (r.empty()) return nice_scale(0, 1, 5);
  return nice_scale(r.lo, r.hi, 5);
}

std::string render_axes(const ChartSpec& spec, const Layout& l) {
  std::string out;
  for (double t : l.ys.ticks) {
    double y = l.py(t);
    out += fmt::format(
        "<line class=\"grid\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#e2e6ec\"/>",
        coord(l.left), coord(y), coord(l.right), coord(y));
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"{}\" fill=\"#4a5361\">{}</text>",
        coord(l.left - 7), coord(y + 4), kTickFont, tick_label(t, l.ys.step));
  }
  // X ticks: every one that leaves room for its label.
  double last_end = -1e9;
  for (double t : l.xs.ticks) {
    double x = l.px(t);
    std::string label = tick_label(t, l.xs.step);
    double w = text_width(label, kTickFont);
    out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"#4a5361\"/>",
                       coord(x), coord(l.plot_bottom), coord(x), coord(l.plot_bottom + 5));
    if (x - w / 2 < last_end + 4) continue;
    last_end = x + w / 2;
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" "
        "fill=\"#4a5361\">{}</text>",
        coord(x), coord(l.plot_bottom + 18), kTickFont, label);
  }
  out += fmt::format(
      "<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{2}\" y2=\"{1}\" stroke=\"#4a5361\"/>",
      coord(l.left), coord(l.plot_bottom), coord(l.right));
  out += fmt::format(
      "<line class=\"axis\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\" stroke=\"#4a5361\"/>",
      coord(l.left), coord(l.plot_top), coord(l.plot_bottom));
  out += fmt::format(
      "<text class=\"axis-title\" x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{}\" "
      "fill=\"#1f2733\">{}</text>",
      coord((l.left + l.right) / 2), coord(l.plot_bottom + 36), kLabelFont,
      html_escape(spec.x_label));
  double mid_y = (l.plot_top + l.plot_bottom) / 2;
  out += fmt::format(
      "<text class=\"axis-title\" transform=\"translate(16 {}) rotate(-90)\" "
      "text-anchor=\"middle\" "
      "font-size=\"{}\" fill=\"#1f2733\">{}</text>",
      coord(mid_y), kLabelFont, html_escape(spec.y_label));
  return out;
}

// Shared attributes sit on a group: a 32-node report has hundreds of these elements.
std::string render_bands(const ChartSpec& spec, const Layout& l) {
  if (spec.bands.empty()) return {};
  std::string rects = "<g class=\"bands\">";
  size_t i = 0;
  for (auto& b : spec.bands) {
    double x0 = std::clamp(l.px(std::min(b.x0, b.x1)), l.left, l.right);
    double x1 = std::clamp(l.px(std::max(b.x0, b.x1)), l.left, l.right);
    rects += fmt::format(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"><title>{}</title></rect>",
        coord(x0), coord(l.plot_top), coord(x1 - x0), coord(l.plot_bottom - l.plot_top),
        i++ % 2 == 0 ? "#e9eef6" : "#f8f9fb", html_escape(b.label));
  }
  return rects + "</g>";
}

// Band labels go inside the plot's top-left corner of their band, drawn after the series
// with a halo so that a line passing under them leaves them legible; a band too narrow for
// its label goes without (the band's hover title still names it).
std::string render_band_labels(const ChartSpec& spec, const Layout& l) {
  if (spec.bands.empty()) return {};
  std::string out = fmt::format(
      "<g class=\"band-labels\" font-size=\"{}\" fill=\"#5b6678\" font-style=\"italic\" "
      "stroke=\"#ffffff\" stroke-width=\"3\" stroke-linejoin=\"round\" "
      "paint-order=\"stroke\">",
      kTickFont);
  for (auto& b : spec.bands) {
    double x0 = std::clamp(l.px(std::min(b.x0, b.x1)), l.left, l.right);
    double x1 = std::clamp(l.px(std::max(b.x0, b.x1)), l.left, l.right);
    if (text_width(b.label, kTickFont) + 8 > x1 - x0) continue;
    out += fmt::format("<text x=\"{}\" y=\"{}\">{}</text>", coord(x0 + 4), coord(l.plot_top + 13),
                       html_escape(b.label));
  }
  return out + "</g>";
}

std::vector<PlacedLabel> marker_labels(const ChartSpec& spec, const Layout& l) {
  std::vector<PlacedLabel> labels;
  for (auto& m : spec.markers) {
    double x = l.px(m.x);
    double w = text_width(m.label, kTickFont);
    // Left-aligned on the line, unless that would run past the plot's right end.
    if (x + 5 + w <= l.right + 16)
      labels.push_back({x - 2, x + 5 + w, 0, m.label, x, false});
    else
      labels.push_back({x - 5 - w, x + 2, 0, m.label, x, true});
  }
  return place_on_rows(std::move(labels), kMaxMarkerRows);
}

std::string render_markers(const ChartSpec& spec, const Layout& l,
                           const std::vector<PlacedLabel>& labels) {
  if (spec.markers.empty()) return {};
  std::string out = "<g class=\"markers\" stroke=\"#8a94a6\" stroke-dasharray=\"4 3\">";
  for (auto& m : spec.markers) {
    std::string x = coord(l.px(m.x));
    out +=
        fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"><title>{3}</title></line>",
                    x, coord(l.plot_top), coord(l.plot_bottom), html_escape(m.label));
  }
  out += "</g><g class=\"leaders\" stroke=\"#c4cad4\" stroke-dasharray=\"1 2\">";
  std::string texts =
      fmt::format("<g class=\"marker-labels\" font-size=\"{}\" fill=\"#3d4656\">", kTickFont);
  for (auto& p : labels) {
    if (p.row < 0) continue;
    double baseline = l.marker_rows_top + (l.marker_rows - p.row) * kRowHeight - 4;
    double text_x = p.right_aligned ? p.anchor - 3 : p.anchor + 3;
    out += fmt::format("<line x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>", coord(p.anchor),
                       coord(baseline - 9), coord(l.plot_top));
    texts += fmt::format("<text class=\"marker-label\" x=\"{}\" y=\"{}\"{}>{}</text>",
                         coord(text_x), coord(baseline),
                         p.right_aligned ? " text-anchor=\"end\"" : "", html_escape(p.text));
  }
  return out + "</g>" + texts + "</g>";
}

// Also counts the series drawn, so that a chart without any says so.
std::string render_series(const ChartSpec& spec, const Layout& l, int* drawn) {
  std::string out;
  *drawn = 0;
  for (size_t i = 0; i < spec.series.size(); ++i) {
    auto& s = spec.series[i];
    std::string points;
    std::string last;
    size_t count = 0;
    double first_x = 0, first_y = 0;
    for (auto& p : s.points) {
      if (!std::isfinite(p.x) || !std::isfinite(p.y)) continue;
      std::string pt = coord(l.px(p.x)) + "," + coord(l.py(p.y));
      if (pt == last) continue;  // same pixel after rounding
      if (count == 0) first_x = l.px(p.x), first_y = l.py(p.y);
      points += (points.empty() ? "" : " ") + pt;
      last = pt;
      ++count;
    }
    std::string name = html_escape(s.name);
    std::string dash = series_dash(i);
    std::string dash_attr = dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", dash);
    if (count > 0) ++*drawn;
    if (count == 1) {
      out += fmt::format(
          "<circle class=\"series\" data-series=\"{}\" cx=\"{}\" cy=\"{}\" r=\"3\" fill=\"{}\">"
          "<title>{}</title></circle>",
          name, coord(first_x), coord(first_y), series_colour(i), name);
    } else if (count > 1) {
      out += fmt::format(
          "<polyline class=\"series\" data-series=\"{}\" fill=\"none\" stroke=\"{}\" "
          "stroke-width=\"1.8\" stroke-linejoin=\"round\"{} points=\"{}\"><title>{}</title>"
          "</polyline>",
          name, series_colour(i), dash_attr, points, name);
    }
  }
  return out;
}

std::string render_legend(const ChartSpec& spec, const std::vector<LegendItem>& items, double top) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    double y = top + items[i].row * kLegendRow + 9;
    double x = items[i].x;
    std::string dash = series_dash(i);
    out += fmt::format(
        "<g class=\"legend-item\"><line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{}\" "
        "stroke-width=\"3\"{}/><text x=\"{}\" y=\"{}\" font-size=\"{}\" "
        "fill=\"#1f2733\">{}</text></g>",
        coord(x), coord(y), coord(x + 20), coord(y), series_colour(i),
        dash.empty() ? "" : fmt::format(" stroke-dasharray=\"{}\"", dash), coord(x + 26),
        coord(y + 4), kLabelFont, html_escape(spec.series[i].name));
  }
  return out;
}

}  // namespace

std::string series_colour(size_t index) {
  static const char* const kPalette[] = {"#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed",
                                         "#0891b2", "#db2777", "#65a30d", "#475569", "#a16207"};
  constexpr size_t kCount = sizeof(kPalette) / sizeof(kPalette[0]);
  if (index < kCount) return kPalette[index];
  // Past the hand-picked ones: hues a golden angle apart never repeat and stay far from
  // their neighbours; alternating lightness separates the near ones further.
  double hue = std::fmod(static_cast<double>(index - kCount) * 137.508 + 20, 360.0);
  return fmt::format("hsl({:.0f},70%,{}%)", hue, index % 2 == 0 ? 38 : 50);
}

std::string series_dash(size_t index) {
  static const char* const kDashes[] = {"", "6 3", "2 2", "8 3 2 3"};
  return kDashes[(index / 10) % 4];
}

std::string render_svg_chart(const ChartSpec& spec) {
  Layout l;
  l.xs = x_scale(spec);
  l.ys = y_scale(spec);
  double widest_tick = 0;
  for (double t : l.ys.ticks)
    widest_tick = std::max(widest_tick, text_width(tick_label(t, l.ys.step), kTickFont));
  l.left = 30 + widest_tick + 10;
  l.right = spec.width - 20;

  auto labels = marker_labels(spec, l);
  l.marker_rows = 0;
  for (auto& p : labels) l.marker_rows = std::max(l.marker_rows, p.row + 1);
  l.marker_rows_top = 28;
  l.plot_top = l.marker_rows_top + l.marker_rows * kRowHeight + 6;
  l.plot_bottom = l.plot_top + spec.plot_height;
  auto legend = place_legend(spec, l.left, l.right);
  l.legend_rows = legend.empty() ? 0 : legend.back().row + 1;
  l.legend_top = l.plot_bottom + 48;
  l.height = l.legend_top + l.legend_rows * kLegendRow + 6;

  std::string out = fmt::format(
      "<svg class=\"chart\" data-chart=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "
      "{} {}\" "
      "width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"{}\" font-family=\"'DejaVu Sans', "
      "'Segoe UI', "
      "Helvetica, Arial, sans-serif\"><title>{}</title>",
      html_escape(spec.id), spec.width, coord(l.height), spec.width, coord(l.height),
      html_escape(spec.title), html_escape(spec.title));
  out += fmt::format(
      "<text class=\"chart-title\" x=\"{}\" y=\"18\" font-size=\"{}\" font-weight=\"bold\" "
      "fill=\"#1f2733\">{}</text>",
      10, kTitleFont, html_escape(spec.title));
  out += fmt::format(
      "<rect class=\"plot-area\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
      coord(l.left), coord(l.plot_top), coord(l.right - l.left), coord(l.plot_bottom - l.plot_top));
  out += render_bands(spec, l);
  out += render_axes(spec, l);
  out += render_markers(spec, l, labels);
  int drawn = 0;
  out += render_series(spec, l, &drawn);
  out += render_band_labels(spec, l);
  if (drawn == 0) {
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#8a94a6\">"
        "no data</text>",
        coord((l.left + l.right) / 2), coord((l.plot_top + l.plot_bottom) / 2));
  }
  out += render_legend(spec, legend, l.legend_top);
  out += "</svg>";
  return out;
}

}  // namespace uc::report
