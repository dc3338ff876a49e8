// `umlcluster report`: the paper's experiment (its Table 4), reproduced on the current
// cluster file. The host is sampled with no node running (baseline); then the nodes start
// one at a time, and after each is ready (O2CB online, volumes mounted) the host is sampled
// again over a window (client/report_recorder.h). Sampling goes on through the boots, for
// the charts. Writes report.json, report.csv, series.csv, report.txt and report.html into
// one folder.
#include <fmt/format.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <ctime>

#include "cli/commands.h"
#include "client/cluster_definition.h"
#include "client/cluster_prepare.h"
#include "client/lifecycle.h"
#include "client/report_recorder.h"
#include "paths/state_paths.h"
#include "report/report_text.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_report {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct ReportOptions {
  double window = 10;    // seconds of samples a row
  double interval = 1;   // seconds between samples
  double settle = 0;     // seconds between a node's readiness and its window
  std::string out;       // folder for the files (default: umlcluster-report-NAME-TIME)
  bool keep_up = false;  // leave the cluster running afterwards
} o;

volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

// Ctrl-C during a report stops the nodes it started: the handler only sets a flag, and
// poll()/sleep return early (no SA_RESTART).
class InterruptFlag {
 public:
  InterruptFlag() {
    struct sigaction sa {};
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
  struct sigaction old_int_ {
  }, old_term_{};
};

std::string utc_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Status check_options() {
  if (o.interval < 0.2 || o.interval > 60) return bad_input("--interval: give 0.2 to 60 seconds");
  if (o.window < o.interval || o.window > 3600)
    return bad_input(fmt::format("--window: give {} (the interval) to 3600 seconds", o.interval));
  if (o.settle < 0 || o.settle > 3600) return bad_input("--settle: give 0 to 3600 seconds");
  return {};
}

// Where the files go, checked before the experiment, not after it.
Result<std::string> out_dir(const std::string& cluster) {
  std::string out = o.out;
  if (out.empty()) {
    std::string stamp = utc_now();
    for (char& c : stamp) c = (c == ':' ? '-' : c);
    out = fmt::format("umlcluster-report-{}-{}", cluster, stamp);
  }
  struct stat st {};
  std::string parent = out.find('/') == std::string::npos ? "." : out.substr(0, out.rfind('/') + 1);
  if (::stat(out.c_str(), &st) == 0 ? !S_ISDIR(st.st_mode) || ::access(out.c_str(), W_OK) != 0
                                    : ::access(parent.c_str(), W_OK) != 0)
    return bad_input(fmt::format("--out {}: not a folder this user can write (or create)", out));
  return out;
}

void note(const std::string& line) {
  fmt::print("{}\n", line);
  std::fflush(stdout);
}

// The rows after the baseline: each node of the cluster (whose supervisor runs, its nodes
// stopped) started, waited for, settled and sampled.
Status node_rows(const ClusterSpec& spec, client::ReportRecorder& rec, json& rows,
                 const InterruptFlag& stop) {
  ClusterPaths p(spec.name);
  auto events = ControlClient::connect(p.control_socket());
  auto sampler = ControlClient::connect(p.control_socket());
  if (!events || !sampler) return err("cannot reach the cluster supervisor");
  rec.attach(&*sampler);
  auto stopped = [&] { return stop.raised(); };
  json running = json::array();
  for (const auto& n : spec.nodes) {
    rec.event(n.name + " starting");
    auto t = rec.now();
    control::Request start{control::Op::kStart};
    start.nodes = {n.name};
    auto reply = events->request(start);
    if (!reply) return reply.error();
    UC_TRY(client::wait_ready_recording(*events, rec, n.name, *reply, stopped));
    double ready_after = rec.now() - t;
    rec.event(fmt::format("{} ready in {:.1f} s", n.name, ready_after));
    running.push_back(n.name);
    auto settle_end = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                         std::chrono::duration<double>(o.settle));
    while (Clock::now() < settle_end && !stop.raised()) rec.look("settle " + n.name);
    json row = rec.window(n.name, o.window, stopped);
    if (stop.raised()) return interrupted("interrupted");
    row.update({{"phase", n.name},
                {"label", n.name},
                {"started_node", n.name},
                {"ready_after_s", ready_after},
                {"nodes_running", running}});
    row["delta"] = client::row_delta(row, rows.back());
    rows.push_back(row);
  }
  return {};
}

