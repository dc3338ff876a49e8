// `umlcluster console`: an interactive login shell in a node, on the local terminal.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>

#include "cli/commands.h"
#include "client/cluster_target.h"
#include "client/exec_session.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_console {

std::string node;

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  cmd.add_option("node", node, "node name")->required();
}

int run(const Globals& g) {
  auto c = client::connect_running(g.name, g.file);
  // umlcluster's own failure, whatever the reason.
  if (!c) return fail(recoded(c.error(), ErrorCode::kCannotRun));
  if (!::isatty(STDIN_FILENO))
    return fail(Error{"console needs a terminal; use `umlcluster exec` from scripts",
                      ErrorCode::kCannotRun});
  session::ExecRequest req;
  req.node = node;
  req.argv = {"/bin/bash", "-l"};
  req.tty = true;
  req.env = {{"TERM", std::getenv("TERM") ? std::getenv("TERM") : "xterm"}};
  fmt::print(stderr, "connected to {} in cluster {} (exit the shell or press Ctrl-] to leave)\n",
             node, c->name);
  client::SessionOptions so;
  so.forward_stdin = true;
  client::SessionEnd end;
  {
    client::RawTerminal raw;
    auto r = client::run_session(c->control, req, so);
    if (!r) return fail(r.error());
    end = *r;
  }
  if (end.detached) fmt::print(stderr, "\r\n[detached]\r\n");
  if (!end.message.empty()) print_error(end.message);
  return end.code;
}

}  // namespace cmd_console

const Command kConsole{"console", "an interactive shell in a node (Ctrl-] leaves)",
                       cmd_console::define, cmd_console::run};

}  // namespace uc::cli
