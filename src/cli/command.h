// The command table, as ninja's kTools: a row per command (its name, its help, the function
// that adds its CLI11 options and the one that runs it), each defined in the command's own
// file (cmd_*.cpp) and listed in main.cpp in the order --help, the man page and the
// completion show them. A command's options live in its file; the options every command
// shares (-f, -n, --json) in Globals.
//
// Also what every command does the same way: the exit code an error's code maps to (only
// commands print errors), progress to stderr under --json, a node's progress lines.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "client/control_client.h"
#include "sys/fd.h"
#include "sys/result.h"
#include "wire/control_protocol.h"

namespace uc::cli {

struct Globals {
  std::string file;  // -f: the cluster file
  std::string name;  // -n: the cluster's name
  bool json = false;
  const CLI::App* root = nullptr;  // the whole command tree (the generated docs read it)
};

struct Command {
  const char* name;
  const char* help;
  // Adds the command's options (and subcommands) to `cmd`, its CLI11 subcommand.
  void (*define)(CLI::App& cmd, Globals& g);
  // Runs it once the arguments are parsed; returns the process's exit code.
  int (*run)(const Globals& g);
};

// -f FILE (a cluster file), -n NAME / -f FILE (which cluster), --json.
void file_option(CLI::App& cmd, Globals& g);
void name_option(CLI::App& cmd, Globals& g);
void json_option(CLI::App& cmd, Globals& g);

// Exit codes: 0 done, 1 failed, 2 bad input (cluster file, arguments), 125 exec could not run
// the command, 130 interrupted. exec exits with the command's own code, 124 on its timeout.
int exit_code(ErrorCode code);
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
// Prints the error (when it says something) and returns its exit code.
int fail(const Error& e);
void print_error(const std::string& msg);

// With --json, stdout carries the JSON alone: progress goes to stderr until restore().
class ProgressToStderr {
 public:
  explicit ProgressToStderr(bool on);
  ~ProgressToStderr() { restore(); }
  void restore();

 private:
  Fd saved_;
};

// A node's progress as up, down and node print it.
void print_progress(const control::Progress& p);
// Waits for the nodes of a request that subscribed (client::wait_until_ready), printing
// their progress.
Status wait_for_nodes(ControlClient& c, const control::Reply& reply,
                      const std::vector<std::string>& only);
// Prints a status as a table (or its JSON).
void print_status(const control::ClusterStatus& s, bool json);

}  // namespace uc::cli
