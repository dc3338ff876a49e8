// `umlcluster exec`: run a command in a node, relayed by the supervisor to the node's agent;
// stdout and stderr stay apart and the command's exit code is umlcluster's (125 when
// umlcluster could not run it, 124 when --timeout ended it).
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>

#include "cli/commands.h"
#include "client/cluster_target.h"
#include "client/exec_session.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_exec {

struct ExecOptions {
  std::string node;
  std::vector<std::string> argv;
  bool tty = false;
  bool interactive = false;
  double timeout_s = 0;  // > 0: give up after that long
} o;

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  cmd.add_option("node", o.node, "node name")->required();
  cmd.add_option("command", o.argv, "the command and its arguments (after --)")->required();
  cmd.add_flag("-t,--tty", o.tty, "run it on a terminal");
  cmd.add_flag("-i,--interactive", o.interactive, "pass stdin even when it is a terminal");
  cmd.add_option("--timeout", o.timeout_s,
                 "give up after S seconds: the command is killed, exit code 124 (as timeout(1))")
      ->check(CLI::PositiveNumber);
}

int run(const Globals& g) {
  auto c = client::connect_running(g.name, g.file);
  // umlcluster's own failure, whatever the reason.
  if (!c) return fail(recoded(c.error(), ErrorCode::kCannotRun));
  session::ExecRequest req;
  req.node = o.node;
  req.argv = o.argv;
  req.tty = o.tty;
  if (o.tty) req.env = {{"TERM", std::getenv("TERM") ? std::getenv("TERM") : "xterm"}};
  client::SessionOptions so;
  // Without -i, stdin goes along when it is a pipe or a file, never a terminal.
  so.forward_stdin = o.interactive || !::isatty(STDIN_FILENO);
  so.timeout_s = o.timeout_s;
  std::optional<client::RawTerminal> raw;
  if (o.tty && ::isatty(STDIN_FILENO)) raw.emplace();
  auto end = client::run_session(c->control, req, so);
  raw.reset();
  if (!end) return fail(end.error());
  if (end->detached) fmt::print(stderr, "\r\n[detached]\r\n");
  if (!end->message.empty()) print_error(end->message);
  return end->code;
}

}  // namespace cmd_exec

const Command kExec{
    "exec", "run a command in a node; exits with its exit code (125: umlcluster could not run it)",
    cmd_exec::define, cmd_exec::run};

}  // namespace uc::cli
