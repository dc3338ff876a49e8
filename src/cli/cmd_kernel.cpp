// `umlcluster kernel build|list|rm`: UML kernels built from source, and which clusters use them.
#include <fmt/format.h>

#include <ctime>
#include <map>

#include "cli/commands.h"
#include "kernel/kernel_build.h"
#include "kernel/kernel_ref.h"
#include "sys/files.h"

namespace uc::cli {
namespace {

// Which clusters' nodes boot which built kernel: name -> "cluster/node" list.
std::map<std::string, std::vector<std::string>> kernel_users() {
  std::map<std::string, std::vector<std::string>> users;
  for (const auto& name : list_dir(clusters_dir()))
    if (auto rec = read_record(ClusterPaths(name)))
      for (const auto& n : rec->spec.nodes)
        if (auto k = kernel::built_name(n.kernel)) users[*k].push_back(name + "/" + n.name);
  return users;
}

nlohmann::json record_json(const kernel::KernelRecord& r, const std::vector<std::string>& used_by) {
  return {{"name", r.name},       {"release", r.release},   {"source", r.source},
          {"config", r.config_kind}, {"sets", r.sets},      {"patches", r.patches},
          {"heartbeat_ms", r.heartbeat_ms}, {"modules", r.has_modules},
          {"binary", r.binary()}, {"build_seconds", r.build_seconds},
          {"built_at", r.built_at}, {"used_by", used_by}};
}

}  // namespace

int cmd_kernel_build(const Globals& g, const KernelBuildOptions& o) {
  if (auto r = require_root(); !r) {
    print_error(r.error().message);
    return kExitFailed;
  }
  ProgressToStderr quiet(g.json);
  kernel::BuildRequest req{o.name, o.source, o.config, o.sets, o.patches, o.heartbeat_ms, o.jobs, o.force};
  auto out = kernel::build_kernel(req, [](const std::string& m) {
    fmt::print("kernel: {}\n", m);
    std::fflush(stdout);
  });
  quiet.restore();
  if (!out) {
    print_error("kernel build failed: " + out.error().message);
    return out.error().message.rfind("interrupted", 0) == 0 ? 130 : kExitFailed;
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
    fmt::print("kernel {} ({}) is already built from these inputs; --force builds it again\n", r.name,
               r.release);
  else
    fmt::print("kernel {} ({}) built in {:.0f} s ({} objects compiled)\n", r.name, r.release, out->seconds,
               out->compiled);
  fmt::print("use it in a cluster file: kernel = \"built:{}\" (in [defaults] or one [[node]])\n", r.name);
  return 0;
}

int cmd_kernel_list(const Globals& g) {
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
  fmt::print("{:<16} {:<26} {:<10} {:>7}  {:<16} {}\n", "NAME", "RELEASE", "CONFIG", "BUILD", "BUILT",
             "USED BY");
  for (const auto& k : kernels) {
    char when[32] = "-";
    std::time_t t = k.built_at;
    if (std::tm tm{}; localtime_r(&t, &tm)) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
    std::string used;
    for (const auto& u : users[k.name]) used += (used.empty() ? "" : ",") + u;
    std::string config = k.config_kind;
    if (!k.patches.empty()) config += fmt::format("+{}p", k.patches.size());
    fmt::print("{:<16} {:<26} {:<10} {:>6.0f}s  {:<16} {}\n", k.name, k.release, config, k.build_seconds,
               when, used.empty() ? "-" : used);
  }
  return 0;
}

int cmd_kernel_rm(const Globals&, const std::vector<std::string>& names, bool force) {
  if (auto r = require_root(); !r) {
    print_error(r.error().message);
    return kExitFailed;
  }
  auto users = kernel_users();
  int rc = 0;
  for (const auto& name : names) {
    if (!users[name].empty() && !force) {
      print_error(fmt::format("kernel {} is used by {}: its nodes could not start again "
                              "(change their kernel, destroy the cluster, or --force)",
                              name, users[name].front()));
      rc = kExitFailed;
      continue;
    }
    if (auto s = kernel::remove_kernel(name); !s) {
      print_error(s.error().message);
      rc = kExitFailed;
      continue;
    }
    fmt::print("removed kernel {}\n", name);
  }
  // Its object tree and patched source go too, unless another kernel was built from them.
  if (auto pruned = kernel::prune_build_trees(); !pruned) {
    print_error(pruned.error().message);
    rc = kExitFailed;
  } else if (*pruned > 0) {
    fmt::print("removed {} build folder(s) no kernel uses\n", *pruned);
  }
  return rc;
}

}  // namespace uc::cli
