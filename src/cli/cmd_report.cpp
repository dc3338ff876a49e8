// `umlcluster report`: the paper's experiment (its Table 4), reproduced on the current
// cluster file. The host is sampled with no node running (baseline); then the nodes start
// one at a time, and after each is ready (O2CB online, volumes mounted) the host is sampled
// again over a window. Sampling goes on through the boots, for the charts.
// Writes report.json, report.csv, series.csv, report.txt and report.html into one folder.
#include <signal.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fmt/format.h>

#include "client/cluster_sample.h"
#include "cli/commands.h"
#include "report/html_report.h"
#include "report/report_text.h"
#include "sys/fd.h"
#include "sys/files.h"

namespace uc::cli {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

// Ctrl-C during a report stops the nodes it started: the handler only sets a flag, and
// poll()/sleep return early (no SA_RESTART).
class InterruptFlag {
 public:
  InterruptFlag() {
    struct sigaction sa{};
    sa.sa_handler = on_interrupt;
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
  }
  ~InterruptFlag() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  bool raised() const { return g_interrupted != 0; }

 private:
  struct sigaction old_int_ {}, old_term_ {};
};

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// `keys` of a figures node that it has.
json pick(const json& from, std::initializer_list<const char*> keys) {
  json out = json::object();
  for (const char* k : keys)
    if (from.contains(k)) out[k] = from[k];
  return out;
}

// The experiment's clock and records: a look every `interval`, each one a point of the
// time series; windows of looks make the table's rows.
class Recorder {
 public:
  explicit Recorder(double interval) : interval_(interval), t0_(Clock::now()) { last_ = look_at_host(); }
  void attach(ControlClient* c) { sampler_ = c; }
  double now() const { return seconds(Clock::now() - t0_); }
  void event(const std::string& what) {
    events_.push_back({{"t", now()}, {"what", what}});
    fmt::print("  {:6.1f} s  {}\n", now(), what);
    std::fflush(stdout);
  }
  int ms_to_next_look() const {
    auto due = last_.sample.at + std::chrono::duration_cast<Clock::duration>(
                                     std::chrono::duration<double>(interval_));
    return static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(due - Clock::now()).count()));
  }
  // Takes the next look (waiting for its time) and records it.
  void look(const std::string& phase) {
    if (int ms = ms_to_next_look(); ms > 0) ::usleep(static_cast<useconds_t>(ms) * 1000);
    ClusterLook cur = sampler_ ? look_at(*sampler_, nodes_) : look_at_host();
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
  // Samples for `secs` and returns the row: CPU over the whole window, memory its mean,
  // load at its end, each node's CPU over the window and its memory at the end.
  json window(const std::string& phase, double secs, const InterruptFlag& stop) {
    ClusterLook first = last_;
    mem_sum_ = 0;
    mem_looks_ = 0;
    auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(secs));
    while ((Clock::now() < end || mem_looks_ == 0) && !stop.raised()) look(phase);
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
  json series() const { return series_; }
  json events() const { return events_; }

 private:
  double interval_;
  Clock::time_point t0_;
  ControlClient* sampler_ = nullptr;
  ClusterLook last_;
  // PSS readings walk page tables (milliseconds a node): 2 ms of them a sample.
  monitor::NodeSampler nodes_{std::chrono::microseconds(2000)};
  json series_ = json::array(), events_ = json::array();
  double mem_sum_ = 0;
  int mem_looks_ = 0;
};

// Waits for `node` to be running (ready), looking at the host meanwhile.
Status wait_ready(ControlClient& events, Recorder& rec, const std::string& node, const json& snapshot,
                  const InterruptFlag& stop) {
  client::WaitOptions o;
  o.only = {node};
  o.idle_in_ms = [&] { return rec.ms_to_next_look(); };
  o.on_idle = [&] { rec.look("boot " + node); };
  o.interrupted = [&] { return stop.raised(); };
  return client::wait_until_ready(events, snapshot, o);
}

json delta(const json& row, const json& prev) {
  json cores = json::array();
  auto a = prev.value("cpu_cores_percent", json::array()), b = row.value("cpu_cores_percent", json::array());
  for (size_t i = 0; i < b.size() && i < a.size(); ++i) cores.push_back(b[i].get<double>() - a[i].get<double>());
  return {{"cpu_percent", row.value("cpu_percent", 0.0) - prev.value("cpu_percent", 0.0)},
          {"cpu_cores_percent", cores},
          {"mem_used_bytes", static_cast<int64_t>(row.value("mem_used_bytes", uint64_t{0})) -
                                 static_cast<int64_t>(prev.value("mem_used_bytes", uint64_t{0}))},
          {"load1", row["load"][0].get<double>() - prev["load"][0].get<double>()}};
}

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
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

Status write_outputs(const std::string& dir, const json& report) {
  UC_TRY(make_dirs(dir, 0755));
  UC_TRY(write_file_atomic(dir + "/report.json", report.dump(2) + "\n", 0644));
  UC_TRY(write_file_atomic(dir + "/report.csv", report::render_rows_csv(report), 0644));
  UC_TRY(write_file_atomic(dir + "/series.csv", report::render_series_csv(report), 0644));
  UC_TRY(write_file_atomic(dir + "/report.txt", report::render_table(report), 0644));
  UC_TRY(write_file_atomic(dir + "/report.html", report::render_html(report), 0644));
  return {};
}

}  // namespace

