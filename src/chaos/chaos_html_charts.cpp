// The chaos page's two pictures: throughput per node with the faults as bands (the shared
// SVG chart), and each node's states over time (a strip per node, drawn here: the chart
// draws lines, not spans).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "chaos/chaos_html_parts.h"
#include "report/axis_scale.h"
#include "report/html_escape.h"
#include "report/report_charts.h"
#include "report/svg_chart.h"

namespace uc::chaos::html {
namespace {

using report::html_escape;

constexpr double kWidth = 1000, kRowStep = 24, kRowHeight = 18, kTop = 30, kFont = 11;

const char* state_colour(const std::string& cls) {
  if (cls == "ok") return "#22c55e";
  if (cls == "warn") return "#f59e0b";
  if (cls == "bad") return "#dc2626";
  return "#94a3b8";
}

double run_end(const ChaosRun& run, const std::vector<FaultSpan>& spans) {
  double end = run.options.duration_s;
  for (const auto& s : run.node_states) end = std::max(end, s.to_s);
  for (const auto& f : spans) end = std::max(end, f.x1);
  for (const auto& e : run.events) end = std::max(end, e.t_s);
  return end;
}

struct Strip {
  double left, right;
  report::AxisScale xs;
  double px(double x) const { return left + (x - xs.lo) / (xs.hi - xs.lo) * (right - left); }
};

std::string strip_axis(const Strip& s, double y) {
  std::string out = fmt::format(
      "<line x1=\"{:.1f}\" y1=\"{:.1f}\" x2=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#4a5361\"/>", s.left,
      y, s.right, y);
  for (double t : s.xs.ticks)
    out += fmt::format(
        "<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"#4a5361\"/>"
        "<text x=\"{0:.1f}\" y=\"{3:.1f}\" text-anchor=\"middle\" font-size=\"{4}\" "
        "fill=\"#4a5361\">{5}</text>",
        s.px(t), y, y + 5, y + 18, kFont, report::tick_label(t, s.xs.step));
  return out + fmt::format(
                   "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"{}\">time "
                   "(s)</text>",
                   (s.left + s.right) / 2, y + 34, kFont);
}

std::string strip_legend(const ChaosRun& run, double y) {
  std::vector<std::string> seen;
  for (const auto& s : run.node_states)
    if (std::find(seen.begin(), seen.end(), s.state) == seen.end()) seen.push_back(s.state);
  std::string out = "<g class=\"legend\">";
  double x = 10;
  for (const auto& state : seen) {
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"14\" height=\"10\" fill=\"{}\"/>"
        "<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{}\">{}</text>",
        x, y, state_colour(state_class(state)), x + 18, y + 9, kFont, html_escape(state));
    x += 18 + 6.8 * static_cast<double>(state.size()) + 16;
  }
  return out + "</g>";
}

// The top row: the faults themselves, named where their block leaves room (a hover title
// always does), so the states below can be read against them.
std::string fault_row(const Strip& s, const std::vector<FaultSpan>& spans, double y) {
  std::string out = fmt::format(
      "<g class=\"fault-row\"><text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" font-size=\"{}\" "
      "font-style=\"italic\">faults</text>",
      s.left - 6, y + 13, kFont);
  for (const auto& f : spans) {
    double x0 = s.px(f.x0), w = std::max(s.px(f.x1) - x0, 2.0);
    out += fmt::format(
        "<rect class=\"fault\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" "
        "fill=\"{}\">"
        "<title>{}</title></rect>",
        x0, y, w, kRowHeight, f.x1 > f.x0 ? "#a5b4fc" : "#dc2626", html_escape(f.label));
    std::string kind = f.label.substr(0, f.label.find(' '));
    bool instant = f.x1 <= f.x0;  // a crash: named beside its line
    if (instant || 6.8 * static_cast<double>(kind.size()) + 6 <= w)
      out += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" font-size=\"{}\">{}</text>",
                         x0 + (instant ? 5 : 3), y + 13, kFont, html_escape(kind));
  }
  return out + "</g>";
}

}  // namespace

std::string state_class(const std::string& state) {
  if (state == "running") return "ok";
  if (state == "hung" || state == "stopped" || state == "stopping" || state == "frozen")
    return "warn";
  if (state == "restarting" || state == "failed" || state == "crashed" || state == "dead")
    return "bad";
  return "other";
}

std::vector<FaultSpan> fault_spans(const ChaosRun& run) {
  std::vector<FaultSpan> out;
  auto add = [&](const PlannedFault& f, double start, std::optional<double> end) {
    double x1 = f.kind == "crash" ? start : end.value_or(start + f.for_s);
    out.push_back({start, x1, f.kind + " " + target_of(f)});
  };
  if (!run.applied.empty()) {
    for (const auto& a : run.applied)
      if (a.error.empty()) add(a.fault, a.started_s, a.ended_s);
  } else {
    for (const auto& f : run.plan) add(f, f.at_s, std::nullopt);
  }
  return out;
}

