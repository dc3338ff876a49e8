// umlcluster: a cluster of User Mode Linux nodes with OCFS2, in one command. Each command
// is a row of the table below (cli/command.h); this only wires them to CLI11.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

namespace {

using uc::cli::Command;

// The order of --help, the man page and the completion.
const Command* const kCommands[] = {
    &uc::cli::kUp,     &uc::cli::kDown,    &uc::cli::kDestroy, &uc::cli::kStatus,
    &uc::cli::kList,   &uc::cli::kExec,    &uc::cli::kFault,   &uc::cli::kVerify,
    &uc::cli::kChaos,  &uc::cli::kConsole, &uc::cli::kLogs,    &uc::cli::kConfig,
    &uc::cli::kFsck,   &uc::cli::kNode,    &uc::cli::kTop,     &uc::cli::kMetrics,
    &uc::cli::kReport, &uc::cli::kBench,   &uc::cli::kEvents,  &uc::cli::kImage,
    &uc::cli::kKernel, &uc::cli::kMan,     &uc::cli::kMan5,    &uc::cli::kCompletion,
    &uc::cli::kNames,
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "umlcluster: builds, runs, breaks and measures a cluster of User Mode Linux nodes "
      "on this host.\nState lives in $UMLCLUSTER_HOME (default /var/lib/umlcluster)."};
  app.set_version_flag("--version", std::string("umlcluster ") + UMLCLUSTER_VERSION);
  app.require_subcommand(1);
  uc::cli::Globals g;
  g.root = &app;
  int rc = 0;
  for (const Command* c : kCommands) {
    CLI::App* cmd = app.add_subcommand(c->name, c->help);
    c->define(*cmd, g);
    cmd->callback([&g, &rc, c] { rc = c->run(g); });
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : uc::cli::exit_code(uc::ErrorCode::kBadInput);
  }
  return rc;
}
