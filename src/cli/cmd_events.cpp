// `umlcluster events`: the cluster's typed event log (events.jsonl and its rotations) as
// lines or NDJSON, optionally followed. It reads files only, so it works whether or not
// the cluster is running.
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>

#include "cli/commands.h"
#include "client/cluster_target.h"
#include "events/event_log.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_events {

struct EventsOptions {
  bool follow = false;
  std::string since;               // "10m", "2026-11-25T22:10:00Z" (UTC), epoch ms; "" for all
  std::string node;                // "" for every node and the cluster's own events
  std::vector<std::string> types;  // "died", "o2net_*", ...; none for all
} o;

constexpr int kFollowPollMs = 200;

void print(const cluster::Event& e, bool json) {
  fmt::print("{}\n", json ? cluster::event_line(e) : cluster::render_event(e));
}

// The cluster's state must exist; root's 0700 state reads as "use sudo", not as "absent".
Status check_cluster(const std::string& name, const ClusterPaths& p) {
  struct stat st {};
  if (::stat(p.dir.c_str(), &st) == 0) {
    std::string events = p.events();
    if (::access(events.c_str(), F_OK) == 0 && ::access(events.c_str(), R_OK) != 0)
      return errno_error("cannot read the event log " + events + " (run it with sudo?)");
    return {};
  }
  if (errno == EACCES)
    return err(
        fmt::format("cannot read cluster {}'s state in {}: permission denied (run it "
                    "with sudo)",
                    name, p.dir));
  return err(
      fmt::format("there is no cluster {} on this host (no {}); `umlcluster list` shows "
                  "the clusters",
                  name, p.dir));
}

// Prints the rotated files' events, then follows the current file until SIGINT or SIGTERM.
int follow(const std::string& path, const cluster::EventFilter& filter, bool json) {
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGINT);
  sigaddset(&mask, SIGTERM);
  ::sigprocmask(SIG_BLOCK, &mask, nullptr);
  Fd signals(::signalfd(-1, &mask, SFD_CLOEXEC));
  if (!signals) ::sigprocmask(SIG_UNBLOCK, &mask, nullptr);  // then Ctrl-C simply kills us
  // The tail takes hold of the current file first: a rotation from here on moves it to
  // path.1, which the history below then leaves to the tail instead of printing it twice.
  cluster::EventTail tail(path);
  std::vector<std::string> older;
  for (const auto& f : cluster::event_log_files(path))
    if (f != path && !tail.holds(f)) older.push_back(f);
  auto history = cluster::read_events(older, filter);
  if (!history) return fail(history.error());
  for (const auto& e : *history) print(e, json);
  for (;;) {
    for (const auto& line : tail.poll()) {
      auto e = cluster::parse_event_line(line);
      if (e && cluster::matches(filter, *e)) print(*e, json);
    }
    std::fflush(stdout);
    pollfd pfd{signals.get(), POLLIN, 0};
    int n = ::poll(&pfd, 1, kFollowPollMs);
    if (n > 0) return 0;
    if (n < 0 && errno != EINTR) return kExitFailed;
  }
}

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  json_option(cmd, g);
  cmd.add_flag("-F,--follow", o.follow, "keep printing new events until Ctrl-C");
  cmd.add_option("--since", o.since,
                 "only events since TIME: 30s, 10m, 2h, 1d (ago), 2026-11-25T22:10:00Z or "
                 "\"2026-11-25 22:10:00\" (UTC), or epoch milliseconds");
  cmd.add_option("--node", o.node, "only this node's events");
  cmd.add_option("--type", o.types,
                 "only these types: died, hung, evicted, recovery_begin, o2net_* ...")
      ->delimiter(',');
}

// --since as epoch milliseconds, or none.
Result<std::optional<int64_t>> since_ms() {
  if (o.since.empty()) return std::optional<int64_t>();
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
                 .count();
  auto since = cluster::parse_since(o.since, now);
  if (!since) return bad_input("--since: " + since.error().message);
  return std::optional<int64_t>(*since);
}

int run(const Globals& g) {
  auto name = client::target_cluster(g.name, g.file, /*needs_root=*/false);
  if (!name) return fail(name.error());
  auto since = since_ms();
  if (!since) return fail(since.error());
  cluster::EventFilter filter{*since, o.node, o.types};
  ClusterPaths p(*name);
  if (auto s = check_cluster(*name, p); !s) return fail(s.error());
  if (o.follow) return follow(p.events(), filter, g.json);
  auto files = cluster::event_log_files(p.events());
  auto events = cluster::read_events(files, filter);
  if (!events) return fail(events.error());
  for (const auto& e : *events) print(e, g.json);
  if (files.empty() && !g.json)
    fmt::print(stderr, "umlcluster: cluster {} has recorded no events yet ({})\n", *name,
               p.events());
  return 0;
}

}  // namespace cmd_events

const Command kEvents{
    "events",
    "the cluster's event log: starts, deaths, restarts, fencing, and what OCFS2 says "
    "on each console (connections, evictions, recovery); kept across runs",
    cmd_events::define, cmd_events::run};

}  // namespace uc::cli
