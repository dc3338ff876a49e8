// `umlcluster kernel build|list|rm`: UML kernels built from source, and which clusters use them.
#include <fmt/format.h>

#include <ctime>
#include <map>

#include "cli/commands.h"
#include "client/cluster_record.h"
#include "client/cluster_target.h"
#include "kernel/kernel_build.h"
#include "kernel/kernel_ref.h"
#include "kernel/patch_set.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_kernel {

struct KernelOptions {
  std::string action;  // build, list, rm
  std::string name;
  std::string source;
  std::string config = "paper";
  std::vector<std::string> sets;
  std::string patch_set;
  std::vector<std::string> patches;
  int heartbeat_ms = 0;
  int jobs = 0;
  bool force = false;              // build: even if cached
  std::vector<std::string> names;  // rm
  bool rm_force = false;           // rm: even if a cluster's nodes use it
} o;

// Which clusters' nodes boot which built kernel: name -> "cluster/node" list.
std::map<std::string, std::vector<std::string>> kernel_users() {
  std::map<std::string, std::vector<std::string>> users;
  for (const auto& name : list_dir(clusters_dir()))
    if (auto rec = client::read_record(ClusterPaths(name)))
      for (const auto& n : rec->spec.nodes)
        if (auto k = kernel::built_name(n.kernel)) users[*k].push_back(name + "/" + n.name);
  return users;
}

nlohmann::json record_json(const kernel::KernelRecord& r, const std::vector<std::string>& used_by) {
  return {{"name", r.name},
          {"release", r.release},
          {"source", r.source},
          {"config", r.config_kind},
          {"sets", r.sets},
          {"patches", r.patches},
          {"heartbeat_ms", r.heartbeat_ms},
          {"modules", r.has_modules},
          {"binary", r.binary()},
          {"build_seconds", r.build_seconds},
          {"built_at", r.built_at},
          {"used_by", used_by}};
}

int build(const Globals& g) {
  if (auto r = client::require_root(); !r) return fail(r.error());
  ProgressToStderr quiet(g.json);
  kernel::BuildRequest req{o.name,    o.source,       o.config, o.sets, o.patch_set,
                           o.patches, o.heartbeat_ms, o.jobs,   o.force};
  auto out = kernel::build_kernel(req, [](const std::string& m) {
    fmt::print("kernel: {}\n", m);
    std::fflush(stdout);
  });
  quiet.restore();
  if (!out) {
    // The build says "interrupted" when a signal ended it.
    bool stopped = out.error().message.rfind("interrupted", 0) == 0;
    return fail(Error{"kernel build failed: " + out.error().message,
                      stopped ? ErrorCode::kInterrupted : ErrorCode::kFailed});
  }
  const auto& r = out->record;
  if (g.json) {
    auto j = record_json(r, kernel_users()[r.name]);
    j["built_now"] = out->built;
    j["compiled"] = out->compiled;
    j["seconds"] = out->seconds;
    fmt::print("{}\n", j.dump(2));
    return 0;
  }
  if (!out->built)
    fmt::print("kernel {} ({}) is already built from these inputs; --force builds it again\n",
               r.name, r.release);
  else
    fmt::print("kernel {} ({}) built in {:.0f} s ({} objects compiled)\n", r.name, r.release,
               out->seconds, out->compiled);
  fmt::print("use it in a cluster file: kernel = \"built:{}\" (in [defaults] or one [[node]])\n",
             r.name);
  return 0;
}

int list(const Globals& g) {
  auto kernels = kernel::list_kernels();
  auto users = kernel_users();
  if (g.json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& k : kernels) out.push_back(record_json(k, users[k.name]));
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  if (kernels.empty()) {
    fmt::print("no built kernels (`umlcluster kernel build` makes one)\n");
    return 0;
  }
  fmt::print("{:<16} {:<26} {:<10} {:>7}  {:<16} {}\n", "NAME", "RELEASE", "CONFIG", "BUILD",
             "BUILT", "USED BY");
  for (const auto& k : kernels) {
    char when[32] = "-";
    std::time_t t = k.built_at;
    if (std::tm tm{}; localtime_r(&t, &tm)) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    std::string used;
    for (const auto& u : users[k.name]) used += (used.empty() ? "" : ",") + u;
    std::string config = k.config_kind;
    if (!k.patches.empty()) config += fmt::format("+{}p", k.patches.size());
    fmt::print("{:<16} {:<26} {:<10} {:>6.0f}s  {:<16} {}\n", k.name, k.release, config,
               k.build_seconds, when, used.empty() ? "-" : used);
  }
  return 0;
}

