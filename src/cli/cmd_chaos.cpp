// `umlcluster chaos`: verify runs while a schedule of faults, reproducible from its seed
// (chaos/chaos_schedule.h), hits the cluster; then every fault is cleared, every node must
// come back, the checker runs and the disks are force-checked. A report (JSON and HTML)
// tells what happened; the exit code says whether anything acknowledged was lost, a node
// stayed down or fsck found damage.
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "chaos/chaos_report.h"
#include "chaos/chaos_schedule.h"
#include "cli/commands.h"
#include "client/verify_run.h"
#include "events/event_log.h"
#include "sys/files.h"
#include "verify/verify_report.h"

namespace uc::cli {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kComeBackDeadline = std::chrono::seconds(300);

int64_t wall_now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<nlohmann::json> status_of(const std::string& socket) {
  auto c = ControlClient::connect(socket);
  if (!c) return c.error();
  auto r = c->request({control::Op::kStatus});
  if (!r) return r.error();
  return r->status;
}

Status send(const std::string& socket, const control::Request& r) {
  auto c = ControlClient::connect(socket);
  if (!c) return c.error();
  auto reply = c->request(r);
  if (!reply) return reply.error();
  return {};
}

control::Request request_for(const chaos::PlannedFault& f) {
  control::Request r;
  r.node = f.node;
  r.for_ms = static_cast<int64_t>(f.for_s * 1000);
  if (f.kind == "crash") r.op = control::Op::kCrash, r.for_ms = 0;
  else if (f.kind == "freeze") r.op = control::Op::kFreeze;
  else if (f.kind == "partition") r.op = control::Op::kPartition, r.groups = f.groups;
  else if (f.kind == "net") {
    r.op = control::Op::kNet;
    r.delay_ms = f.delay_ms;
    r.jitter_ms = f.jitter_ms;
    r.loss_pct = f.loss_pct;
  } else r.op = control::Op::kDiskStall;
  return r;
}

// Each node's state over time, from status samples.
class StateTrack {
 public:
  void sample(const nlohmann::json& status, double t) {
    if (!status.contains("nodes")) return;
    for (const auto& n : status["nodes"]) {
      std::string node = n.value("name", ""), state = n.value("state", "");
      auto& spans = spans_[node];
      if (!spans.empty() && spans.back().state == state) spans.back().to_s = t;
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

bool all_running(const nlohmann::json& status) {
  if (!status.contains("nodes") || status["nodes"].empty()) return false;
  for (const auto& n : status["nodes"])
    if (n.value("state", "") != "running") return false;
  return true;
}

}  // namespace

int cmd_chaos(const Globals& g, const ChaosCliOptions& co) {
  std::string name;
  int rc = 0;
  if (co.dry_run) {
    auto n = target_cluster(g, /*needs_root=*/false, &rc);
    if (!n) return rc;
    name = *n;
  } else {
    auto c = connect_running(g, &name, &rc);
    if (!c) return rc;
  }
  ClusterPaths p(name);
  auto rec = read_record(p);
  if (!rec || rec->spec.disks.empty()) {
    print_error(rec ? "cluster " + name + " has no shared disk" : rec.error().message);
    return kExitFailed;
  }
  chaos::ChaosRun run;
  run.cluster = name;
  run.options.duration_s = co.duration_s;
  run.options.interval_s = co.interval_s;
  run.options.faults = co.faults;
  run.options.seed = co.seed;
  for (const auto& n : rec->spec.nodes) run.options.nodes.push_back(n.name);
  if (auto s = chaos::validate(run.options); !s) {
    print_error("chaos: " + s.error().message);
    return kExitBadInput;
  }
  run.plan = chaos::plan_chaos(run.options);
  if (co.dry_run) {
    if (g.json) {
      nlohmann::json j = nlohmann::json::array();
      for (const auto& f : run.plan) j.push_back(chaos::to_json(f));
      fmt::print("{}\n", j.dump(2));
    } else {
      for (const auto& f : run.plan) fmt::print("{}\n", chaos::describe(f));
    }
    return 0;
  }
  auto status = status_of(p.control_socket());
  if (!status || !all_running(*status)) {
    print_error("chaos: every node must be running first (`umlcluster status`)");
    return kExitFailed;
  }
  std::string out_dir = co.out.empty() ? fmt::format("umlcluster-chaos-{}-{}", name, time_stamp()) : co.out;
  if (auto s = make_dirs(out_dir, 0755); !s) {
    print_error(s.error().message);
    return kExitFailed;
  }
  ProgressToStderr quiet(g.json);
  fmt::print(stderr, "chaos on cluster {}: {} fault(s) over {} s (seed {}); reproduce with: {}\n", name,
             run.plan.size(), co.duration_s, co.seed, chaos::reproduce_command(run.options, name));
  for (const auto& f : run.plan) fmt::print(stderr, "  {}\n", chaos::describe(f));

  int64_t wall0 = wall_now_ms();
  std::string id = time_stamp();
  VerifyRunOptions vo{p.control_socket(), rec->spec.disks.front().mount + "/verify/chaos-" + id,
                      p.dir + "/verify/chaos-" + id, co.duration_s, co.seed};
  VerifyRun verify(vo);
  if (auto s = verify.start(); !s) {
    print_error("chaos: " + s.error().message);
    return kExitFailed;
  }
  auto t0 = verify.started_at();
  auto since = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
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
    if (auto s = send(p.control_socket(), request_for(f)); !s) a.error = s.error().message;
    else a.ended_s = f.kind == "crash" ? a.started_s : a.started_s + f.for_s;
    fmt::print(stderr, "  applied {}{}\n", chaos::describe(f), a.error.empty() ? "" : ": " + a.error);
    run.applied.push_back(a);
  }
  pump_until(t0 + std::chrono::milliseconds(static_cast<int64_t>(co.duration_s * 1000)));
  verify.finish();
  (void)send(p.control_socket(), {control::Op::kClearFaults});
  fmt::print(stderr, "chaos: faults cleared; waiting for every node to be running\n");
  auto back_by = Clock::now() + kComeBackDeadline;
  for (;;) {
    auto st = status_of(p.control_socket());
    if (st) states.sample(*st, since());
    if (st && all_running(*st)) {
      run.all_nodes_back = true;
      break;
    }
    if (Clock::now() > back_by) break;
    std::this_thread::sleep_for(std::chrono::seconds(2));
  }
  fmt::print(stderr, "chaos: {}; reading the volume from every running node\n",
             run.all_nodes_back ? "every node is back" : "not every node came back");
  auto report = verify.check();
  if (report) {
    run.verify = verify::to_json(*report);
    run.verify_passed = report->passed();
  } else {
    run.verify = {{"error", report.error().message}};
  }
  std::string fsck_lines;
  if (auto f = fsck_between_runs(p, name, rec->spec)) {
    run.fsck_clean = f->clean;
    run.fsck_summary = f->summary + f->output;
    fsck_lines = f->summary;
  } else {
    run.fsck_summary = fsck_lines = "fsck could not run: " + f.error().message + "\n";
  }
  // Every second of the run, zeros too: a node that stalls shows as a drop, not a line
  // drawn across the gap.
  for (const auto& node : run.options.nodes) {
    auto it = verify.acks_per_second().find(node);
    for (int64_t sec = 0; sec < static_cast<int64_t>(co.duration_s); ++sec) {
      double n = 0;
      if (it != verify.acks_per_second().end())
        if (auto s = it->second.find(sec); s != it->second.end()) n = static_cast<double>(s->second);
      run.throughput.push_back({static_cast<double>(sec), node, n});
    }
  }
  cluster::EventFilter ef;
  ef.since_ms = wall0;
  if (auto evs = cluster::read_events(p.events(), ef))
    for (const auto& e : *evs)
      run.events.push_back({(e.ts_ms - wall0) / 1000.0, e.node, e.type, cluster::render_event(e)});
  run.node_states = states.all();

  (void)write_file_atomic(out_dir + "/chaos.json", chaos::to_json(run).dump(2) + "\n", 0644);
  (void)write_file_atomic(out_dir + "/chaos.html", chaos::render_chaos_html(run), 0644);
  quiet.restore();
  if (g.json) {
    auto j = chaos::to_json(run);
    j["report_dir"] = out_dir;
    fmt::print("{}\n", j.dump(2));
  } else {
    if (report) fmt::print("{}", verify::render_text(*report));
    fmt::print("{}", fsck_lines);
    for (const auto& why : run.failure_reasons()) fmt::print("FAIL: {}\n", why);
    fmt::print("{}; report: {}/chaos.html and chaos.json\n", run.passed() ? "chaos PASSED" : "chaos FAILED", out_dir);
  }
  return run.passed() ? 0 : kExitFailed;
}

}  // namespace uc::cli
