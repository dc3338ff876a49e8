// `umlcluster bench`: the benchmark suite. The suites are scripts (bench/run.sh and the
// scripts beside it: each figure beside its floor); this finds them next to the binary and
// runs them with this binary. Timing targets live there and in docs/benchmarks.md.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fmt/format.h>

#include "cli/commands.h"
#include "sys/files.h"

namespace uc::cli {
namespace {

// build/bin/umlcluster -> the source tree's bench/; an installed bin/umlcluster ->
// share/umlcluster/bench/.
std::string find_bench_script() {
  std::string dir = self_dir();
  for (const auto& candidate : {dir + "/../../bench/run.sh", dir + "/../share/umlcluster/bench/run.sh"})
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  return "";
}

}  // namespace

int cmd_bench(const Globals& g, const BenchOptions& o) {
  (void)g;
  std::string script = find_bench_script();
  if (script.empty()) {
    fmt::print(stderr, "umlcluster: bench: no bench/run.sh next to {} (it ships with the source tree)\n",
               self_dir());
    return kExitBadInput;
  }
  std::vector<std::string> args = {"bash", script, "--suite", o.suite};
  if (!o.json.empty()) args.insert(args.end(), {"--json", o.json});
  if (!o.nodes.empty()) args.insert(args.end(), {"--nodes", o.nodes});
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

}  // namespace uc::cli
