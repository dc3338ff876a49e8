// The guest's processes as /proc shows them (pid, parent, state, start time), and the one
// question the agent asks of a snapshot: which processes descend from a session's reaper.
// Parsing and the tree walk are pure; read_proc_snapshot() is the only file access.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uc::agent {

struct ProcEntry {
  pid_t pid = 0;
  pid_t ppid = 0;
  char state = '?';    // R, S, D, T, t, Z, X, ...
  uint64_t start = 0;  // clock ticks after boot: with the pid, names one process for good
  bool operator==(const ProcEntry&) const = default;
};

// One /proc/PID/stat line. The command name sits in parentheses and may hold spaces and
// parentheses itself, so the fields are counted from the last ')'.
std::optional<ProcEntry> parse_proc_stat(std::string_view stat);

// Whether the process still runs: a zombie (Z) or a dead task (X) has ended.
inline bool is_live(const ProcEntry& e) { return e.state != 'Z' && e.state != 'X'; }

// Every process of `snapshot` below `root` (children, their children, ...), root excluded,
// in no particular order. A snapshot is read one file at a time, so it may be inconsistent
// (a parent that exited between two reads): such a process is left out of this one, and
// a later snapshot sees it under its new parent.
std::vector<ProcEntry> descendants(const std::vector<ProcEntry>& snapshot, pid_t root);

// Every process under `proc_dir` (normally /proc) whose stat could be read.
std::vector<ProcEntry> read_proc_snapshot(const std::string& proc_dir = "/proc");

}  // namespace uc::agent