std::vector<std::string> run_nodes(const ChaosRun& run) {
  std::vector<std::string> nodes = run.options.nodes;
  std::set<std::string> known(nodes.begin(), nodes.end()), extra;
  for (const auto& s : run.node_states) extra.insert(s.node);
  for (const auto& p : run.throughput) extra.insert(p.node);
  std::vector<std::string> more;
  for (const auto& n : extra)
    if (!known.count(n)) more.push_back(n);
  std::sort(more.begin(), more.end(), report::natural_less);
  nodes.insert(nodes.end(), more.begin(), more.end());
  return nodes;
}

std::string throughput_chart(const ChaosRun& run) {
  report::ChartSpec spec;
  spec.id = "throughput";
  spec.title = "Verify throughput per node";
  spec.x_label = "time since the start (s)";
  spec.y_label = "acknowledged operations (acks/s)";
  spec.width = static_cast<int>(kWidth);
  std::map<std::string, std::vector<report::ChartPoint>> by_node;
  for (const auto& p : run.throughput) by_node[p.node].push_back({p.t_s, p.acks_per_s});
  for (const auto& node : run_nodes(run)) {
    auto it = by_node.find(node);
    if (it == by_node.end()) continue;
    std::stable_sort(it->second.begin(), it->second.end(),
                     [](auto& a, auto& b) { return a.x < b.x; });
    spec.series.push_back({node, it->second});
  }
  for (const auto& f : fault_spans(run)) {
    if (f.x1 > f.x0)
      spec.bands.push_back({f.x0, f.x1, f.label});
    else
      spec.markers.push_back({f.x0, f.label});
  }
  for (const auto& e : run.events)
    spec.markers.push_back({e.t_s, e.node.empty() ? e.type : e.node + " " + e.type});
  return report::render_svg_chart(spec);
}

std::string state_timeline(const ChaosRun& run) {
  auto nodes = run_nodes(run);
  auto spans = fault_spans(run);
  size_t widest = 4;
  for (const auto& n : nodes) widest = std::max(widest, n.size());
  Strip s{std::min(20 + 6.8 * static_cast<double>(widest), 160.0), kWidth - 20,
          report::nice_scale(0, run_end(run, spans), 8)};
  double rows_top = kTop + kRowStep;  // below the faults' row
  double rows_bottom = rows_top + kRowStep * static_cast<double>(std::max<size_t>(nodes.size(), 1));
  double height = rows_bottom + 68;
  std::string out = fmt::format(
      "<svg class=\"states\" data-timeline=\"node-states\" xmlns=\"http://www.w3.org/2000/svg\" "
      "viewBox=\"0 0 {0} {1:.0f}\" width=\"{0}\" height=\"{1:.0f}\" role=\"img\" aria-label=\"node "
      "states\" "
      "font-family=\"'DejaVu Sans', Helvetica, Arial, sans-serif\" fill=\"#1f2733\">"
      "<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">Node states</text>",
      kWidth, height);
  out += "<g class=\"fault-shade\">";
  for (const auto& f : spans) {
    double x0 = s.px(f.x0), w = std::max(s.px(f.x1) - x0, 1.5);
    out += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" "
        "fill=\"{}\"><title>{}</title></rect>",
        x0, rows_top - 4, w, rows_bottom - rows_top + 4, f.x1 > f.x0 ? "#e0e7ff" : "#dc2626",
        html_escape(f.label));
  }
  out += "</g>" + fault_row(s, spans, kTop);
  for (size_t i = 0; i < nodes.size(); ++i) {
    double y = rows_top + kRowStep * static_cast<double>(i);
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"end\" font-size=\"{}\">{}</text>",
        s.left - 6, y + 13, kFont, html_escape(nodes[i]));
    for (const auto& span : run.node_states) {
      if (span.node != nodes[i]) continue;
      double x0 = s.px(span.from_s), w = std::max(s.px(span.to_s) - x0, 1.0);
      out += fmt::format(
          "<rect class=\"state {}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{}\" "
          "fill=\"{}\">"
          "<title>{}: {} from {:.1f} s to {:.1f} s</title></rect>",
          state_class(span.state), x0, y, w, kRowHeight, state_colour(state_class(span.state)),
          html_escape(span.node), html_escape(span.state), span.from_s, span.to_s);
    }
  }
  if (run.node_states.empty())
    out += fmt::format(
        "<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" font-size=\"12\" fill=\"#8a94a6\">"
        "no node states recorded</text>",
        (s.left + s.right) / 2, rows_top + 13);
  out += strip_axis(s, rows_bottom + 2);
  out += strip_legend(run, rows_bottom + 46);
  return out + "</svg>";
}

}  // namespace uc::chaos::html
