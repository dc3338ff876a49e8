// `umlcluster chaos`: verify runs while a schedule of faults, reproducible from its seed
// (chaos/chaos_schedule.h), hits the cluster; then every fault is cleared, every node must
// come back, the checker runs and the disks are force-checked. A report (JSON and HTML)
// tells what happened; the exit code says whether anything acknowledged was lost, a node
// stayed down or fsck found damage.
#include <fmt/format.h>

#include <chrono>
#include <functional>
#include <optional>
#include <thread>

#include "chaos/chaos_report.h"
#include "chaos/chaos_schedule.h"
#include "cli/commands.h"
#include "client/cluster_record.h"
#include "client/cluster_target.h"
#include "client/disk_check.h"
#include "client/text_units.h"
#include "client/verify_run.h"
#include "events/event_log.h"
#include "paths/state_paths.h"
#include "sys/files.h"
#include "verify/verify_report.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_chaos {

using Clock = std::chrono::steady_clock;
constexpr auto kComeBackDeadline = std::chrono::seconds(300);

int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct ChaosCliOptions {
  double duration_s = 120;
  double interval_s = 20;
  // disk-error is a kind, not a default: a write failed with EIO can leave a torn line that
  // was never acknowledged in the middle of a node's log, and verify's checker counts it as a
  // problem (it does not yet know which appends failed).
  std::vector<std::string> faults{"crash", "freeze", "partition", "net", "disk-stall"};
  uint64_t seed = 1;
  std::string out;       // report folder (default umlcluster-chaos-NAME-TIME)
  bool dry_run = false;  // print the schedule, inject nothing
} co;

Result<control::ClusterStatus> status_of(const std::string& socket) {
  auto c = ControlClient::connect(socket);
  if (!c) return c.error();
  auto r = c->request({control::Op::kStatus});
  if (!r) return r.error();
  if (!r->status) return err("the cluster supervisor's status reply has no status");
  return std::move(*r->status);
}

Status send(const std::string& socket, const control::Request& r) {
  auto c = ControlClient::connect(socket);
  if (!c) return c.error();
  auto reply = c->request(r);
  if (!reply) return reply.error();
  return {};
}

Status inject(const std::string& socket, const chaos::PlannedFault& f) {
  auto fault = chaos::to_fault(f);
  if (!fault) return fault.error();
  return send(socket, control::request_for(*fault));
}

// Each node's state over time, from status samples.
class StateTrack {
 public:
  void sample(const control::ClusterStatus& status, double t) {
    for (const auto& n : status.nodes) {
      const std::string &node = n.name, &state = n.state;
      auto& spans = spans_[node];
      if (!spans.empty() && spans.back().state == state)
        spans.back().to_s = t;
      else {
        if (!spans.empty()) spans.back().to_s = t;
        spans.push_back({node, state, t, t});
      }
    }
  }
  std::vector<chaos::NodeStateSpan> all() const {
    std::vector<chaos::NodeStateSpan> out;
    for (const auto& [n, s] : spans_) out.insert(out.end(), s.begin(), s.end());
    return out;
  }

 private:
  std::map<std::string, std::vector<chaos::NodeStateSpan>> spans_;
};

bool all_running(const control::ClusterStatus& status) {
  if (status.nodes.empty()) return false;
  for (const auto& n : status.nodes)
    if (n.state != "running") return false;
  return true;
}

// The run's plan for the cluster `name`: its nodes, the options, the seed.
Result<chaos::ChaosRun> plan_run(const std::string& name, const ClusterSpec& spec) {
  chaos::ChaosRun run;
  run.cluster = name;
  run.options.duration_s = co.duration_s;
  run.options.interval_s = co.interval_s;
  run.options.faults = co.faults;
  run.options.seed = co.seed;
  for (const auto& n : spec.nodes) run.options.nodes.push_back(n.name);
  if (auto s = chaos::validate(run.options); !s) return bad_input("chaos: " + s.error().message);
  run.plan = chaos::plan_chaos(run.options);
  return run;
}

void print_plan(const chaos::ChaosRun& run, bool json) {
  if (json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& f : run.plan) j.push_back(chaos::to_json(f));
    fmt::print("{}\n", j.dump(2));
  } else {
    for (const auto& f : run.plan) fmt::print("{}\n", chaos::describe(f));
  }
}

