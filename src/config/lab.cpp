#include "config/lab.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include "sys/files.h"
#include "sys/logged_run.h"
#include "sys/process.h"

namespace uc {
namespace {

bool is_dir(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_file(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

Status add_script(const std::string& dir, const std::string& name, int timeout_s,
                  std::vector<LabStep>& out) {
  std::string path = dir + "/" + name;
  if (!is_file(path)) return {};
  auto text = read_file(path);
  if (!text) return text.error();
  // The script comes on stdin (no size limit of a command line); its own stdin is empty.
  out.push_back({name, {"timeout", std::to_string(timeout_s), "/bin/sh", "-s"}, *text});
  return {};
}

// The node folder as a tar stream: numeric owners, modes and symlinks as they are.
Result<std::string> tar_of(const std::string& folder) {
  auto tmp = TempDir::create("/tmp", ".uc-lab-");
  if (!tmp) return tmp.error();
  std::string tar = tmp->path() + "/files.tar";
  auto fd = open_file(tar, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (!fd) return fd.error();
  auto st = run_command({"tar", "--numeric-owner", "-C", folder, "-cf", "-", "."}, fd->get());
  if (!st) return err("cannot pack " + folder + ": " + st.error().message);
  struct stat s;
  if (::stat(tar.c_str(), &s) == 0 && static_cast<size_t>(s.st_size) > kMaxLabFiles)
    return err(fmt::format("{} packs to {} MB: a node folder may hold at most {} MB", folder,
                           s.st_size >> 20, kMaxLabFiles >> 20));
  return read_file(tar);
}

}  // namespace

bool is_lab(const std::string& dir, const std::vector<std::string>& nodes) {
  if (dir.empty()) return false;
  if (is_file(dir + "/shared.startup") || is_file(dir + "/shared.shutdown")) return true;
  for (const auto& n : nodes)
    if (is_dir(dir + "/" + n) || is_file(dir + "/" + n + ".startup") ||
        is_file(dir + "/" + n + ".shutdown"))
      return true;
  return false;
}

Result<std::vector<LabStep>> lab_startup(const std::string& dir, const std::string& node) {
  std::vector<LabStep> steps;
  if (dir.empty()) return steps;
  if (is_dir(dir + "/" + node)) {
    auto tar = tar_of(dir + "/" + node);
    if (!tar) return tar.error();
    // Directories that exist in the image keep their owner and mode (no --overwrite-dir):
    // node0/etc/ of the user's does not turn the guest's /etc into the user's.
    steps.push_back({node + "/ (files)",
                     {"tar", "-xpf", "-", "-C", "/", "--numeric-owner", "--no-overwrite-dir"},
                     *tar});
  }
  UC_TRY(add_script(dir, "shared.startup", kLabStartupTimeoutS, steps));
  UC_TRY(add_script(dir, node + ".startup", kLabStartupTimeoutS, steps));
  return steps;
}

Result<std::vector<LabStep>> lab_shutdown(const std::string& dir, const std::string& node) {
  std::vector<LabStep> steps;
  if (dir.empty()) return steps;
  UC_TRY(add_script(dir, node + ".shutdown", kLabShutdownTimeoutS, steps));
  UC_TRY(add_script(dir, "shared.shutdown", kLabShutdownTimeoutS, steps));
  return steps;
}

std::string lab_failure(const std::string& node, const LabStep& step, int code,
                        const std::string& output) {
  std::string why = code == 124 ? "timed out" : fmt::format("failed with exit code {}", code);
  std::string tail = last_lines(output, 10);
  return fmt::format("{}: lab {} {}{}", node, step.what, why,
                     tail.empty() ? "" : "; its last lines:\n" + tail);
}

}  // namespace uc
