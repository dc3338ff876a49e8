#include "client/lifecycle.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "sys/files.h"
#include "sys/process.h"

namespace uc::client {

namespace {
using Clock = std::chrono::steady_clock;
constexpr int kDownDeadlineMs = 90000;  // graceful 20 s, halt 5 s, then power off
}  // namespace

bool supervisor_running(const ClusterPaths& p) { return lock_is_held(p.lock()); }

pid_t supervisor_pid(const ClusterPaths& p) {
  auto t = read_file(p.lock());
  return t ? static_cast<pid_t>(std::atoi(t->c_str())) : 0;
}

std::optional<ControlClient> connect_supervisor(const ClusterPaths& p) {
  if (!supervisor_running(p)) return std::nullopt;
  auto c = ControlClient::connect(p.control_socket());
  if (!c) return std::nullopt;
  return std::move(*c);
}

Status start_supervisor(const ClusterPaths& p, const std::string& name, bool start_nodes) {
  auto ready = make_pipe();
  if (!ready) return ready.error();
  auto log = open_file(p.supervisor_log(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (!log) return log.error();
  SpawnOptions o;
  o.argv = {helper_path("umlclusterd"), name};
  if (!start_nodes) o.argv.push_back("--no-start");
  o.fds = {{log->get(), 1}, {log->get(), 2}, {ready->second.get(), 3}};
  o.new_session = true;  // outlives this command, deaf to its terminal
  o.cwd = "/";
  auto child = spawn(o);
  if (!child) return child.error();
  ready->second.reset();
  std::string line = read_to_eof(ready->first.get());
  if (line.rfind("ready", 0) == 0) {
    child->release();  // the daemon lives on; init reaps it
    return {};
  }
  child->wait();
  if (line.rfind("error: ", 0) == 0) line = line.substr(7);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return err("the cluster supervisor did not start: " +
             (line.empty() ? "it exited (see " + p.supervisor_log() + ")" : line));
}

Status wait_until_ready(ControlClient& c, const control::Reply& reply, const WaitOptions& o) {
  if (!reply.status) return err("the cluster supervisor's reply has no status to wait from");
  std::map<std::string, std::string> state;
  for (const auto& n : reply.status->nodes)
    if (o.only.empty() || std::count(o.only.begin(), o.only.end(), n.name)) state[n.name] = n.state;
  for (const auto& n : o.only)
    if (!state.count(n)) state[n] = "starting";
  auto done = [&] {
    for (auto& [n, s] : state)
      if (s != "running") return false;
    return true;
  };
  std::set<std::string> heard;  // a node still "stopped" in the snapshot may be about to start
  std::map<std::string, std::string> last_message;
  auto last_event = Clock::now();
  auto note = [&](const control::Progress& e) {
    if (e.type == "failed" || e.type == "gave_up" || e.type == "died")
      last_message[e.node] = e.message;
  };
  while (!done()) {
    for (auto& [n, s] : state)
      if (s == "failed" || (s == "stopped" && heard.count(n))) {
        // Its last words (gave_up after died) follow at once: take them for the message.
        for (;;) {
          bool quiet = false;
          auto f = c.read_frame(200, &quiet);
          if (!f || !*f || quiet) break;
          if ((*f)->type != FrameType::kEvent) continue;
          if (auto e = control::decode_progress((*f)->payload)) {
            note(*e);
            if (o.on_progress && state.count(e->node)) o.on_progress(*e);
          }
        }
        return err(fmt::format("{} did not come up{}; its console: umlcluster logs {}", n,
                               last_message[n].empty() ? "" : " (" + last_message[n] + ")", n));
      }
    if (o.interrupted && o.interrupted()) return err("interrupted");
    bool timed_out = false;
    auto f = c.read_frame(o.idle_in_ms ? std::max(1, o.idle_in_ms()) : 1000, &timed_out);
    if (!f) return f.error();
    if (timed_out) {
      if (Clock::now() - last_event > std::chrono::milliseconds(o.silence_ms))
        return err(
            fmt::format("no news from the nodes for {} s: giving up the wait (the cluster "
                        "goes on; `umlcluster events` says what happened)",
                        o.silence_ms / 1000));
      if (o.on_idle) o.on_idle();
      continue;
    }
    if (!*f) return err("the cluster supervisor went away (see its log)");
    if ((*f)->type != FrameType::kEvent) continue;
    auto e = control::decode_progress((*f)->payload);
    if (!e || !state.count(e->node)) continue;
    last_event = Clock::now();
    state[e->node] = e->state;
    heard.insert(e->node);
    note(*e);
    if (o.on_progress) o.on_progress(*e);
  }
  return {};
}

Status stop_cluster(const ClusterPaths& p,
                    const std::function<void(const control::Progress&)>& on_progress) {
  pid_t pid = supervisor_pid(p);
  Fd pidfd(pid > 0 ? static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)) : -1);
  auto c = connect_supervisor(p);
  if (!c) return {};
  auto reply = c->request({control::Op::kDown}, on_progress, kDownDeadlineMs);
  if (!reply) return reply.error();
  // The supervisor replies as its last act; wait until it is really gone.
  if (pidfd) {
    pollfd pf{pidfd.get(), POLLIN, 0};
    ::poll(&pf, 1, 10000);
  }
  if (supervisor_running(p)) return err("the cluster supervisor did not exit");
  return {};
}

}  // namespace uc::client
