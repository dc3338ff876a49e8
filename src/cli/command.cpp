#include "cli/command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>

#include "client/lifecycle.h"
#include "client/status_text.h"

namespace uc::cli {

void file_option(CLI::App& cmd, Globals& g) {
  cmd.add_option("-f,--file", g.file, "cluster file (TOML); none means the paper's 2-node cluster")
      ->check(CLI::ExistingFile);
}

void name_option(CLI::App& cmd, Globals& g) {
  cmd.add_option("-n,--name", g.name, "which cluster (default: the only one, else \"ocfs2\")");
  cmd.add_option("-f,--file", g.file, "take the cluster's name from this cluster file")
      ->check(CLI::ExistingFile);
}

void json_option(CLI::App& cmd, Globals& g) {
  cmd.add_flag("--json", g.json, "machine-readable output");
}

int exit_code(ErrorCode code) {
  switch (code) {
    case ErrorCode::kFailed:
      return kExitFailed;
    case ErrorCode::kBadInput:
      return kExitBadInput;
    case ErrorCode::kCannotRun:
      return 125;
    case ErrorCode::kInterrupted:
      return 130;
  }
  return kExitFailed;
}

int fail(const Error& e) {
  if (!e.message.empty()) print_error(e.message);
  return exit_code(e.code);
}

void print_error(const std::string& msg) { fmt::print(stderr, "umlcluster: {}\n", msg); }

ProgressToStderr::ProgressToStderr(bool on) {
  if (!on) return;
  std::fflush(stdout);
  saved_ = Fd(::dup(STDOUT_FILENO));
  ::dup2(STDERR_FILENO, STDOUT_FILENO);
}

void ProgressToStderr::restore() {
  if (!saved_) return;
  std::fflush(stdout);
  ::dup2(saved_.get(), STDOUT_FILENO);
  saved_.reset();
}

void print_progress(const control::Progress& p) {
  if (auto line = client::progress_line(p)) {
    fmt::print("{}", *line);
    std::fflush(stdout);
  }
}

Status wait_for_nodes(ControlClient& c, const control::Reply& reply,
                      const std::vector<std::string>& only) {
  client::WaitOptions o;
  o.only = only;
  o.on_progress = print_progress;
  return client::wait_until_ready(c, reply, o);
}

void print_status(const control::ClusterStatus& s, bool json) {
  if (json) {
    fmt::print("{}\n", to_json(s).dump(2));
    return;
  }
  double now_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  fmt::print("{}", client::status_text(s, now_s));
}

}  // namespace uc::cli
