#include "client/report_recorder.h"

#include <fmt/format.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "client/lifecycle.h"
#include "report/html_report.h"
#include "report/report_text.h"
#include "sys/files.h"

namespace uc::client {
namespace {

using json = nlohmann::json;

double seconds(ReportRecorder::Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// `keys` of a figures node that it has.
json pick(const json& from, std::initializer_list<const char*> keys) {
  json out = json::object();
  for (const char* k : keys)
    if (from.contains(k)) out[k] = from[k];
  return out;
}

}  // namespace

ReportRecorder::ReportRecorder(double interval, std::function<void(const std::string&)> note)
    : interval_(interval), note_(std::move(note)), t0_(Clock::now()) {
  last_ = look_at_host();
}

double ReportRecorder::now() const { return seconds(Clock::now() - t0_); }

void ReportRecorder::event(const std::string& what) {
  events_.push_back({{"t", now()}, {"what", what}});
  note_(fmt::format("  {:6.1f} s  {}", now(), what));
}

int ReportRecorder::ms_to_next_look() const {
  auto due = last_.sample.at +
             std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval_));
  return static_cast<int>(std::max<int64_t>(
      0, std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now()).count()));
}

void ReportRecorder::look(const std::string& phase) {
  if (int ms = ms_to_next_look(); ms > 0) ::usleep(static_cast<useconds_t>(ms) * 1000);
  ClusterLook cur = cluster_ ? look_at(*cluster_, nodes_) : look_at_host();
  auto f = figures(last_, cur);
  json nodes = json::object();
  for (const auto& n : f["nodes"])
    if (n.contains("memory_bytes"))  // sampled: it has host processes
      nodes[n["name"].get<std::string>()] = pick(n, {"cpu_percent", "memory_bytes", "pss_bytes"});
  series_.push_back({{"t", seconds(cur.sample.at - t0_)},
                     {"phase", phase},
                     {"cpu_percent", f["host"]["cpu_percent"]},
                     {"cpu_cores_percent", f["host"]["cores_percent"]},
                     {"mem_used_bytes", f["host"]["mem_used_bytes"]},
                     {"load1", f["host"]["load"][0]},
                     {"nodes", nodes}});
  mem_sum_ += static_cast<double>(cur.sample.host.mem.used());
  ++mem_looks_;
  last_ = std::move(cur);
}

json ReportRecorder::window(const std::string& phase, double secs,
                            const std::function<bool()>& stop) {
  ClusterLook first = last_;
  mem_sum_ = 0;
  mem_looks_ = 0;
  auto end = Clock::now() +
             std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(secs));
  while ((Clock::now() < end || mem_looks_ == 0) && !stop()) look(phase);
  auto f = figures(first, last_);
  json nodes = json::array();
  for (const auto& n : f["nodes"])
    if (n.contains("memory_bytes"))
      nodes.push_back(pick(n, {"name", "cpu_percent", "rss_bytes", "pss_bytes", "memory_bytes"}));
  const json& h = f["host"];
  return {{"cpu_percent", h["cpu_percent"]},
          {"cpu_cores_percent", h["cores_percent"]},
          {"mem_used_bytes", static_cast<uint64_t>(mem_sum_ / std::max(1, mem_looks_))},
          {"mem_total_bytes", h["mem_total_bytes"]},
          {"load", h["load"]},
          {"window_start_s", seconds(first.sample.at - t0_)},
          {"window_end_s", seconds(last_.sample.at - t0_)},
          {"nodes", nodes}};
}

Status wait_ready_recording(ControlClient& events, ReportRecorder& rec, const std::string& node,
                            const control::Reply& reply, const std::function<bool()>& stop) {
  WaitOptions o;
  o.only = {node};
  o.idle_in_ms = [&] { return rec.ms_to_next_look(); };
  o.on_idle = [&] { rec.look("boot " + node); };
  o.interrupted = stop;
  return wait_until_ready(events, reply, o);
}

json row_delta(const json& row, const json& prev) {
  json cores = json::array();
  auto a = prev.value("cpu_cores_percent", json::array()),
       b = row.value("cpu_cores_percent", json::array());
  for (size_t i = 0; i < b.size() && i < a.size(); ++i)
    cores.push_back(b[i].get<double>() - a[i].get<double>());
  return {{"cpu_percent", row.value("cpu_percent", 0.0) - prev.value("cpu_percent", 0.0)},
          {"cpu_cores_percent", cores},
          {"mem_used_bytes", static_cast<int64_t>(row.value("mem_used_bytes", uint64_t{0})) -
                                 static_cast<int64_t>(prev.value("mem_used_bytes", uint64_t{0}))},
          {"load1", row["load"][0].get<double>() - prev["load"][0].get<double>()}};
}

json host_facts(const json& first_row) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  utsname u{};
  ::uname(&u);
  return {{"hostname", host},
          {"kernel", u.release},
          {"cores", first_row.value("cpu_cores_percent", json::array()).size()},
          {"mem_total_bytes", first_row.value("mem_total_bytes", uint64_t{0})}};
}

Status write_report_files(const std::string& dir, const json& report) {
  UC_TRY(make_dirs(dir, 0755));
  UC_TRY(write_file_atomic(dir + "/report.json", report.dump(2) + "\n", 0644));
  UC_TRY(write_file_atomic(dir + "/report.csv", report::render_rows_csv(report), 0644));
  UC_TRY(write_file_atomic(dir + "/series.csv", report::render_series_csv(report), 0644));
  UC_TRY(write_file_atomic(dir + "/report.txt", report::render_table(report), 0644));
  UC_TRY(write_file_atomic(dir + "/report.html", report::render_html(report), 0644));
  return {};
}

}  // namespace uc::client
