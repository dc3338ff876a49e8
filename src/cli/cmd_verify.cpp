// `umlcluster verify`: the Jepsen-style workload on every running node, then the checker
// (client/verify_run.h); with --fsck the cluster is stopped, force-checked and started again.
#include <fmt/format.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "client/cluster_record.h"
#include "client/cluster_target.h"
#include "client/disk_check.h"
#include "client/text_units.h"
#include "client/verify_run.h"
#include "paths/state_paths.h"
#include "verify/verify_report.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_verify {

struct VerifyOptions {
  double duration_s = 30;
  uint64_t seed = 1;
  bool fsck = false;  // then stop the cluster, force-check its disks, start it again
  std::string check;  // no workload: check this earlier run's acks against the volume now
} o;

// The workload for o.duration_s, with a line of progress every 5 s.
Status run_workload(client::VerifyRun& run, const client::VerifyRunOptions& vo) {
  if (auto s = run.start(); !s) return err("verify: " + s.error().message);
  fmt::print(stderr,
             "verify: writing to {} from every running node for {} s (acks: {}/acks.jsonl)\n",
             vo.guest_dir, o.duration_s, vo.host_dir);
  using Clock = client::VerifyRun::Clock;
  auto end =
      run.started_at() + std::chrono::milliseconds(static_cast<int64_t>(o.duration_s * 1000));
  while (Clock::now() < end) {
    run.pump(std::min(end, Clock::now() + std::chrono::seconds(5)));
    fmt::print(stderr, "  {:>5.0f} s  {} operations acknowledged\n",
               std::chrono::duration<double>(Clock::now() - run.started_at()).count(), run.acks());
  }
  run.finish();
  return {};
}

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  json_option(cmd, g);
  cmd.add_option("--duration", o.duration_s, "seconds of workload (default 30)")
      ->check(CLI::Range(1.0, 86400.0));
  cmd.add_option("--seed", o.seed, "the workload's random choices (default 1)");
  cmd.add_flag("--fsck", o.fsck,
               "then stop the cluster, force-check its disks (fsck.ocfs2 -fn), start it again");
  cmd.add_option("--check", o.check,
                 "no workload: check an earlier run's acknowledged writes (its "
                 "name, e.g. 20261126-020130) against the volume as it is now");
}

int run(const Globals& g) {
  auto c = client::connect_running(g.name, g.file);
  if (!c) return fail(c.error());
  const std::string& name = c->name;
  ClusterPaths p(name);
  auto rec = client::read_record(p);
  if (!rec) return fail(rec.error());
  if (rec->spec.disks.empty())
    return fail(err("cluster " + name + " has no shared disk to verify"));
  ProgressToStderr quiet(g.json);
  std::string id = o.check.empty() ? client::time_stamp() : o.check;
  if (id.find('/') != std::string::npos || id == "." || id == "..")
    return fail(
        bad_input("verify --check: a run's name, as verify printed it (e.g. 20261126-020130)"));
  client::VerifyRunOptions vo{p.control_socket(), rec->spec.disks.front().mount + "/verify/" + id,
                              p.dir + "/verify/" + id, o.duration_s, o.seed};
  client::VerifyRun run(vo);
  if (!o.check.empty()) {
    if (auto s = run.load_earlier(); !s)
      return fail(bad_input("verify --check " + id + ": " + s.error().message));
  } else if (auto s = run_workload(run, vo); !s) {
    return fail(s.error());
  }
  fmt::print(stderr, "verify: reading the volume from every running node\n");
  auto report = run.check();
  if (!report) return fail(err("verify: " + report.error().message));
  bool passed = report->passed();
  nlohmann::json out = verify::to_json(*report);
  out["run"] = id;
  out["report_file"] = vo.host_dir + "/report.json";
  if (o.fsck) {
    auto f = client::fsck_between_runs(p, name, rec->spec,
                                       [](const std::string& m) { fmt::print(stderr, "{}", m); });
    if (!f) return fail(err("verify --fsck: " + f.error().message));
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

}  // namespace cmd_verify

const Command kVerify{"verify",
                      "a Jepsen-style workload on every node (fsync'ed checksummed "
                      "logs, a flock'ed shared file, create/rename/unlink), then a check "
                      "that nothing acknowledged was lost or damaged; exit 1 if it was",
                      cmd_verify::define, cmd_verify::run};

}  // namespace uc::cli
