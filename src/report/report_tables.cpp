#include "report/report_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "report/html_escape.h"
#include "report/json_fields.h"
#include "report/report_charts.h"

namespace uc::report {
namespace {

constexpr const char* kDash = "\u2013";

std::optional<double> scaled(std::optional<double> v, double by) {
  if (!v) return v;
  return *v / by;
}

std::string num_cell(std::optional<double> v, int decimals, bool sign = false) {
  return fmt::format("<td class=\"num\">{}</td>", format_number(v, decimals, sign));
}

std::string used_of_total(std::optional<double> used_mb, std::optional<double> total_mb) {
  if (!used_mb && !total_mb) return fmt::format("<td class=\"num\">{}</td>", kDash);
  return fmt::format("<td class=\"num\">{}<span class=\"of\"> / {}</span></td>",
                     format_number(used_mb, 0), format_number(total_mb, 0));
}

size_t core_columns(const nlohmann::json& rows, const char* key) {
  size_t n = 0;
  for (auto& r : rows) n = std::max(n, array_field(r, key).size());
  return n;
}

std::string core_headers(size_t cores, const char* suffix) {
  std::string s;
  for (size_t i = 0; i < cores; ++i)
    s += fmt::format("<th class=\"num\">CPU{}{}</th>", i + 1, suffix);
  return s;
}

std::string core_cells(const nlohmann::json& row, const char* key, size_t cores) {
  auto values = numbers_of(array_field(row, key));
  std::string s;
  for (size_t i = 0; i < cores; ++i) s += num_cell(i < values.size() ? values[i] : std::nullopt, 1);
  return s;
}

std::string row_label(const nlohmann::json& row) {
  std::string label = text_field(row, "label");
  if (label.empty()) label = text_field(row, "phase");
  if (label.empty() || label == "-") label = kDash;
  std::string running;
  for (auto& n : array_field(row, "nodes_running"))
    if (n.is_string()) running += (running.empty() ? "" : ", ") + n.get<std::string>();
  std::string title = running.empty() ? "no node running" : "running: " + running;
  return fmt::format("<th scope=\"row\" title=\"{}\">{}</th>", html_escape(title),
                     html_escape(label));
}

}  // namespace

std::string format_number(std::optional<double> v, int decimals, bool sign) {
  if (!v || !std::isfinite(*v)) return kDash;
  double rounded = std::round(*v * std::pow(10.0, decimals)) / std::pow(10.0, decimals);
  if (rounded == 0) return fmt::format("{:.{}f}", 0.0, decimals);
  std::string text = fmt::format("{:.{}f}", std::abs(rounded), decimals);
  if (rounded < 0) return "\u2212" + text;  // a real minus sign lines up with "+"
  return sign ? "+" + text : text;
}

std::string our_figures_table(const nlohmann::json& report) {
  auto& rows = array_field(report, "rows");
  size_t cores = core_columns(rows, "cpu_cores_percent");
  std::string s = "<table class=\"figures\"><thead><tr><th>Row</th>";
  s += core_headers(cores, " (%)");
  s += "<th class=\"num\">Memory used / total (MB)</th><th class=\"num\">Load avg (1&nbsp;min)</th>"
       "<th class=\"num delta\">\u0394 CPU (%)</th><th class=\"num delta\">\u0394 memory (MB)</th>"
       "<th class=\"num delta\">\u0394 load</th><th class=\"num\">Ready after "
       "(s)</th></tr></thead><tbody>";
  for (auto& row : rows) {
    auto& delta = object_field(row, "delta");
    auto load = numbers_of(array_field(row, "load"));
    s += "<tr>" + row_label(row) + core_cells(row, "cpu_cores_percent", cores);
    s += used_of_total(scaled(number_field(row, "mem_used_bytes"), kMiB),
                       scaled(number_field(row, "mem_total_bytes"), kMiB));
    s += num_cell(load.empty() ? std::nullopt : load[0], 2);
    s += num_cell(number_field(delta, "cpu_percent"), 1, true);
    s += num_cell(scaled(number_field(delta, "mem_used_bytes"), kMiB), 0, true);
    s += num_cell(number_field(delta, "load1"), 2, true);
    auto ready = number_field(row, "ready_after_s");
    s += num_cell(text_field(row, "started_node").empty() ? std::nullopt : ready, 1);
    s += "</tr>";
  }
  if (rows.empty())
    s += fmt::format("<tr><td colspan=\"{}\">no rows in this report</td></tr>", cores + 7);
  return s + "</tbody></table>";
}

std::string per_node_table(const nlohmann::json& report) {
  auto& rows = array_field(report, "rows");
  std::vector<const nlohmann::json*> with_nodes;
  std::vector<std::string> names;
  for (auto& row : rows) {
    if (array_field(row, "nodes").empty()) continue;
    with_nodes.push_back(&row);
    for (auto& n : array_field(row, "nodes")) {
      std::string name = text_field(n, "name");
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  if (with_nodes.empty()) return {};
  std::sort(names.begin(), names.end(), natural_less);

  std::string s = "<table class=\"per-node\"><thead><tr><th rowspan=\"2\">Node</th>";
  for (auto* row : with_nodes) {
    std::string label = text_field(*row, "label");
    s += fmt::format("<th colspan=\"2\" class=\"group\">after {}</th>",
                     html_escape(label.empty() ? kDash : label));
  }
  s += "</tr><tr>";
  for (size_t i = 0; i < with_nodes.size(); ++i)
    s += "<th class=\"num\">CPU (%)</th><th class=\"num\">PSS (MB)</th>";
  s += "</tr></thead><tbody>";
  for (auto& name : names) {
    s += fmt::format("<tr><th scope=\"row\">{}</th>", html_escape(name.empty() ? kDash : name));
    for (auto* row : with_nodes) {
      const nlohmann::json* node = nullptr;
      for (auto& n : array_field(*row, "nodes"))
        if (text_field(n, "name") == name) node = &n;
      if (!node) {
        s += fmt::format("<td class=\"num absent\">{0}</td><td class=\"num absent\">{0}</td>",
                         kDash);
        continue;
      }
      s += num_cell(number_field(*node, "cpu_percent"), 1);
      s += num_cell(scaled(number_field(*node, "pss_bytes"), kMiB), 1);
    }
    s += "</tr>";
  }
  return s + "</tbody></table>";
}

std::string paper_table(const nlohmann::json& report) {
  auto& rows = array_field(report, "paper_table4");
  if (rows.empty()) return {};
  size_t cores = core_columns(rows, "cpu_cores_percent");
  std::string s = "<table class=\"paper\"><thead><tr><th>Row</th>";
  s += core_headers(cores, " (%)");
  s += "<th class=\"num\">Memory used / total (MB)</th><th class=\"num\">Load avg (1 "
       "min)</th></tr></thead><tbody>";
  for (auto& row : rows) {
    std::string label = text_field(row, "label");
    s += fmt::format("<tr><th scope=\"row\">{}</th>",
                     html_escape(label.empty() || label == "-" ? kDash : label));
    s += core_cells(row, "cpu_cores_percent", cores);
    s += used_of_total(number_field(row, "mem_used_mb"), number_field(row, "mem_total_mb"));
    s += num_cell(number_field(row, "load1"), 2);
    s += "</tr>";
  }
  return s + "</tbody></table>";
}

}  // namespace uc::report
