#include "kernel/kernel_source.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <regex>
#include <sstream>

#include "kernel/kernel_ref.h"
#include "paths/state_paths.h"
#include "sys/files.h"
#include "sys/logged_run.h"
#include "sys/process.h"

namespace uc::kernel {
namespace {

bool package_installed(const std::string& p) {
  auto out = TempDir::create("/tmp", ".uc-dpkg-");
  if (!out) return false;
  std::string f = out->path() + "/status";
  auto fd = open_file(f, O_WRONLY | O_CREAT, 0600);
  if (!fd) return false;
  if (!run_command({"dpkg-query", "-W", "-f=${Status}", p}, fd->get())) return false;
  auto text = read_file(f);
  return text && text->find("install ok installed") != std::string::npos;
}

// The lines of patch's output that say what went wrong.
std::string patch_failures(const std::string& output) {
  std::istringstream in(output);
  std::string line, out;
  for (std::string file; std::getline(in, line);) {
    if (line.rfind("patching file ", 0) == 0) {
      file = line;
      continue;
    }
    bool bad =
        line.find("FAILED") != std::string::npos || line.find("can't find") != std::string::npos ||
        line.find("malformed") != std::string::npos || line.find("garbage") != std::string::npos ||
        line.find("Reversed") != std::string::npos ||
        line.find("No file to patch") != std::string::npos;
    if (!bad) continue;
    if (!file.empty()) out += "  " + file + "\n";
    file.clear();
    out += "  " + line + "\n";
  }
  return out;
}

}  // namespace

std::vector<std::string> build_tool_packages() {
  return {"make", "gcc",  "libc6-dev", "flex",  "bison",
          "bc",   "kmod", "xz-utils",  "patch", "e2fsprogs"};
}

Status ensure_debian_packages(const std::vector<std::string>& packages, const Progress& progress) {
  std::vector<std::string> missing;
  for (const auto& p : packages)
    if (!package_installed(p)) missing.push_back(p);
  if (missing.empty()) return {};
  std::string list;
  for (const auto& p : missing) list += (list.empty() ? "" : " ") + p;
  if (::geteuid() != 0) return err("missing Debian packages: " + list + " (install them as root)");
  progress("installing Debian packages: " + list);
  auto tmp = TempDir::create("/tmp", ".uc-apt-");
  if (!tmp) return tmp.error();
  std::string log = tmp->path() + "/apt.log";
  std::vector<std::string> argv = {"apt-get", "install", "-y", "-q", "--no-install-recommends"};
  argv.insert(argv.end(), missing.begin(), missing.end());
  auto st = run_logged({argv, log, "", nullptr, nullptr});
  if (!st) {
    // An old package list: refresh it once and try again.
    (void)run_logged({{"apt-get", "update", "-q"}, log, "", nullptr, nullptr});
    st = run_logged({argv, log, "", nullptr, nullptr});
  }
  if (!st) return err("installing " + list + " failed: " + st.error().message);
  return {};
}

Status check_kernel_tree(const std::string& dir, const std::string& shown) {
  for (const char* p : {"Makefile", "Kconfig", "arch/um/Kconfig", "fs/ocfs2/Kconfig"})
    if (!path_exists(dir + "/" + p))
      return err(
          fmt::format("{} is not a Linux source tree with UML and OCFS2: it has no {}", shown, p));
  if (path_exists(dir + "/.config") || path_exists(dir + "/include/config"))
    return err(
        shown +
        " has been configured or built in place (it has .config or include/config): "
        "umlcluster builds out of tree and make refuses such a tree; run `make mrproper` in it "
        "or give a clean copy");
  return {};
}

Result<SourceTree> prepare_source(const std::string& source, const std::string& log,
                                  const Progress& progress) {
  std::string tarball = source;
  SourceTree t;
  if (source.empty()) {
    UC_TRY(ensure_debian_packages({kDebianSourcePackage}, progress));
    tarball = kDebianSourceTarball;
    t.shown = std::string("Debian's ") + kDebianSourcePackage;
  } else {
    t.shown = source;
  }
  if (!source.empty() && is_directory(source)) {
    t.path = real_path(source);
    t.id = "dir:" + t.path;
    t.user_tree = true;
    UC_TRY(check_kernel_tree(t.path, t.shown));
    return t;
  }
  struct stat st;
  if (::stat(tarball.c_str(), &st) != 0) return errno_error(t.shown);
  if (!S_ISREG(st.st_mode)) return err(t.shown + " is neither a directory nor a tarball");
  t.id = fmt::format("tar:{}:{}:{}", real_path(tarball), st.st_size, st.st_mtim.tv_sec);
  std::string dir = kernel_sources_dir() + "/src-" + tree_key(BuildInputs{t.id, "", "", {}, {}, 0});
  if (!is_directory(dir)) {
    UC_TRY(make_dirs(kernel_sources_dir(), 0700));
    auto tmp = TempDir::create(kernel_sources_dir(), ".unpack-");
    if (!tmp) return tmp.error();
    progress(fmt::format("unpacking {} ({} MB; about 15 s)", t.shown, st.st_size >> 20));
    auto r = run_logged(
        {{"tar", "-xf", real_path(tarball), "-C", tmp->path()}, log, "", nullptr, nullptr});
    if (!r) return err(t.shown + " is not a tarball tar can read: " + r.error().message);
    auto top = list_dir(tmp->path());
    std::string tree = top.size() == 1 && is_directory(tmp->path() + "/" + top[0]) ? top[0] : ".";
    UC_TRY(check_kernel_tree(tmp->path() + "/" + tree, t.shown));
    if (tree != ".") UC_TRY(write_file_atomic(tmp->path() + "/.top", tree + "\n", 0600));
    if (::rename(tmp->path().c_str(), dir.c_str()) != 0) return errno_error("rename " + dir);
    tmp->release();
  }
  auto top = read_file(dir + "/.top");
  t.path = dir;
  if (top && !top->empty()) t.path += "/" + top->substr(0, top->find('\n'));
  return t;
}

Result<std::string> with_heartbeat_interval(const std::string& text, int ms) {
  static const std::regex re(R"((#define[ \t]+O2HB_REGION_TIMEOUT_MS[ \t]+)([0-9]+))");
  std::smatch m;
  if (!std::regex_search(text, m, re))
    return err(
        "fs/ocfs2/cluster/heartbeat.h has no #define O2HB_REGION_TIMEOUT_MS: this tree's "
        "OCFS2 heartbeat is not the one --heartbeat-ms knows");
  return m.prefix().str() + m[1].str() + std::to_string(ms) + m.suffix().str();
}

Result<std::string> changed_tree(const SourceTree& src, const std::vector<PatchFile>& patches,
                                 int heartbeat_ms, const std::string& key, bool fresh,
                                 const std::string& log, const Progress& progress) {
  if (patches.empty() && heartbeat_ms == 0) return src.path;
  std::string dir = kernel_sources_dir() + "/tree-" + key;
  if (is_directory(dir) && !fresh) return dir;
  UC_TRY(make_dirs(kernel_sources_dir(), 0700));
  auto tmp = TempDir::create(kernel_sources_dir(), ".tree-");
  if (!tmp) return tmp.error();
  progress("copying the tree as hard links for the patches");
  // Hard links: seconds for 80,000 files. patch and the heartbeat edit write new files in
  // place of the links they change, so the original tree is never touched.
  UC_TRY(run_logged({{"cp", "-al", src.path + "/.", tmp->path()}, log, "", nullptr, nullptr}));
  for (const auto& p : patches) {
    progress("applying " + p.path);
    std::string out;
    auto st = run_logged({{"patch", "-p1", "--forward", "--batch", "--no-backup-if-mismatch", "-r",
                           "-", "-d", tmp->path(), "-i", real_path(p.path)},
                          log,
                          "",
                          [&](const std::string& l) { out += l + "\n"; },
                          nullptr});
    if (!st) {
      std::string why = patch_failures(out);
      return err(fmt::format("patch {} does not apply to {}:\n{}(patch's whole output is in {})",
                             p.path, src.shown, why.empty() ? out : why, log));
    }
  }
  if (heartbeat_ms > 0) {
    std::string h = tmp->path() + "/fs/ocfs2/cluster/heartbeat.h";
    auto text = read_file(h);
    if (!text) return text.error();
    auto changed = with_heartbeat_interval(*text, heartbeat_ms);
    if (!changed) return changed.error();
    ::unlink(h.c_str());
    UC_TRY(write_file_atomic(h, *changed, 0644));
  }
  UC_TRY(remove_tree(dir));
  if (::rename(tmp->path().c_str(), dir.c_str()) != 0) return errno_error("rename " + dir);
  tmp->release();
  return dir;
}

}  // namespace uc::kernel
