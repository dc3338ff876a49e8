#include "kernel/kernel_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "kernel/kernel_ref.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::kernel {
namespace {

Result<KernelRecord> parse_manifest(const std::string& dir, const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return Error{dir + "/manifest.json is not JSON"};
  KernelRecord r;
  try {
    r.name = j.at("name").get<std::string>();
    r.release = j.at("release").get<std::string>();
    r.source = j.value("source", "");
    r.config_kind = j.value("config", "");
    r.sets = j.value("sets", std::vector<std::string>{});
    r.patches = j.value("patches", std::vector<std::string>{});
    r.heartbeat_ms = j.value("heartbeat_ms", 0);
    r.key = j.value("key", "");
    r.tree_key = j.value("tree_key", "");
    r.has_modules = j.value("modules", false);
    r.build_seconds = j.value("build_seconds", 0.0);
    r.built_at = j.value("built_at", int64_t{0});
  } catch (const nlohmann::json::exception& e) {
    return Error{dir + "/manifest.json: " + e.what()};
  }
  r.dir = dir;
  return r;
}

}  // namespace

std::string manifest_json(const KernelRecord& r) {
  nlohmann::json j{{"name", r.name},
                   {"release", r.release},
                   {"source", r.source},
                   {"config", r.config_kind},
                   {"sets", r.sets},
                   {"patches", r.patches},
                   {"heartbeat_ms", r.heartbeat_ms},
                   {"key", r.key},
                   {"tree_key", r.tree_key},
                   {"modules", r.has_modules},
                   {"build_seconds", r.build_seconds},
                   {"built_at", r.built_at}};
  return j.dump(2) + "\n";
}

Result<KernelRecord> find_kernel(const std::string& name) {
  if (!valid_kernel_name(name))
    return Error{"\"" + name + "\" is not a kernel name (" + kernel_name_rule() + ")"};
  std::string dir = kernels_dir() + "/" + name;
  auto text = read_file(dir + "/manifest.json");
  if (!text)
    return Error{"no built kernel \"" + name +
                 "\" (`umlcluster kernel list` shows them; "
                 "`umlcluster kernel build --name " +
                 name + "` builds it)"};
  return parse_manifest(dir, *text);
}

std::vector<KernelRecord> list_kernels() {
  std::vector<KernelRecord> out;
  for (const auto& n : list_dir(kernels_dir())) {
    if (!valid_kernel_name(n)) continue;  // .staging folders
    if (auto r = find_kernel(n)) out.push_back(*r);
  }
  return out;
}

Status install_kernel(const std::string& staged, const KernelRecord& r) {
  UC_TRY(write_file_atomic(staged + "/manifest.json", manifest_json(r), 0644));
  std::string dest = kernels_dir() + "/" + r.name;
  std::string old = kernels_dir() + "/." + r.name + ".old";
  UC_TRY(remove_tree(old));
  if (path_exists(dest) && ::rename(dest.c_str(), old.c_str()) != 0)
    return errno_error("rename " + dest);
  if (::rename(staged.c_str(), dest.c_str()) != 0) {
    auto e = errno_error("rename " + staged + " to " + dest);
    if (path_exists(old)) (void)::rename(old.c_str(), dest.c_str());
    return e;
  }
  return remove_tree(old);
}

Status remove_kernel(const std::string& name) {
  auto r = find_kernel(name);
  if (!r) return r.error();
  std::string gone = kernels_dir() + "/." + name + ".removing";
  UC_TRY(remove_tree(gone));
  if (::rename(r->dir.c_str(), gone.c_str()) != 0) return errno_error("rename " + r->dir);
  return remove_tree(gone);
}

Result<int> prune_build_trees() {
  // A build in progress holds this lock and has no record yet: its trees are not unused.
  if (!path_exists(kernel_builds_dir())) return 0;
  auto lock = FileLock::try_acquire(kernel_builds_dir() + "/.lock");
  if (!lock) return 0;
  std::set<std::string> keys, trees;
  for (const auto& k : list_kernels()) {
    keys.insert(k.key);
    trees.insert("tree-" + k.tree_key);
  }
  int removed = 0;
  for (const auto& e : list_dir(kernel_builds_dir())) {
    std::string dir = kernel_builds_dir() + "/" + e;
    if (e.empty() || e[0] == '.' || keys.count(e) || !is_directory(dir)) continue;
    UC_TRY(remove_tree(dir));
    ++removed;
  }
  for (const auto& e : list_dir(kernel_sources_dir())) {
    if (e.rfind("tree-", 0) != 0 || trees.count(e)) continue;
    UC_TRY(remove_tree(kernel_sources_dir() + "/" + e));
    ++removed;
  }
  return removed;
}

Result<NodeKernel> resolve_node_kernel(const std::string& kernel_field) {
  auto name = built_name(kernel_field);
  if (!name) return NodeKernel{kernel_field, ""};
  auto r = find_kernel(*name);
  if (!r) return r.error();
  NodeKernel k{r->binary(), r->has_modules ? r->modules_image() : ""};
  if (::access(k.binary.c_str(), X_OK) != 0)
    return Error{"built kernel \"" + *name + "\" has no binary at " + k.binary +
                 " (build it again: umlcluster kernel build --name " + *name + ")"};
  return k;
}

}  // namespace uc::kernel
