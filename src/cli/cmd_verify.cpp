// `umlcluster verify`: the Jepsen-style workload on every running node, then the checker
// (verify_run.h); with --fsck the cluster is stopped, force-checked and started again.
#include <fmt/format.h>

#include <chrono>

#include "cli/commands.h"
#include "client/verify_run.h"
#include "verify/verify_report.h"

namespace uc::cli {
Result<FsckOutcome> fsck_between_runs(const ClusterPaths& p, const std::string& name, const ClusterSpec& spec) {
  fmt::print(stderr, "stopping cluster {} to check its disks\n", name);
  UC_TRY(client::stop_cluster(p));
  auto outcome = check_disks(p, spec);
  fmt::print(stderr, "{}starting cluster {} again\n", outcome.summary, name);
  UC_TRY(client::start_supervisor(p, name, true));
  auto c = connect_supervisor(p);
  if (!c) return err("the supervisor did not answer after its start");
  auto snap = c->request({control::Op::kSubscribe});
  if (!snap) return snap.error();
  client::WaitOptions w;
  UC_TRY(client::wait_until_ready(*c, snap->status, w));
  return outcome;
}

int cmd_verify(const Globals& g, const VerifyOptions& o) {
  std::string name;
  int rc = 0;
  auto c = connect_running(g, &name, &rc);
  if (!c) return rc;
  ClusterPaths p(name);
  auto rec = read_record(p);
  if (!rec || rec->spec.disks.empty()) {
    print_error(rec ? "cluster " + name + " has no shared disk to verify" : rec.error().message);
    return kExitFailed;
  }
  ProgressToStderr quiet(g.json);
  std::string id = o.check.empty() ? time_stamp() : o.check;
  if (id.find('/') != std::string::npos || id == "." || id == "..") {
    print_error("verify --check: a run's name, as verify printed it (e.g. 20261126-020130)");
    return kExitBadInput;
  }
  VerifyRunOptions vo;
  vo.control_socket = p.control_socket();
  vo.guest_dir = rec->spec.disks.front().mount + "/verify/" + id;
  vo.host_dir = p.dir + "/verify/" + id;
  vo.duration_s = o.duration_s;
  vo.seed = o.seed;
  VerifyRun run(vo);
  if (!o.check.empty()) {
    if (auto s = run.load_earlier(); !s) {
      print_error("verify --check " + id + ": " + s.error().message);
      return kExitBadInput;
    }
  } else if (auto s = run.start(); !s) {
    print_error("verify: " + s.error().message);
    return kExitFailed;
  } else {
    fmt::print(stderr, "verify: writing to {} from every running node for {} s (acks: {}/acks.jsonl)\n",
               vo.guest_dir, o.duration_s, vo.host_dir);
    using Clock = VerifyRun::Clock;
    auto end = run.started_at() + std::chrono::milliseconds(static_cast<int64_t>(o.duration_s * 1000));
    while (Clock::now() < end) {
      run.pump(std::min(end, Clock::now() + std::chrono::seconds(5)));
      fmt::print(stderr, "  {:>5.0f} s  {} operations acknowledged\n",
                 std::chrono::duration<double>(Clock::now() - run.started_at()).count(), run.acks());
    }
    run.finish();
  }
  fmt::print(stderr, "verify: reading the volume from every running node\n");
  auto report = run.check();
  if (!report) {
    print_error("verify: " + report.error().message);
    return kExitFailed;
  }
  bool passed = report->passed();
  nlohmann::json out = verify::to_json(*report);
  out["run"] = id;
  out["report_file"] = vo.host_dir + "/report.json";
  if (o.fsck) {
    auto f = fsck_between_runs(p, name, rec->spec);
    if (!f) {
      print_error("verify --fsck: " + f.error().message);
      return kExitFailed;
    }
    out["fsck"] = {{"clean", f->clean}, {"summary", f->summary}};
    passed = passed && f->clean;
  }
  quiet.restore();
  if (g.json) {
    fmt::print("{}\n", out.dump(2));
  } else {
    fmt::print("{}", verify::render_text(*report));
    if (o.fsck) fmt::print("{}", out["fsck"]["summary"].get<std::string>());
    fmt::print("report: {}\n", vo.host_dir + "/report.json");
  }
  return passed ? 0 : kExitFailed;
}

}  // namespace uc::cli
