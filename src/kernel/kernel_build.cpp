#include "kernel/kernel_build.h"

#include <fmt/format.h>
#include <ftw.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "kernel/kernel_config.h"
#include "kernel/kernel_ref.h"
#include "kernel/patch_set.h"
#include "paths/state_paths.h"
#include "sys/files.h"
#include "sys/logged_run.h"

namespace uc::kernel {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string stem(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  auto dot = base.find('.');
  return dot == 0 || dot == std::string::npos ? base : base.substr(0, dot);
}

// The inputs of a request, read and checked before anything is built.
struct Inputs {
  std::string name;
  std::string config_kind;
  std::string config_text;
  std::vector<ConfigSet> sets;
  std::vector<PatchFile> patches;
};

Result<Inputs> read_inputs(const BuildRequest& r) {
  Inputs in;
  in.name = r.name.empty() ? default_kernel_name(r) : r.name;
  if (!valid_kernel_name(in.name))
    return err("--name " + in.name + ": not a kernel name (" + kernel_name_rule() + ")");
  if (r.heartbeat_ms != 0 && (r.heartbeat_ms < 100 || r.heartbeat_ms > 2000))
    return err(
        fmt::format("--heartbeat-ms {}: must be 100-2000 (OCFS2's own is 2000)", r.heartbeat_ms));
  for (const auto& s : r.sets) {
    auto p = parse_set(s);
    if (!p) return p.error();
    in.sets.push_back(*p);
  }
  std::vector<std::string> files;
  if (!r.patch_set.empty()) {
    auto set = patch_set_files(r.patch_set);
    if (!set) return set.error();
    files = *set;
  }
  files.insert(files.end(), r.patches.begin(), r.patches.end());
  for (const auto& path : files) {
    auto text = read_file(path);
    if (!text) return err("--patch: " + text.error().message);
    if (text->find("\n+++ ") == std::string::npos && text->rfind("+++ ", 0) != 0)
      return err("--patch " + path + ": not a unified diff (no +++ line)");
    in.patches.push_back({path, *text});
  }
  if (r.config == "paper" || r.config == "lab") {
    in.config_kind = r.config;
    in.config_text = r.config == "paper" ? paper_fragment() : lab_fragment();
  } else if (r.config == "default") {
    in.config_kind = "default";
    if (!path_exists(kDebianConfig))
      return err(std::string("--config default: ") + kDebianConfig +
                 " is missing (install user-mode-linux)");
    in.config_text = std::string("zcat:") + kDebianConfig;
  } else {
    in.config_kind = r.config;
    auto text = read_file(r.config);
    if (!text)
      return err("--config: " + text.error().message + " (paper, default or a config file)");
    if (parse_dotconfig(*text).empty())
      return err("--config " + r.config + ": not a kernel config (no CONFIG_ lines)");
    in.config_text = *text;
  }
  return in;
}

// A flock on the builds folder: one kernel build at a time on this host.
Result<Fd> build_lock(const Progress& progress) {
  auto fd = open_file(kernel_builds_dir() + "/.lock", O_RDWR | O_CREAT, 0600);
  if (!fd) return fd.error();
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
    progress("waiting for another kernel build to finish");
    ::flock(fd->get(), LOCK_EX);
  }
  return std::move(*fd);
}

std::vector<std::string> make_argv(const std::string& tree, const std::string& obj,
                                   const std::string& name, std::vector<std::string> targets) {
  std::vector<std::string> a = {"make", "-C", tree, "O=" + obj, "ARCH=um", "LOCALVERSION=-" + name};
  a.insert(a.end(), targets.begin(), targets.end());
  return a;
}

// Kconfig: the paper's fragment on top of allnoconfig, or a full config brought up to date.
Status configure(const Inputs& in, const std::string& tree, const std::string& obj,
                 const std::string& log) {
  std::string extra;
  for (const auto& s : in.sets) extra += s.line() + "\n";
  if (in.config_kind == "paper" || in.config_kind == "lab") {
    std::string frag = obj + "/umlcluster-" + in.config_kind + ".config";
    UC_TRY(write_file_atomic(frag, in.config_text + extra, 0644));
    return run_logged(
        {make_argv(tree, obj, "x", {"KCONFIG_ALLCONFIG=" + frag, "allnoconfig"}), log, "", {}, {}});
  }
  std::string base = in.config_text;
  if (in.config_kind == "default") {
    std::string out;
    UC_TRY(run_logged({{"zcat", kDebianConfig},
                       log + ".config",
                       "",
                       [&](const std::string& l) { out += l + "\n"; },
                       {}}));
    ::unlink((log + ".config").c_str());
    base = out;
  }
  UC_TRY(write_file_atomic(obj + "/.config", base + extra, 0644));
  return run_logged({make_argv(tree, obj, "x", {"olddefconfig"}), log, "", {}, {}});
}

