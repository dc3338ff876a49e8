// The supervisor's start, its part of the poll loop and its down. The daemon around it
// (daemon.cpp) owns the sockets; see supervisor_core.h for the parts.
#include <fmt/format.h>

#include <limits>
#include <map>
#include <thread>

#include "kernel/kernel_ref.h"
#include "kernel/kernel_store.h"
#include "ocfs2/volume.h"
#include "supervisor/supervisor_core.h"

namespace uc::cluster {

void logf(const std::string& msg) {
  fmt::print(stderr, "{} {}\n", SystemClock::instance().wall_ms(), msg);
}

Result<SupervisorSetup> load_setup(const std::string& name, bool start_nodes) {
  ClusterPaths paths(name);
  auto text = read_file(paths.spec());
  if (!text) return text.error();
  auto j = json::parse(*text, nullptr, false);
  if (j.is_discarded()) return err(paths.spec() + ": not valid JSON");
  SupervisorSetup s;
  s.name = name;
  s.start_nodes = start_nodes;
  if (!j.is_object() || !j.contains("spec")) return err(paths.spec() + ": no spec");
  auto spec = cluster_spec_from_json(j["spec"]);
  if (!spec) return err(paths.spec() + ": " + spec.error().message);
  s.spec = std::move(*spec);
  if (!j.contains("image") || !j["image"].is_string()) return err(paths.spec() + ": no image");
  s.image = j["image"].get<std::string>();
  if (j.contains("lab") && j["lab"].is_string()) s.lab = j["lab"].get<std::string>();
  return s;
}

Supervisor::Supervisor(SupervisorSetup setup, node::NodeHost& host, const Clock& clock,
                       SwitchPort& sw)
    : name_(std::move(setup.name)),
      paths_(name_),
      start_nodes_(setup.start_nodes),
      spec_(std::move(setup.spec)),
      image_(std::move(setup.image)),
      lab_(std::move(setup.lab)),
      host_(&host),
      clock_(clock),
      switch_(sw),
      hb_watch_(HeartbeatRules::from(spec_.o2cb, spec_.manager.heartbeat_fence)) {
  host.set_exit_handler([this](const std::string& n, int status) { on_node_exit(n, status); });
}

Status Supervisor::start() {
  events_ = std::make_unique<EventLog>(paths_.events(), event_log_rotate_bytes(spec_.nodes.size()));
  // Shared disks: created once, never truncated.
  UC_TRY(make_dirs(paths_.dir + "/disks", 0700));
  for (const auto& d : spec_.disks)
    UC_TRY(ocfs2::ensure_disk_file(paths_.disk(d.name), d.size, kNodeUid, kNodeGid));
  bringup_ = std::make_unique<ocfs2::ClusterBringup>(spec_, *this, *this, clock_);
  // Each kernel's record read once, however many nodes boot it.
  std::map<std::string, std::vector<std::string>> patches_of;  // kernel field -> patch files
  std::vector<std::vector<std::string>> patches;
  for (const auto& n : spec_.nodes) {
    auto [it, fresh] = patches_of.try_emplace(n.kernel);
    if (fresh)
      if (auto name = kernel::built_name(n.kernel))
        if (auto rec = kernel::find_kernel(*name)) it->second = rec->patches;
    patches.push_back(it->second);
  }
  if (ocfs2::kernels_hint_masters(patches)) {
    bringup_->mount_one_at_a_time(true);
    logf("every node's kernel asks a journal's owner first: mounts go one at a time, whole");
  }
  size_t parallel = spec_.manager.boot_parallel > 0
                        ? static_cast<size_t>(spec_.manager.boot_parallel)
                        : auto_boot_parallel(std::max(1u, std::thread::hardware_concurrency()));
  boot_gate_ = BootGate(parallel);
  for (const auto& ns : spec_.nodes)
    nodes_.push_back(std::make_unique<ManagedNode>(*this, ns, ManagerPolicy::from(spec_, ns)));
  record("", "supervisor_started", {{"pid", ::getpid()}, {"nodes", spec_.nodes.size()}},
         fmt::format("supervisor of cluster {} started (pid {})", name_, ::getpid()));
  if (start_nodes_) {
    int64_t now = mono_ms();
    // A large cluster boots highest numbers first: its heartbeats start in waves from the
    // top (ocfs2/mount_order.h), the first while the others still boot.
    std::vector<ManagedNode*> boot;
    for (auto& n : nodes_) boot.push_back(n.get());
    if (bringup_->ordered())
      std::sort(boot.begin(), boot.end(),
                [](auto* a, auto* b) { return a->spec.number > b->spec.number; });
    for (auto* n : boot) {
      n->machine.start(now);
      drive(*n, now);
    }
  }
  return {};
}

bool Supervisor::all_stopped() const {
  for (auto& n : nodes_)
    if (host_->running(n->spec.name)) return false;
  return true;
}

void Supervisor::begin_down() {
  if (stopping_) return;
  stopping_ = true;
  // A frozen node cannot shut down: every fault ends first.
  for (const auto& f : faults_.clear()) end_fault(f, "down");
  // The lab's shutdown scripts run in every running node first, the volumes still mounted.
  auto pending = std::make_shared<int>(1);
  auto one_done = [this, pending] {
    if (--*pending == 0) stop_nodes();
  };
  for (auto& n : nodes_) {
    if (lab_.empty() || n->machine.state() != NodeState::kRunning) continue;
    auto steps = lab_shutdown(lab_, n->spec.name);
    if (!steps || steps->empty()) continue;
    ++*pending;
    run_lab(n->spec.name, std::make_shared<std::vector<LabStep>>(std::move(*steps)), 0,
            n->machine.launched_at(), false, one_done);
  }
  one_done();
}

void Supervisor::stop_nodes() {
  int64_t now = mono_ms();
  for (auto& n : nodes_) {
    boot_gate_.cancel(n->spec.name);
    n->machine.down(now);
    drive(*n, now);
  }
}

ManagedNode* Supervisor::find(const std::string& name) {
  for (auto& n : nodes_)
    if (n->spec.name == name) return n.get();
  return nullptr;
}

void Supervisor::switch_exited(int status) {
  record("", "switch_exited", {{"status", status}}, "the switch exited; stopping the cluster");
  begin_down();
}

void Supervisor::flush() {
  for (auto& n : nodes_) n->link.flush();
  flush_conns();
}

void Supervisor::add_to(PollSet& set) {
  for (auto& [fd, c] : conns_)
    set.add(fd, static_cast<short>(POLLIN | (c.out.empty() ? 0 : POLLOUT)), [this, fd = fd](short) {
      if (conns_.count(fd)) on_conn_readable(fd);
    });
  add_node_fds(set);
}

// The earliest deadline: a machine's (pings, restarts, fencing), a fault's end, the
// bring-up's next wave, the host's (mconsole replies, delayed disk I/O), the next trim and
// the next look at the consoles.
int64_t Supervisor::next_wake() const {
  int64_t wake = std::min(next_console_read_, next_heartbeat_read_);
  for (auto& n : nodes_) {
    if (auto d = n->machine.next_deadline()) wake = std::min(wake, *d);
    if (n->next_trim_ms > 0) wake = std::min(wake, n->next_trim_ms);
  }
  if (auto d = faults_.next_deadline()) wake = std::min(wake, *d);
  if (auto d = bringup_->next_deadline()) wake = std::min(wake, *d);
  if (auto d = host_->next_deadline()) wake = std::min(wake, *d);
  return wake;
}

void Supervisor::after_wait() {
  int64_t now = mono_ms();
  end_due_faults(now);
  for (auto& n : nodes_) {
    n->machine.tick(now);
    drive(*n, now);
  }
  admit_waiting(now);
  bringup_->tick();
  trim_due_nodes(now);
  watch_heartbeats(now);
  record_folded(now);
  if (now >= next_console_read_) {
    watch_consoles();
    // While a node joins a domain in an ordered bring-up, its console line releases the next.
    next_console_read_ = now + (bringup_->mount_waits_for_console() ? 50 : 250);
  }
}

void Supervisor::finish() {
  record_folded(std::numeric_limits<int64_t>::max());
  record("", "supervisor_stopped", json::object(), "cluster " + name_ + " is down");
  for (auto& [fd, c] : conns_) {
    if (c.waits_for_down) send_to(c, FrameType::kReply, 0, control::encode(control::Reply{}));
    set_nonblocking(fd, false);
    (void)write_all(fd, c.out.data(), c.out.size());
  }
}

}  // namespace uc::cluster
