// umlcluster(1) and the bash completion, generated from the CLI11 definitions that parse
// the arguments and print --help: one source, so the three cannot drift. The build writes
// them with the hidden commands `umlcluster __man` and `umlcluster __completion`.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace uc::cli {

std::string man_page(const CLI::App& app, const std::string& version);
// umlcluster.toml(5), from the cluster file's field table (config/cluster_file_fields.h).
std::string cluster_file_man_page(const std::string& version);
std::string bash_completion(const CLI::App& app);
// roff text: backslashes and dashes escaped, no line starting with a control character.
std::string roff_escape(const std::string& s);

}  // namespace uc::cli