Status check_config(const Inputs& in, const std::string& obj, const std::string& shown) {
  auto text = read_file(obj + "/.config");
  if (!text) return text.error();
  auto c = parse_dotconfig(*text);
  std::string why;
  for (const auto& l : unmet_requirements(c)) why += "  " + l + "\n";
  for (const auto& l : sets_not_taken(in.sets, c)) why += "  " + l + "\n";
  if (in.config_kind == "lab")
    for (const auto& l : sets_not_taken(fragment_sets(lab_extras()), c)) why += "  " + l + "\n";
  if (why.empty()) return {};
  return err("the config " + shown + " cannot boot a node:\n" + why +
             "(add them with --set OPTION=y, or to the config file)");
}

// Counts what make compiles and says so every 10 s.
struct CompileProgress {
  const Progress& progress;
  int jobs;
  Clock::time_point t0 = Clock::now();
  Clock::time_point last = Clock::now();
  int compiled = 0;
  std::string current;

  void line(const std::string& l) {
    if (l.size() > 10 && l[0] == ' ' && l[1] == ' ' &&
        (l.compare(2, 2, "CC") == 0 || l.compare(2, 2, "AS") == 0)) {
      ++compiled;
      current = l.substr(l.find_last_of(' ') + 1);
    }
  }
  void tick() {
    if (Clock::now() - last < std::chrono::seconds(10)) return;
    last = Clock::now();
    int s = static_cast<int>(since(t0));
    progress(fmt::format("[3/5] compiling with {} jobs: {} objects in {}:{:02d}, now {}", jobs,
                         compiled, s / 60, s % 60, current));
  }
};

Result<std::string> kernel_release(const std::string& tree, const std::string& obj,
                                   const std::string& name, const std::string& log) {
  std::string out;
  UC_TRY(run_logged({make_argv(tree, obj, name, {"-s", "kernelrelease"}),
                     log,
                     "",
                     [&](const std::string& l) { out = l; },
                     {}}));
  if (out.empty() || out.find('/') != std::string::npos)
    return err("make kernelrelease said nothing usable");
  return out;
}

// Bytes in the files under `dir` (Debian's full config installs about 105 MB of modules).
uint64_t tree_bytes(const std::string& dir) {
  static uint64_t total;
  total = 0;
  ::nftw(
      dir.c_str(),
      [](const char*, const struct stat* st, int type, FTW*) {
        if (type == FTW_F) total += static_cast<uint64_t>(st->st_size);
        return 0;
      },
      32, FTW_PHYS);
  return total;
}

// The modules as a read-only ext4 disk holding lib/modules/RELEASE, depmod'ed.
Status modules_disk(const std::string& tree, const std::string& obj, const std::string& name,
                    const std::string& release, const std::string& staged, const std::string& log) {
  std::string root = staged + "/modroot";
  UC_TRY(
      run_logged({make_argv(tree, obj, name,
                            {"INSTALL_MOD_PATH=" + root, "DEPMOD=/sbin/depmod", "modules_install"}),
                  log,
                  "",
                  {},
                  {}}));
  std::string mods = root + "/lib/modules";
  // Links back into the host's build tree mean nothing in a guest.
  ::unlink((mods + "/" + release + "/build").c_str());
  ::unlink((mods + "/" + release + "/source").c_str());
  // Room for the modules and ext4's own: twice their size, 64 MB at least (a sparse file).
  uint64_t bytes = tree_bytes(mods);
  uint64_t kib = std::max<uint64_t>(65536, (2 * bytes / 1024 + 16384) / 1024 * 1024);
  UC_TRY(run_logged({{"mke2fs", "-q", "-F", "-t", "ext4", "-L", "ucmodules", "-d", mods,
                      staged + "/modules.img", std::to_string(kib) + "k"},
                     log,
                     "",
                     {},
                     {}}));
  ::chmod((staged + "/modules.img").c_str(), 0444);
  return remove_tree(root);
}

}  // namespace

std::string default_kernel_name(const BuildRequest& r) {
  std::string base =
      r.config == "paper" || r.config == "lab" || r.config == "default" ? r.config : stem(r.config);
  return r.patch_set.empty() ? base : base + "-" + r.patch_set;
}