// The experiment: the baseline, then a row a node. The cluster runs at its end (unless it
// failed: then what it started is stopped).
Result<json> experiment(const ClusterSpec& spec, const InterruptFlag& stop) {
  double cpu0 = client::own_cpu_seconds();
  client::ReportRecorder rec(o.interval, note);
  auto stopped = [&] { return stop.raised(); };
  fmt::print("report on cluster {}: baseline, then {} node(s) one at a time; {} s windows\n",
             spec.name, spec.nodes.size(), o.window);
  rec.event("baseline: no node running");
  json rows = json::array();
  json base = rec.window("baseline", o.window, stopped);
  base.update({{"phase", "baseline"},
               {"label", "-"},
               {"started_node", ""},
               {"ready_after_s", 0.0},
               {"nodes_running", json::array()}});
  base["delta"] = client::row_delta(base, base);
  rows.push_back(base);
  if (stop.raised()) return interrupted("interrupted");
  ClusterPaths p(spec.name);
  if (auto s = client::start_supervisor(p, spec.name, /*start_nodes=*/false); !s)
    return stop.raised() ? interrupted(s.error().message) : s.error();
  if (auto s = node_rows(spec, rec, rows, stop); !s) {
    print_error(s.error().message);
    fmt::print(stderr, "stopping the nodes this report started\n");
    (void)client::stop_cluster(p);
    // Said already: the exit code is what is left to give.
    return Error{"", stop.raised() ? ErrorCode::kInterrupted : ErrorCode::kFailed};
  }
  double elapsed = rec.now();
  return json{{"cluster", spec.name},
              {"generated_at", utc_now()},
              {"host", client::host_facts(rows[0])},
              {"window_s", o.window},
              {"interval_s", o.interval},
              {"settle_s", o.settle},
              {"duration_s", elapsed},
              {"sampler_cpu_percent",
               elapsed > 0 ? 100.0 * (client::own_cpu_seconds() - cpu0) / elapsed : 0.0},
              {"rows", rows},
              {"series", rec.series()},
              {"events", rec.events()},
              {"paper_table4", report::paper_table4()}};
}

void define(CLI::App& cmd, Globals& g) {
  file_option(cmd, g);
  cmd.add_flag("--json", g.json, "print the report's JSON on stdout (progress goes to stderr)");
  cmd.add_option("--window", o.window, "seconds of sampling per row (default 10)");
  cmd.add_option("--interval", o.interval, "seconds between samples (default 1)");
  cmd.add_option("--settle", o.settle,
                 "seconds to wait after a node is ready before its window (default 0)");
  cmd.add_option("-o,--out", o.out,
                 "folder for report.{html,json,csv,txt} and series.csv (default "
                 "./umlcluster-report-NAME-TIME)");
  cmd.add_flag("--keep-up", o.keep_up, "leave the cluster running afterwards");
}

int run(const Globals& g) {
  if (auto s = check_options(); !s) return fail(s.error());
  ProgressToStderr progress(g.json);
  auto spec = client::definition_for_root(g.file, "");
  if (!spec) return fail(spec.error());
  ClusterPaths p(spec->name);
  if (client::connect_supervisor(p))
    return fail(
        err(fmt::format("cluster {} is running; the report starts from no node running (its "
                        "baseline): `umlcluster down -n {}` first (disks are kept)",
                        spec->name, spec->name)));
  auto out = out_dir(spec->name);
  if (!out) return fail(out.error());
  if (auto s = client::prepare_cluster(g.file, *spec, false, note); !s) return fail(s.error());
  InterruptFlag stop;
  auto report = experiment(*spec, stop);
  if (!report) return fail(report.error());
  if (!o.keep_up) {
    fmt::print("stopping the cluster (--keep-up leaves it running)\n");
    (void)client::stop_cluster(p);
  }
  if (auto s = client::write_report_files(*out, *report); !s)
    return fail(err("cannot write the report: " + s.error().message));
  progress.restore();
  if (g.json) {
    fmt::print("{}\n", report->dump(2));
  } else {
    fmt::print("\n{}\n", report::render_table(*report));
    fmt::print("written: {0}/report.html, report.json, report.csv, series.csv, report.txt\n", *out);
  }
  return 0;
}

}  // namespace cmd_report

const Command kReport{
    "report",
    "the paper's experiment: host CPU/memory/load with no node, then after each node "
    "starts; writes a table, CSV, JSON and an HTML page with charts",
    cmd_report::define, cmd_report::run};

}  // namespace uc::cli