int cmd_report(const Globals& g, const ReportOptions& o) {
  if (o.interval < 0.2 || o.interval > 60) {
    print_error("--interval: give 0.2 to 60 seconds");
    return kExitBadInput;
  }
  if (o.window < o.interval || o.window > 3600) {
    print_error(fmt::format("--window: give {} (the interval) to 3600 seconds", o.interval));
    return kExitBadInput;
  }
  if (o.settle < 0 || o.settle > 3600) {
    print_error("--settle: give 0 to 3600 seconds");
    return kExitBadInput;
  }
  ProgressToStderr progress(g.json);
  int rc = 0;
  auto spec = definition_for_root(g, "", &rc);
  if (!spec) return rc;
  ClusterPaths p(spec->name);
  if (connect_supervisor(p)) {
    print_error(fmt::format("cluster {} is running; the report starts from no node running (its "
                            "baseline): `umlcluster down -n {}` first (disks are kept)", spec->name,
                            spec->name));
    return kExitFailed;
  }
  std::string out = o.out;
  if (out.empty()) {
    std::string stamp = utc_now();
    for (char& c : stamp) c = (c == ':' ? '-' : c);
    out = fmt::format("umlcluster-report-{}-{}", spec->name, stamp);
  }
  // Where the files go is checked before the experiment, not after it.
  struct stat st{};
  std::string parent = out.find('/') == std::string::npos ? "." : out.substr(0, out.rfind('/') + 1);
  if (::stat(out.c_str(), &st) == 0 ? !S_ISDIR(st.st_mode) || ::access(out.c_str(), W_OK) != 0
                                    : ::access(parent.c_str(), W_OK) != 0) {
    print_error(fmt::format("--out {}: not a folder this user can write (or create)", out));
    return kExitBadInput;
  }
  if (!prepare_cluster(g, *spec, false)) return kExitFailed;

  InterruptFlag stop;
  double cpu0 = own_cpu_seconds();
  Recorder rec(o.interval);
  fmt::print("report on cluster {}: baseline, then {} node(s) one at a time; {} s windows\n",
             spec->name, spec->nodes.size(), o.window);
  rec.event("baseline: no node running");
  json rows = json::array();
  json base = rec.window("baseline", o.window, stop);
  base.update({{"phase", "baseline"}, {"label", "-"}, {"started_node", ""}, {"ready_after_s", 0.0},
               {"nodes_running", json::array()}});
  base["delta"] = delta(base, base);
  rows.push_back(base);

  bool started = false;
  auto fail = [&](const std::string& why) {
    print_error(why);
    if (started) {
      fmt::print(stderr, "stopping the nodes this report started\n");
      (void)stop_cluster(p);
    }
    return stop.raised() ? 130 : kExitFailed;
  };
  if (stop.raised()) return fail("interrupted");
  if (auto s = start_supervisor(p, spec->name, /*start_nodes=*/false); !s) return fail(s.error().message);
  started = true;
  auto events = ControlClient::connect(p.control_socket());
  auto sampler = ControlClient::connect(p.control_socket());
  if (!events || !sampler) return fail("cannot reach the cluster supervisor");
  rec.attach(&*sampler);
  json running = json::array();
  for (const auto& n : spec->nodes) {
    rec.event(n.name + " starting");
    auto t = rec.now();
    control::Request start{control::Op::kStart};
    start.nodes = {n.name};
    auto reply = events->request(start);
    if (!reply) return fail(reply.error().message);
    if (auto s = wait_ready(*events, rec, n.name, reply->status, stop); !s) return fail(s.error().message);
    double ready_after = rec.now() - t;
    rec.event(fmt::format("{} ready in {:.1f} s", n.name, ready_after));
    running.push_back(n.name);
    auto settle_end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(o.settle));
    while (Clock::now() < settle_end && !stop.raised()) rec.look("settle " + n.name);
    json row = rec.window(n.name, o.window, stop);
    if (stop.raised()) return fail("interrupted");
    row.update({{"phase", n.name}, {"label", n.name}, {"started_node", n.name},
                {"ready_after_s", ready_after}, {"nodes_running", running}});
    row["delta"] = delta(row, rows.back());
    rows.push_back(row);
  }
  double elapsed = rec.now();
  json report{{"cluster", spec->name},
              {"generated_at", utc_now()},
              {"host", host_facts(rows[0])},
              {"window_s", o.window},
              {"interval_s", o.interval},
              {"settle_s", o.settle},
              {"duration_s", elapsed},
              {"sampler_cpu_percent", elapsed > 0 ? 100.0 * (own_cpu_seconds() - cpu0) / elapsed : 0.0},
              {"rows", rows},
              {"series", rec.series()},
              {"events", rec.events()},
              {"paper_table4", report::paper_table4()}};
  if (!o.keep_up) {
    fmt::print("stopping the cluster (--keep-up leaves it running)\n");
    (void)stop_cluster(p);
  }
  if (auto s = write_outputs(out, report); !s) {
    print_error("cannot write the report: " + s.error().message);
    return kExitFailed;
  }
  progress.restore();
  if (g.json) {
    fmt::print("{}\n", report.dump(2));
  } else {
    fmt::print("\n{}\n", report::render_table(report));
    fmt::print("written: {0}/report.html, report.json, report.csv, series.csv, report.txt\n", out);
  }
  return 0;
}

}  // namespace uc::cli
