// `umlcluster __man`, `__man5`, `__completion`: hidden (no group); what the build generates
// umlcluster(1), umlcluster.toml(5) and the bash completion from (cli/generated_docs.h).
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/generated_docs.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_docs {

void hidden(CLI::App& cmd, Globals&) { cmd.group(""); }

int man(const Globals& g) {
  fmt::print("{}", man_page(*g.root, UMLCLUSTER_VERSION));
  return 0;
}

int man5(const Globals&) {
  fmt::print("{}", cluster_file_man_page(UMLCLUSTER_VERSION));
  return 0;
}

int completion(const Globals& g) {
  fmt::print("{}", bash_completion(*g.root));
  return 0;
}

}  // namespace cmd_docs

const Command kMan{"__man", "", cmd_docs::hidden, cmd_docs::man};
const Command kMan5{"__man5", "", cmd_docs::hidden, cmd_docs::man5};
const Command kCompletion{"__completion", "", cmd_docs::hidden, cmd_docs::completion};

}  // namespace uc::cli
