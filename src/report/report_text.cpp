#include "report/report_text.h"

#include <fmt/format.h>

#include <set>

namespace uc::report {
namespace {

using nlohmann::json;

double num(const json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<double>() : 0.0;
}
double mb(const json& j, const char* key) { return num(j, key) / 1048576.0; }

size_t core_count(const json& report) {
  size_t n = 0;
  for (const auto& r : report.value("rows", json::array()))
    n = std::max(n, r.value("cpu_cores_percent", json::array()).size());
  return n;
}

// Every node that appears in a row, in order of first appearance.
std::vector<std::string> node_names(const json& report) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& r : report.value("rows", json::array()))
    for (const auto& n : r.value("nodes", json::array())) {
      std::string name = n.value("name", "");
      if (seen.insert(name).second) out.push_back(name);
    }
  return out;
}

const json* find_node(const json& row, const std::string& name) {
  if (!row.contains("nodes") || !row["nodes"].is_array()) return nullptr;
  for (const auto& n : row["nodes"])
    if (n.value("name", "") == name) return &n;
  return nullptr;
}

// CSV field: quoted when it holds a comma, quote or newline.
std::string field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string core_value(const json& cores, size_t i) {
  return i < cores.size() && cores[i].is_number() ? fmt::format("{:.1f}", cores[i].get<double>())
                                                  : "";
}

}  // namespace

json paper_table4() {
  auto row = [](const char* label, double c1, double c2, int used, double load) {
    return json{{"label", label},
                {"cpu_cores_percent", {c1, c2}},
                {"mem_used_mb", used},
                {"mem_total_mb", 2470},
                {"load1", load}};
  };
  return json::array({row("-", 0.6, 2.0, 158, 0.34), row("Node0", 1.2, 2.6, 180, 0.39),
                      row("Node1", 3.2, 3.2, 185, 0.43)});
}

std::string render_table(const json& report) {
  size_t cores = core_count(report);
  std::string s = fmt::format(
      "Host cost of cluster {} (window {} s a row, sampled every {} s; this "
      "report used {:.2f}% of one core)\n\n",
      report.value("cluster", ""), num(report, "window_s"), num(report, "interval_s"),
      num(report, "sampler_cpu_percent"));
  s += fmt::format("{:<10}", "node");
  for (size_t i = 0; i < cores; ++i) s += fmt::format(" {:>7}", fmt::format("CPU{} %", i + 1));
  s += fmt::format(" {:>15} {:>6} {:>8} {:>7} {:>7}  {}\n", "memory MB", "load", "ready s",
                   "Δ CPU%", "Δ MB", "per node: host CPU % / PSS MB");
  for (const auto& r : report.value("rows", json::array())) {
    s += fmt::format("{:<10}", r.value("label", ""));
    auto c = r.value("cpu_cores_percent", json::array());
    for (size_t i = 0; i < cores; ++i) s += fmt::format(" {:>7}", core_value(c, i));
    auto load = r.value("load", json::array());
    std::string ready =
        r.value("started_node", "").empty() ? "-" : fmt::format("{:.1f}", num(r, "ready_after_s"));
    auto d = r.value("delta", json::object());
    s +=
        fmt::format(" {:>15} {:>6.2f} {:>8} {:>+7.1f} {:>+7.0f} ",
                    fmt::format("{:.0f}/{:.0f}", mb(r, "mem_used_bytes"), mb(r, "mem_total_bytes")),
                    load.empty() ? 0.0 : load[0].get<double>(), ready, num(d, "cpu_percent"),
                    mb(d, "mem_used_bytes"));
    for (const auto& n : r.value("nodes", json::array()))
      s += fmt::format(" {} {:.1f}/{:.0f}", n.value("name", ""), num(n, "cpu_percent"),
                       mb(n, "pss_bytes"));
    s += "\n";
  }
  s += "\nThe paper's Table 4 (htop, 2-core laptop, Ubuntu 8.04 host, kernel 2.6.21):\n";
  s += fmt::format("{:<10} {:>7} {:>7} {:>15} {:>6}\n", "node", "CPU1 %", "CPU2 %", "memory MB",
                   "load");
  for (const auto& r : report.value("paper_table4", paper_table4())) {
    auto c = r.value("cpu_cores_percent", json::array());
    s += fmt::format("{:<10} {:>7} {:>7} {:>15} {:>6.2f}\n", r.value("label", ""), core_value(c, 0),
                     core_value(c, 1),
                     fmt::format("{}/{}", r.value("mem_used_mb", 0), r.value("mem_total_mb", 0)),
                     num(r, "load1"));
  }
  return s;
}

