#include "node/node_host.h"

#include <poll.h>
#include <signal.h>

#include <algorithm>

#include "node/node_launcher.h"

namespace uc::node {

Result<NodeLink> LocalNodeHost::launch(const ClusterSpec& cluster, const NodeSpec& n) {
  if (running(n.name)) return err(n.name + " is already running");
  auto launched = launch_node(cluster, n, paths_, image_);
  if (!launched) return launched.error();
  procs_[n.name] = std::move(launched->process);
  gate_.attach(n.name, std::move(launched->io_trap), std::move(launched->disks));
  return NodeLink{std::move(launched->from_guest), std::move(launched->to_guest)};
}

bool LocalNodeHost::running(const std::string& node) const {
  auto it = procs_.find(node);
  return it != procs_.end() && it->second.running();
}

pid_t LocalNodeHost::pid(const std::string& node) const {
  return running(node) ? procs_.at(node).pid() : 0;
}

void LocalNodeHost::power_off(const std::string& node) {
  // The kernel is pid 1 of the node's pid namespace: its helpers die with it, at once.
  if (running(node)) procs_.at(node).signal(SIGKILL);
}

void LocalNodeHost::mconsole(const std::string& node, const std::string& command, int timeout_ms,
                             Reply done) {
  auto call = MconsoleCall::start(paths_.mconsole(node), command);
  if (!call) {
    done(call.error());
    return;
  }
  calls_.emplace(next_call_++,
                 Call{std::move(*call), clock_.mono_ms() + timeout_ms, std::move(done)});
}

void LocalNodeHost::finish(uint64_t id, Result<std::string> r) {
  auto it = calls_.find(id);
  if (it == calls_.end()) return;
  Reply done = std::move(it->second.done);
  calls_.erase(it);
  done(std::move(r));
}

void LocalNodeHost::reap(const std::string& node) {
  auto it = procs_.find(node);
  if (it == procs_.end()) return;
  int status = 0;
  if (!it->second.try_wait(&status)) return;
  procs_.erase(it);
  gate_.detach(node);
  exited(node, status);
}

void LocalNodeHost::add_to(PollSet& set) {
  for (const auto& [name, fd] : gate_.listeners())
    set.add(fd, POLLIN, [this, n = name](short revents) { gate_.on_readable(n, revents); });
  for (auto& [name, proc] : procs_)
    if (proc.running()) set.add(proc.pidfd(), POLLIN, [this, n = name](short) { reap(n); });
  for (auto& [id, c] : calls_)
    set.add(c.call.fd(), POLLIN, [this, id = id](short) {
      auto it = calls_.find(id);
      if (it == calls_.end() || !it->second.call.on_readable()) return;
      auto& call = it->second.call;
      if (call.failed()) return finish(id, err(call.error()));
      if (call.reply().err)
        return finish(id, err("mconsole " + call.command() + ": " + call.reply().data));
      finish(id, call.reply().data);
    });
}

std::optional<int64_t> LocalNodeHost::next_deadline() const {
  std::optional<int64_t> d = gate_.next_due();
  for (auto& [id, c] : calls_)
    if (!d || c.deadline < *d) d = c.deadline;
  return d;
}

void LocalNodeHost::tick() {
  gate_.tick();
  int64_t now = clock_.mono_ms();
  std::vector<uint64_t> late;
  for (auto& [id, c] : calls_)
    if (now >= c.deadline) late.push_back(id);
  for (auto id : late) {
    auto cmd = calls_.at(id).call.command();
    finish(id, err("no reply to mconsole \"" + cmd + "\" in time"));
  }
}

}  // namespace uc::node
