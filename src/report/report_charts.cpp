#include "report/report_charts.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "report/json_fields.h"

namespace uc::report {
namespace {

// A sample of the series that has a time.
struct Sample {
  double t;
  const nlohmann::json* json;
};

std::vector<Sample> timed_samples(const nlohmann::json& report) {
  std::vector<Sample> out;
  for (auto& s : array_field(report, "series"))
    if (auto t = number_field(s, "t")) out.push_back({*t, &s});
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.t < b.t; });
  return out;
}

// Consecutive samples of one phase make a band. Two phases meet at the event between their
// samples (the node that started), else halfway between the samples.
std::vector<ChartBand> phase_bands(const std::vector<Sample>& samples,
                                   const std::vector<ChartMarker>& events) {
  std::vector<ChartBand> bands;
  std::string current;
  bool started = false, open = false;  // open: the current run of samples has a band
  double previous_t = 0;
  for (auto& s : samples) {
    std::string phase = text_field(*s.json, "phase");
    if (started && phase == current) {
      if (open) bands.back().x1 = s.t;
      previous_t = s.t;
      continue;
    }
    double boundary = started ? (previous_t + s.t) / 2 : s.t;
    if (started) {
      for (auto& e : events)
        if (e.x > previous_t && e.x <= s.t) {
          boundary = e.x;
          break;
        }
    }
    if (open) bands.back().x1 = boundary;
    current = phase;
    started = true;
    open = !phase.empty();
    if (open) bands.push_back({boundary, s.t, phase});
    previous_t = s.t;
  }
  return bands;
}

std::vector<ChartMarker> event_markers(const nlohmann::json& report) {
  std::vector<ChartMarker> markers;
  for (auto& e : array_field(report, "events"))
    if (auto t = number_field(e, "t")) markers.push_back({*t, text_field(e, "what")});
  return markers;
}

ChartSpec base_chart(std::string id, std::string title, std::string y_label,
                     const std::vector<ChartBand>& bands, const std::vector<ChartMarker>& markers) {
  ChartSpec c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.x_label = "time since the report started (s)";
  c.y_label = std::move(y_label);
  c.bands = bands;
  c.markers = markers;
  return c;
}

ChartSeries series_of(const std::string& name, const std::vector<Sample>& samples, const char* key,
                      double scale = 1) {
  ChartSeries s{name, {}};
  for (auto& sample : samples)
    if (auto v = number_field(*sample.json, key)) s.points.push_back({sample.t, *v / scale});
  return s;
}

ChartSpec cpu_chart(const std::vector<Sample>& samples, ChartSpec c) {
  size_t cores = 0;
  for (auto& s : samples) cores = std::max(cores, array_field(*s.json, "cpu_cores_percent").size());
  for (size_t core = 0; core < cores; ++core) {
    ChartSeries series{"CPU" + std::to_string(core + 1), {}};
    for (auto& s : samples) {
      auto values = numbers_of(array_field(*s.json, "cpu_cores_percent"));
      if (core < values.size() && values[core]) series.points.push_back({s.t, *values[core]});
    }
    c.series.push_back(std::move(series));
  }
  auto all = series_of("all cores", samples, "cpu_percent");
  if (!all.points.empty()) c.series.push_back(std::move(all));
  return c;
}

// Per node: the named field of each node alive in a sample; nodes in natural order.
std::vector<ChartSeries> node_series(const std::vector<Sample>& samples, const char* key,
                                     double scale) {
  std::map<std::string, ChartSeries> by_name;
  for (auto& s : samples) {
    for (auto& [name, node] : object_field(*s.json, "nodes").items()) {
      auto& series = by_name[name];
      series.name = name;
      if (auto v = number_field(node, key)) series.points.push_back({s.t, *v / scale});
    }
  }
  std::vector<ChartSeries> out;
  for (auto& [name, series] : by_name) out.push_back(std::move(series));
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return natural_less(a.name, b.name); });
  return out;
}

void drop_empty(ChartSpec& c) {
  std::erase_if(c.series, [](const ChartSeries& s) { return s.points.empty(); });
}

}  // namespace

bool natural_less(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      size_t i_end = i, j_end = j;
      while (i_end < a.size() && std::isdigit(static_cast<unsigned char>(a[i_end]))) ++i_end;
      while (j_end < b.size() && std::isdigit(static_cast<unsigned char>(b[j_end]))) ++j_end;
      std::string na = a.substr(i, i_end - i), nb = b.substr(j, j_end - j);
      na.erase(0, std::min(na.find_first_not_of('0'), na.size()));
      nb.erase(0, std::min(nb.find_first_not_of('0'), nb.size()));
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = i_end, j = j_end;
      continue;
    }
    if (a[i] != b[j]) return a[i] < b[j];
    ++i, ++j;
  }
  if (a.size() - i != b.size() - j) return a.size() - i < b.size() - j;
  return a < b;
}

std::vector<ChartSpec> report_charts(const nlohmann::json& report) {
  auto samples = timed_samples(report);
  auto markers = event_markers(report);
  auto bands = phase_bands(samples, markers);
  std::vector<ChartSpec> charts;

  charts.push_back(
      cpu_chart(samples, base_chart("cpu", "Host CPU per core", "CPU busy (%)", bands, markers)));

  auto memory = base_chart("memory", "Host memory used", "memory used (MB)", bands, markers);
  memory.series.push_back(series_of("used", samples, "mem_used_bytes", kMiB));
  memory.y_from_zero = false;  // the nodes' share is small next to what the host already uses
  charts.push_back(std::move(memory));

  auto load =
      base_chart("load", "Load average (1 min)", "load average (run-queue length)", bands, markers);
  load.series.push_back(series_of("load 1 min", samples, "load1"));
  charts.push_back(std::move(load));

  auto node_memory =
      base_chart("node-memory", "Host memory per node (PSS)", "PSS (MB)", bands, markers);
  node_memory.series = node_series(samples, "pss_bytes", kMiB);
  charts.push_back(std::move(node_memory));

  auto node_cpu =
      base_chart("node-cpu", "Host CPU per node", "CPU (% of one core)", bands, markers);
  node_cpu.series = node_series(samples, "cpu_percent", 1);
  charts.push_back(std::move(node_cpu));

  for (auto& c : charts) drop_empty(c);
  return charts;
}

}  // namespace uc::report
