// Running one long build step (make, tar, patch) with its output appended to a log, each
// line also handed to a callback for progress. Ctrl-C or SIGTERM to umlcluster ends the
// step's whole process group (make and its compilers) before returning: no compiler is left
// running behind an interrupted build.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "sys/result.h"

namespace uc {

struct LoggedRun {
  std::vector<std::string> argv;
  std::string log;  // appended to
  std::string cwd;
  std::function<void(const std::string& line)> on_line;  // may be empty
  std::function<void()> on_tick;                         // about once a second; may be empty
};

// Fails with the command's exit status ("interrupted" after a signal, with
// `*interrupted` set) and the log's last `tail_lines` lines.
Status run_logged(const LoggedRun& r, bool* interrupted = nullptr, int tail_lines = 25);

// The last `n` lines of `text` (without its trailing newlines), and of a file.
std::string last_lines(const std::string& text, int n);
std::string tail_of(const std::string& path, int n);

}  // namespace uc