// Clears the faults and waits (up to kComeBackDeadline) for every node to run again.
bool come_back(const std::string& socket, StateTrack& states,
               const std::function<double()>& since) {
  (void)send(socket, {control::Op::kClearFaults});
  fmt::print(stderr, "chaos: faults cleared; waiting for every node to be running\n");
  auto back_by = Clock::now() + kComeBackDeadline;
  for (;;) {
    auto st = status_of(socket);
    if (st) states.sample(*st, since());
    if (st && all_running(*st)) return true;
    if (Clock::now() > back_by) return false;
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
}

// Every second of the run, zeros too: a node that stalls shows as a drop, not a line drawn
// across the gap.
void add_throughput(chaos::ChaosRun& run, const client::VerifyRun& verify) {
  for (const auto& node : run.options.nodes) {
    auto it = verify.acks_per_second().find(node);
    for (int64_t sec = 0; sec < static_cast<int64_t>(co.duration_s); ++sec) {
      double n = 0;
      if (it != verify.acks_per_second().end())
        if (auto s = it->second.find(sec); s != it->second.end())
          n = static_cast<double>(s->second);
      run.throughput.push_back({static_cast<double>(sec), node, n});
    }
  }
}

void add_events(chaos::ChaosRun& run, const ClusterPaths& p, int64_t wall0) {
  cluster::EventFilter ef;
  ef.since_ms = wall0;
  if (auto evs = cluster::read_events(p.events(), ef))
    for (const auto& e : *evs)
      run.events.push_back({(e.ts_ms - wall0) / 1000.0, e.node, e.type, cluster::render_event(e)});
}

// The workload under the schedule, then come-back, check and fsck, into `run`. The verify
// report (if the check ran) and the fsck lines to print come back.
Result<std::optional<verify::VerifyReport>> carry_out(chaos::ChaosRun& run, const ClusterPaths& p,
                                                      const ClusterSpec& spec,
                                                      std::string* fsck_lines) {
  int64_t wall0 = wall_now_ms();
  std::string id = client::time_stamp();
  client::VerifyRunOptions vo{p.control_socket(), spec.disks.front().mount + "/verify/chaos-" + id,
                              p.dir + "/verify/chaos-" + id, co.duration_s, co.seed};
  client::VerifyRun verify(vo);
  if (auto s = verify.start(); !s) return err("chaos: " + s.error().message);
  auto t0 = verify.started_at();
  std::function<double()> since = [&] {
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  StateTrack states;
  auto pump_until = [&](Clock::time_point until) {
    while (Clock::now() < until) {
      verify.pump(std::min(until, Clock::now() + std::chrono::seconds(2)));
      if (auto st = status_of(p.control_socket())) states.sample(*st, since());
    }
  };
  for (const auto& f : run.plan) {
    pump_until(t0 + std::chrono::milliseconds(static_cast<int64_t>(f.at_s * 1000)));
    chaos::AppliedFault a{f, since(), std::nullopt, ""};
    if (auto s = inject(p.control_socket(), f); !s)
      a.error = s.error().message;
    else
      a.ended_s = f.kind == "crash" ? a.started_s : a.started_s + f.for_s;
    fmt::print(stderr, "  applied {}{}\n", chaos::describe(f),
               a.error.empty() ? "" : ": " + a.error);
    run.applied.push_back(a);
  }
  pump_until(t0 + std::chrono::milliseconds(static_cast<int64_t>(co.duration_s * 1000)));
  verify.finish();
  run.all_nodes_back = come_back(p.control_socket(), states, since);
  fmt::print(stderr, "chaos: {}; reading the volume from every running node\n",
             run.all_nodes_back ? "every node is back" : "not every node came back");
  std::optional<verify::VerifyReport> report;
  if (auto r = verify.check()) {
    run.verify = verify::to_json(*r);
    run.verify_passed = r->passed();
    report = std::move(*r);
  } else {
    run.verify = {{"error", r.error().message}};
  }
  auto note = [](const std::string& m) { fmt::print(stderr, "{}", m); };
  if (auto f = client::fsck_between_runs(p, run.cluster, spec, note)) {
    run.fsck_clean = f->clean;
    run.fsck_summary = f->summary + f->output;
    *fsck_lines = f->summary;
  } else {
    run.fsck_summary = *fsck_lines = "fsck could not run: " + f.error().message + "\n";
  }
  add_throughput(run, verify);
  add_events(run, p, wall0);
  run.node_states = states.all();
  return report;
}

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  json_option(cmd, g);
  cmd.add_option("--duration", co.duration_s, "seconds of workload and faults (default 120)");
  cmd.add_option("--interval", co.interval_s, "seconds between faults (default 20, at least 10)");
  cmd.add_option(
         "--faults", co.faults,
         "kinds, comma-separated (default crash,freeze,partition,net,disk-stall; disk-error too)")
      ->delimiter(',');
  cmd.add_option("--seed", co.seed,
                 "the schedule's seed: the same seed gives the same faults (default 1)");
  cmd.add_option("--out", co.out, "report folder (default umlcluster-chaos-NAME-TIME)");
  cmd.add_flag("--dry-run", co.dry_run, "print the schedule the seed gives, inject nothing");
}

// The cluster's name: a dry run needs no running cluster (nor root).
Result<std::string> chaos_target(const Globals& g) {
  if (co.dry_run) return client::target_cluster(g.name, g.file, /*needs_root=*/false);
  auto c = client::connect_running(g.name, g.file);
  if (!c) return c.error();
  return c->name;
}

void print_result(const chaos::ChaosRun& cr, const std::optional<verify::VerifyReport>& report,
                  const std::string& fsck_lines, const std::string& out_dir, bool json) {
  if (json) {
    auto j = chaos::to_json(cr);
    j["report_dir"] = out_dir;
    fmt::print("{}\n", j.dump(2));
    return;
  }
  if (report) fmt::print("{}", verify::render_text(*report));
  fmt::print("{}", fsck_lines);
  for (const auto& why : cr.failure_reasons()) fmt::print("FAIL: {}\n", why);
  fmt::print("{}; report: {}/chaos.html and chaos.json\n",
             cr.passed() ? "chaos PASSED" : "chaos FAILED", out_dir);
}

int run(const Globals& g) {
  auto name = chaos_target(g);
  if (!name) return fail(name.error());
  ClusterPaths p(*name);
  auto rec = client::read_record(p);
  if (!rec) return fail(rec.error());
  if (rec->spec.disks.empty()) return fail(err("cluster " + *name + " has no shared disk"));
  auto cr = plan_run(*name, rec->spec);
  if (!cr) return fail(cr.error());
  if (co.dry_run) {
    print_plan(*cr, g.json);
    return 0;
  }
  auto status = status_of(p.control_socket());
  if (!status || !all_running(*status))
    return fail(err("chaos: every node must be running first (`umlcluster status`)"));
  std::string out_dir =
      co.out.empty() ? fmt::format("umlcluster-chaos-{}-{}", *name, client::time_stamp()) : co.out;
  if (auto s = make_dirs(out_dir, 0755); !s) return fail(s.error());
  ProgressToStderr quiet(g.json);
  fmt::print(stderr, "chaos on cluster {}: {} fault(s) over {} s (seed {}); reproduce with: {}\n",
             *name, cr->plan.size(), co.duration_s, co.seed,
             chaos::reproduce_command(cr->options, *name));
  for (const auto& f : cr->plan) fmt::print(stderr, "  {}\n", chaos::describe(f));
  std::string fsck_lines;
  auto report = carry_out(*cr, p, rec->spec, &fsck_lines);
  if (!report) return fail(report.error());
  (void)write_file_atomic(out_dir + "/chaos.json", chaos::to_json(*cr).dump(2) + "\n", 0644);
  (void)write_file_atomic(out_dir + "/chaos.html", chaos::render_chaos_html(*cr), 0644);
  quiet.restore();
  print_result(*cr, *report, fsck_lines, out_dir, g.json);
  return cr->passed() ? 0 : kExitFailed;
}

}  // namespace cmd_chaos

const Command kChaos{"chaos",
                     "verify while a seeded schedule of faults hits the cluster; then "
                     "every node must come back, nothing acknowledged may be lost and "
                     "fsck must be clean (a JSON and HTML report)",
                     cmd_chaos::define, cmd_chaos::run};

}  // namespace uc::cli