int rm() {
  if (auto r = client::require_root(); !r) return fail(r.error());
  auto users = kernel_users();
  int rc = 0;
  for (const auto& name : o.names) {
    if (!users[name].empty() && !o.rm_force) {
      rc =
          fail(err(fmt::format("kernel {} is used by {}: its nodes could not start again "
                               "(change their kernel, destroy the cluster, or --force)",
                               name, users[name].front())));
      continue;
    }
    if (auto s = kernel::remove_kernel(name); !s) {
      rc = fail(s.error());
      continue;
    }
    fmt::print("removed kernel {}\n", name);
  }
  // Its object tree and patched source go too, unless another kernel was built from them.
  if (auto pruned = kernel::prune_build_trees(); !pruned) {
    rc = fail(pruned.error());
  } else if (*pruned > 0) {
    fmt::print("removed {} build folder(s) no kernel uses\n", *pruned);
  }
  return rc;
}

void define(CLI::App& cmd, Globals& g) {
  cmd.require_subcommand(1);
  auto* b = cmd.add_subcommand(
      "build", "build an ARCH=um kernel and its modules, out of tree, into the kernel cache");
  b->add_option("--name", o.name, "its name in the cache (default: the config's name)");
  b->add_option(
      "--source", o.source,
      "a kernel tree or tarball (default: Debian's linux-source-6.1, installed on demand)");
  b->add_option(
       "--config", o.config,
       "paper (the paper's options, smallest), lab (paper + debugfs, NBD, DLM, OCFS2's user "
       "stack), default (Debian's UML config) or a config file")
      ->capture_default_str();
  b->add_option("--set", o.sets,
                "OPTION=VALUE on top of the config (repeatable), e.g. OCFS2_DEBUG_FS=y");
  b->add_option("--patches", o.patch_set,
                "a patch set by name, applied before any --patch: umlcluster (the project's "
                "own OCFS2 fixes, kernel/patches/series)")
      ->check(CLI::IsMember({std::string(kernel::kProjectPatchSet)}));
  b->add_option("--patch", o.patches, "a patch to apply with patch -p1 (repeatable, in order)")
      ->check(CLI::ExistingFile);
  b->add_option(
      "--heartbeat-ms", o.heartbeat_ms,
      "lab: OCFS2's disk heartbeat interval O2HB_REGION_TIMEOUT_MS, 100-2000 (its own: 2000)");
  b->add_option("-j,--jobs", o.jobs, "compile jobs (default: the host's cores)");
  b->add_flag("--force", o.force, "build even if the cache has this kernel from the same inputs");
  json_option(*b, g);
  b->callback([] { o.action = "build"; });
  auto* l = cmd.add_subcommand("list", "the built kernels and the clusters that use them");
  json_option(*l, g);
  l->callback([] { o.action = "list"; });
  auto* r = cmd.add_subcommand("rm", "remove built kernels");
  r->add_option("name", o.names, "kernel names (see kernel list)")->required();
  r->add_flag("--force", o.rm_force, "remove even if a cluster's nodes use it");
  r->callback([] { o.action = "rm"; });
}

int run(const Globals& g) {
  if (o.action == "build") return build(g);
  if (o.action == "list") return list(g);
  return rm();
}

}  // namespace cmd_kernel

const Command kKernel{"kernel",
                      "UML kernels built from source (kernel = \"built:NAME\" in a cluster file)",
                      cmd_kernel::define, cmd_kernel::run};

}  // namespace uc::cli