Result<BuildOutcome> build_kernel(const BuildRequest& r, const Progress& progress) {
  auto t0 = Clock::now();
  auto in = read_inputs(r);
  if (!in) return in.error();
  UC_TRY(ensure_debian_packages(build_tool_packages(), progress));
  UC_TRY(make_dirs(kernels_dir(), 0700));
  UC_TRY(make_dirs(kernel_builds_dir(), 0700));
  auto lock = build_lock(progress);
  if (!lock) return lock.error();
  std::string log = kernel_builds_dir() + "/" + in->name + ".log";
  ::unlink(log.c_str());

  progress("[1/5] source");
  auto src = prepare_source(r.source, log, progress);
  if (!src) return src.error();
  BuildInputs keyed{src->id, in->config_kind, in->config_text, in->sets, {}, r.heartbeat_ms};
  for (const auto& p : in->patches) keyed.patches.push_back(p.text);
  std::string key = build_key(keyed);
  if (!r.force && !src->user_tree)
    if (auto have = find_kernel(in->name); have && have->key == key)
      return BuildOutcome{*have, false, 0, since(t0)};
  auto tree = changed_tree(*src, in->patches, r.heartbeat_ms, tree_key(keyed), src->user_tree, log,
                           progress);
  if (!tree) return tree.error();

  std::string obj = kernel_builds_dir() + "/" + key;
  // Written once the config passed its checks: a configure cut short is done again.
  std::string configured = obj + "/.umlcluster-configured";
  bool fresh = !path_exists(configured);
  std::string shown =
      in->config_kind == "paper" || in->config_kind == "lab" || in->config_kind == "default"
          ? in->config_kind
          : r.config;
  if (fresh) {
    progress("[2/5] configuring (" + shown + ")");
    UC_TRY(remove_tree(obj));
    UC_TRY(make_dirs(obj, 0700));
    auto st = configure(*in, *tree, obj, log);
    if (st) st = check_config(*in, obj, shown);
    if (st) st = write_file_atomic(configured, key + "\n", 0600);
    if (!st) {
      (void)remove_tree(obj);
      return st.error();
    }
  } else {
    progress("[2/5] configured: reusing the object tree " + obj);
  }

  int jobs =
      r.jobs > 0 ? r.jobs : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  CompileProgress cp{progress, jobs};
  progress(fmt::format("[3/5] compiling with {} jobs{}", jobs,
                       fresh ? " (a first build: minutes)" : ""));
  auto argv = make_argv(*tree, obj, in->name, {fmt::format("-j{}", jobs), "all"});
  UC_TRY(
      run_logged({argv, log, "", [&](const std::string& l) { cp.line(l); }, [&] { cp.tick(); }}));
  progress(fmt::format("[3/5] compiled {} objects in {:.0f} s", cp.compiled, since(cp.t0)));

  auto release = kernel_release(*tree, obj, in->name, log);
  if (!release) return release.error();
  auto staged = TempDir::create(kernels_dir(), ".build-" + in->name + "-");
  if (!staged) return staged.error();
  UC_TRY(copy_file(obj + "/linux", staged->path() + "/linux", 0755));
  UC_TRY(copy_file(obj + "/.config", staged->path() + "/config", 0644));
  auto config = read_file(obj + "/.config");
  if (!config) return config.error();
  bool modules = parse_dotconfig(*config)["MODULES"] == "y";
  if (modules) {
    progress("[4/5] installing the modules of " + *release + " into their disk");
    UC_TRY(modules_disk(*tree, obj, in->name, *release, staged->path(), log));
  } else {
    progress("[4/5] no modules (CONFIG_MODULES is off)");
  }

  KernelRecord rec;
  rec.name = in->name;
  rec.release = *release;
  rec.source = src->shown;
  rec.config_kind = shown;
  for (const auto& s : in->sets) rec.sets.push_back(s.line());
  for (const auto& p : in->patches) rec.patches.push_back(p.path);  // the set's files too
  rec.heartbeat_ms = r.heartbeat_ms;
  rec.key = key;
  rec.tree_key = tree_key(keyed);
  rec.has_modules = modules;
  rec.build_seconds = since(t0);
  rec.built_at = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  progress("[5/5] installing " + in->name + " into the kernel cache");
  UC_TRY(install_kernel(staged->path(), rec));
  staged->release();
  rec.dir = kernels_dir() + "/" + rec.name;
  return BuildOutcome{rec, true, cp.compiled, since(t0)};
}

}  // namespace uc::kernel
