// `umlcluster bench`: the benchmark suite. The suites are scripts (bench/run.sh and the
// scripts beside it: each figure beside its floor); this finds them next to the binary and
// runs them with this binary. Timing targets live there and in docs/benchmarks.md.
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/commands.h"
#include "sys/files.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_bench {

struct BenchOptions {
  std::string suite = "all";  // ready, scale, failover, io, monitor, smoke, all
  std::string json;           // write the results here (default: stdout)
  std::string nodes;          // scale: node counts, "2 4 8"
  std::string kernels;        // scale: "debian built:NAME"
  int runs = 0;               // ready: runs (0: the script's default, 3)
} o;

// build/bin/umlcluster -> the source tree's bench/; an installed bin/umlcluster ->
// share/umlcluster/bench/.
std::string find_bench_script() {
  std::string dir = self_dir();
  for (const auto& candidate :
       {dir + "/../../bench/run.sh", dir + "/../share/umlcluster/bench/run.sh"})
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  return "";
}

void define(CLI::App& cmd, Globals&) {
  cmd.add_option("--suite", o.suite, "ready, scale, failover, io, monitor, smoke or all (default)")
      ->check(CLI::IsMember({"ready", "scale", "failover", "io", "monitor", "smoke", "all"}));
  cmd.add_option("--json", o.json, "write the results to this file (default: stdout)");
  cmd.add_option("--nodes", o.nodes, "scale: node counts (default \"2 4 8 16 32 64 128\")");
  cmd.add_option("--kernels", o.kernels,
                 "scale: kernels side by side, \"debian built:NAME\" (default: debian; Debian's "
                 "kernel runs up to 64 nodes)");
  cmd.add_option("--runs", o.runs, "ready: runs of each (default 3)")->check(CLI::Range(1, 50));
}

int run(const Globals&) {
  std::string script = find_bench_script();
  if (script.empty())
    return fail(bad_input(fmt::format(
        "bench: no bench/run.sh next to {} (it ships with the source tree)", self_dir())));
  std::vector<std::string> args = {"bash", script, "--suite", o.suite};
  if (!o.json.empty()) args.insert(args.end(), {"--json", o.json});
  if (!o.nodes.empty()) args.insert(args.end(), {"--nodes", o.nodes});
  if (!o.kernels.empty()) args.insert(args.end(), {"--kernels", o.kernels});
  if (o.runs > 0) args.insert(args.end(), {"--runs", std::to_string(o.runs)});
  std::string self = self_dir() + "/umlcluster";
  pid_t pid = ::fork();
  if (pid < 0) return kExitFailed;
  if (pid == 0) {
    ::setenv("UMLCLUSTER_BIN", self.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("bash", argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status) == 0 ? 0 : kExitFailed;
  return kExitFailed;
}

}  // namespace cmd_bench

const Command kBench{
    "bench",
    "the benchmark suite: ready time, scale, failover, guest I/O and the monitor's cost, "
    "each figure beside its floor measured in the same run (bench/run.sh; needs root)",
    cmd_bench::define, cmd_bench::run};

}  // namespace uc::cli