std::string render_rows_csv(const json& report) {
  size_t cores = core_count(report);
  auto nodes = node_names(report);
  std::string s = "phase,label,started_node,ready_after_s,cpu_percent";
  for (size_t i = 0; i < cores; ++i) s += fmt::format(",cpu{}_percent", i + 1);
  s += ",mem_used_mb,mem_total_mb,load1,load5,load15,delta_cpu_percent,delta_mem_used_mb,delta_"
       "load1";
  for (const auto& n : nodes)
    s += fmt::format(",{0}_cpu_percent,{0}_pss_mb,{0}_memory_mb", field(n));
  s += "\n";
  for (const auto& r : report.value("rows", json::array())) {
    s += fmt::format("{},{},{},{:.1f},{:.2f}", field(r.value("phase", "")),
                     field(r.value("label", "")), field(r.value("started_node", "")),
                     num(r, "ready_after_s"), num(r, "cpu_percent"));
    auto c = r.value("cpu_cores_percent", json::array());
    for (size_t i = 0; i < cores; ++i) s += "," + core_value(c, i);
    auto load = r.value("load", json::array({0, 0, 0}));
    auto d = r.value("delta", json::object());
    s += fmt::format(",{:.1f},{:.1f},{:.2f},{:.2f},{:.2f},{:.2f},{:.1f},{:.2f}",
                     mb(r, "mem_used_bytes"), mb(r, "mem_total_bytes"),
                     load.size() > 0 ? load[0].get<double>() : 0.0,
                     load.size() > 1 ? load[1].get<double>() : 0.0,
                     load.size() > 2 ? load[2].get<double>() : 0.0, num(d, "cpu_percent"),
                     mb(d, "mem_used_bytes"), num(d, "load1"));
    for (const auto& n : nodes) {
      const json* v = find_node(r, n);
      s += v ? fmt::format(",{:.2f},{:.1f},{:.1f}", num(*v, "cpu_percent"), mb(*v, "pss_bytes"),
                           mb(*v, "memory_bytes"))
             : std::string(",,,");
    }
    s += "\n";
  }
  return s;
}

std::string render_series_csv(const json& report) {
  size_t cores = 0;
  std::vector<std::string> nodes;
  std::set<std::string> seen;
  for (const auto& e : report.value("series", json::array())) {
    cores = std::max(cores, e.value("cpu_cores_percent", json::array()).size());
    json ns = e.value("nodes", json::object());
    for (const auto& [name, v] : ns.items())
      if (seen.insert(name).second) nodes.push_back(name);
  }
  std::string s = "t_s,phase,cpu_percent";
  for (size_t i = 0; i < cores; ++i) s += fmt::format(",cpu{}_percent", i + 1);
  s += ",mem_used_mb,load1";
  for (const auto& n : nodes) s += fmt::format(",{0}_cpu_percent,{0}_pss_mb", field(n));
  s += "\n";
  for (const auto& e : report.value("series", json::array())) {
    s += fmt::format("{:.2f},{},{:.2f}", num(e, "t"), field(e.value("phase", "")),
                     num(e, "cpu_percent"));
    auto c = e.value("cpu_cores_percent", json::array());
    for (size_t i = 0; i < cores; ++i) s += "," + core_value(c, i);
    s += fmt::format(",{:.1f},{:.2f}", mb(e, "mem_used_bytes"), num(e, "load1"));
    auto ns = e.value("nodes", json::object());
    for (const auto& n : nodes)
      s += ns.contains(n)
               ? fmt::format(",{:.2f},{:.1f}", num(ns[n], "cpu_percent"), mb(ns[n], "pss_bytes"))
               : std::string(",,");
    s += "\n";
  }
  return s;
}

}  // namespace uc::report
