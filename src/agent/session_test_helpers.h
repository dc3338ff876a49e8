// For the agent's unit tests that start real sessions on the host (the reaper, the tree
// kill and the cgroup fallback run on any Linux): read a session's output, wait for its
// reaper, and ask whether a process seen earlier still runs.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "agent/proc_tree.h"
#include "sys/files.h"

namespace uc::agent::test {

// Everything `fd` gives until end of file (or EIO, a pty whose other side closed), or
// until `timeout_ms` passes.
inline std::string read_until_eof(int fd, int timeout_ms = 10000) {
  std::string out;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    break;
  }
  return out;
}

// Reads `fd` until `text` has appeared (or the timeout); what was read.
inline std::string read_until(int fd, const std::string& text, int timeout_ms = 10000) {
  std::string out;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (out.find(text) == std::string::npos && std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buf[4096];
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0)
      out.append(buf, static_cast<size_t>(n));
    else if (n == 0 || (errno != EAGAIN && errno != EINTR))
      break;
  }
  return out;
}

inline int wait_status(pid_t pid) {
  int status = -1;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

inline std::optional<ProcEntry> find_proc(pid_t pid) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/stat");
  return text ? parse_proc_stat(*text) : std::nullopt;
}

// Whether the process `e` (pid and start time) still runs, within `timeout_ms`: false as
// soon as it has ended (or the pid names another process).
inline bool still_runs(const ProcEntry& e, int timeout_ms = 3000) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto now = find_proc(e.pid);
    if (!now || now->start != e.start || !is_live(*now)) return false;
    if (std::chrono::steady_clock::now() >= until) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

// The processes below `root` once at least `count` of them run (or after the timeout).
inline std::vector<ProcEntry> wait_for_descendants(pid_t root, size_t count,
                                                   int timeout_ms = 5000) {
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::vector<ProcEntry> live;
  do {
    live.clear();
    for (const auto& e : descendants(read_proc_snapshot(), root))
      if (is_live(e)) live.push_back(e);
    if (live.size() >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < until);
  return live;
}

}  // namespace uc::agent::test
