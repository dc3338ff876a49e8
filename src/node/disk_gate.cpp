#include "node/disk_gate.h"

#include <poll.h>
#include <sys/stat.h>
#include <time.h>

#include <cerrno>

#include "sys/io_trap.h"

namespace uc::node {
namespace {

bool on_disk(pid_t tid, int fd, const std::vector<FileId>& disks) {
  std::string path = "/proc/" + std::to_string(tid) + "/fd/" + std::to_string(fd);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  for (const auto& d : disks)
    if (d.dev == st.st_dev && d.ino == st.st_ino) return true;
  return false;
}

}  // namespace

DiskGate::~DiskGate() {
  for (auto& [name, g] : gates_) {
    if (g.fenced) fail_held(g);
    g.fault = {};
    g.fenced = false;
    release(g, now_ms());
  }
}

void DiskGate::attach(const std::string& node, Fd listener, std::vector<FileId> disks) {
  Gate g;
  g.listener = std::move(listener);
  g.disks = std::move(disks);
  gates_.insert_or_assign(node, std::move(g));
}

void DiskGate::detach(const std::string& node) { gates_.erase(node); }

void DiskGate::set_fault(const std::string& node, DiskFault f) {
  auto it = gates_.find(node);
  if (it == gates_.end()) return;
  it->second.fault = f;
  it->second.is_disk.clear();
  release(it->second, now_ms());
}

void DiskGate::set_fenced(const std::string& node, bool fenced) {
  auto it = gates_.find(node);
  if (it == gates_.end() || it->second.fenced == fenced) return;
  if (!fenced) fail_held(it->second);  // the fenced life's calls never reach the disk
  it->second.fenced = fenced;
  it->second.is_disk.clear();
  release(it->second, now_ms());
}

bool DiskGate::fenced(const std::string& node) const {
  auto it = gates_.find(node);
  return it != gates_.end() && it->second.fenced;
}

void DiskGate::fail_held(Gate& g) {
  int fd = g.listener.get();
  for (uint64_t id : g.held)
    if (fail_call(fd, id, EIO)) g.counts.failed++;
  for (auto& [due, id] : g.delayed)
    if (fail_call(fd, id, EIO)) g.counts.failed++;
  g.held.clear();
  g.delayed.clear();
  g.counts.held = 0;
}

DiskGateCounts DiskGate::counts(const std::string& node) const {
  auto it = gates_.find(node);
  return it == gates_.end() ? DiskGateCounts{} : it->second.counts;
}

std::vector<std::pair<std::string, int>> DiskGate::listeners() const {
  std::vector<std::pair<std::string, int>> out;
  for (const auto& [name, g] : gates_) out.emplace_back(name, g.listener.get());
  return out;
}

void DiskGate::on_readable(const std::string& node, short revents) {
  auto it = gates_.find(node);
  if (it == gates_.end()) return;
  if (revents & POLLIN) {
    // Several may wait: answer a bounded batch (a readable listener has at least one).
    for (int i = 0; i < 64; ++i) {
      on_trapped(it->second);
      pollfd p{it->second.listener.get(), POLLIN, 0};
      if (::poll(&p, 1, 0) != 1 || !(p.revents & POLLIN)) break;
    }
  } else if (revents & (POLLHUP | POLLERR)) {
    gates_.erase(it);  // every task of that kernel is gone
  }
}

std::optional<int64_t> DiskGate::next_due() const {
  std::optional<int64_t> d;
  for (const auto& [name, g] : gates_)
    if (!g.delayed.empty() && (!d || g.delayed.begin()->first < *d)) d = g.delayed.begin()->first;
  return d;
}

void DiskGate::tick() {
  int64_t now = now_ms();
  for (auto& [name, g] : gates_) release(g, now);
}
// Re-judges what waits after the fault changed, and lets delayed calls that are due go.
void DiskGate::release(Gate& g, int64_t now) {
  int fd = g.listener.get();
  DiskFault fault = g.effective();
  auto verdict = judge(fault, true);
  if (verdict != IoVerdict::kHold) {
    for (uint64_t id : g.held) {
      if (verdict == IoVerdict::kFail) {
        if (fail_call(fd, id, EIO)) g.counts.failed++;
      } else if (verdict == IoVerdict::kDelay) {
        g.delayed.emplace(now + fault.delay_ms, id);
      } else {
        (void)let_through(fd, id);
      }
    }
    g.held.clear();
  }
  if (fault.kind != DiskFault::Kind::kSlow) {
    // Delays no longer apply (the fault ended or changed): what waited goes on.
    for (auto& [due, id] : g.delayed) {
      if (verdict == IoVerdict::kHold)
        g.held.push_back(id);
      else if (verdict == IoVerdict::kFail)
        (void)fail_call(fd, id, EIO);
      else
        (void)let_through(fd, id);
    }
    g.delayed.clear();
  }
  while (!g.delayed.empty() && g.delayed.begin()->first <= now) {
    (void)let_through(fd, g.delayed.begin()->second);
    g.delayed.erase(g.delayed.begin());
  }
  g.counts.held = g.held.size();
}

void DiskGate::on_trapped(Gate& g) {
  bool gone = false;
  auto call = receive_trapped(g.listener.get(), &gone);
  if (!call) return;
  g.counts.trapped++;
  DiskFault fault = g.effective();
  if (fault.kind == DiskFault::Kind::kNone) {
    (void)let_through(g.listener.get(), call->id);
    return;
  }
  auto key = std::make_pair(call->tid, call->fd);
  auto cached = g.is_disk.find(key);
  bool disk = cached != g.is_disk.end() ? cached->second
                                        : (g.is_disk[key] = on_disk(call->tid, call->fd, g.disks));
  // The task may have died between the two looks; its fd number may then name another file.
  if (!still_waiting(g.listener.get(), call->id)) return;
  switch (judge(fault, disk)) {
    case IoVerdict::kGo:
      (void)let_through(g.listener.get(), call->id);
      break;
    case IoVerdict::kHold:
      g.held.push_back(call->id);
      break;
    case IoVerdict::kDelay:
      g.delayed.emplace(now_ms() + fault.delay_ms, call->id);
      g.counts.delayed++;
      break;
    case IoVerdict::kFail:
      if (fail_call(g.listener.get(), call->id, EIO)) g.counts.failed++;
      break;
  }
  g.counts.held = g.held.size();
}

}  // namespace uc::node
