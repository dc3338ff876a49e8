// Each node's manager: carries out what its state machine decides, hears its agent, reads
// its console for what OCFS2 says, and runs the O2CB bring-up's steps on it.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/wait.h>

#include <sstream>

#include "ocfs2/volume.h"
#include "supervisor/supervisor_core.h"

namespace uc::cluster {
namespace {

constexpr int kDropsLoggedPerWindow = 10;
constexpr int64_t kDropWindowMs = 10000;

double secs(const json& ms) { return ms.is_number() ? ms.get<double>() / 1000.0 : 0.0; }

std::string describe(const MachineEvent& e) {
  const json& f = e.fields;
  auto s = [&](const char* k) {
    return f.contains(k) && f[k].is_string() ? f[k].get<std::string>() : "";
  };
  if (e.type == "starting")
    return f.value("attempt", 0) > 0 ? fmt::format("starting (restart {})", f.value("attempt", 0))
                                     : "starting";
  if (e.type == "queued") return "waiting for its turn to boot";
  if (e.type == "booted") return fmt::format("booted in {:.1f} s", secs(f["ms"]));
  if (e.type == "ready") return fmt::format("ready in {:.1f} s", secs(f["ms"]));
  if (e.type == "rejoined")
    return fmt::format("rejoined {:.1f} s after it went down", secs(f["ms"]));
  if (e.type == "died") return fmt::format("died: {} ({})", s("cause"), s("how"));
  if (e.type == "restarting")
    return fmt::format("restarting in {:.1f} s (attempt {}, {})", secs(f["delay_ms"]),
                       f.value("attempt", 0), s("cause"));
  if (e.type == "hung")
    return fmt::format("hung: its agent silent for {:.1f} s", secs(f["silent_ms"]));
  if (e.type == "fenced") return "fenced by the host: " + s("reason");
  if (e.type == "rebooted")
    return fmt::format("rebooted ({}), boot id {}", s("cause"), s("boot_id"));
  if (e.type == "gave_up") return "gave up: " + s("reason");
  if (e.type == "stopping") return "stopping: " + s("how");
  if (e.type == "stopped") return "stopped (" + s("how") + ")";
  if (e.type == "failed") return "failed: " + s("reason");
  return e.type;
}

bool is_cause_event(const std::string& t) {
  return t == "died" || t == "rebooted" || t == "hung" || t == "fenced" || t == "gave_up" ||
         t == "failed" || t == "stopped";
}

}  // namespace

void Supervisor::drive(ManagedNode& n, int64_t now) {
  const std::string& name = n.spec.name;
  for (int round = 0; round < 8; ++round) {
    auto events = n.machine.take_events();
    auto actions = n.machine.take_actions();
    if (events.empty() && actions.empty()) return;
    for (auto& e : events) {
      if (is_cause_event(e.type)) n.last_cause_wall = wall_ms();
      if (e.type == "fenced") ++n.fences;
      record(name, e.type, e.fields, describe(e));
    }
    for (auto a : actions) {
      switch (a) {
        case Action::kLaunch:
          bringup_->node_starting(name);
          // A node waits its turn while others boot (the boot gate); admit_waiting() starts it.
          if (!boot_gate_.request(name))
            n.machine.queued(now);
          else
            launch_now(n, now);
          break;
        case Action::kPing:
          n.link.ping();
          break;
        case Action::kCaptureStack:
          host_->capture_stacks(name, [this, name](Result<std::string> r) {
            if (!r) logf(name + ": stack capture: " + r.error().message);
          });
          break;
        case Action::kPowerOff:
          host_->power_off(name);
          break;
        case Action::kCad:
          host_->shutdown(name, [this, name](Result<std::string> r) {
            if (!r) logf(name + ": ctrl-alt-del: " + r.error().message);
          });
          break;
        case Action::kHalt:
          host_->halt(name, [this, name](Result<std::string> r) {
            if (!r) logf(name + ": halt: " + r.error().message);
          });
          break;
        case Action::kBringUp:
          bringup_->node_booted(name);
          break;
        case Action::kForget:
          bringup_->node_gone(name);
          break;
        case Action::kFenceDisk:
          host_->fence_disk(name, true);
          break;
        case Action::kUnfenceDisk:
          host_->fence_disk(name, false);
          break;
      }
    }
  }
}

void Supervisor::launch_now(ManagedNode& n, int64_t now) {
  const std::string& name = n.spec.name;
  n.machine.launched(now);
  n.started_wall = wall_ms();
  n.booted_ms = n.ready_ms = n.guest_boot_ms = 0;
  auto link = host_->launch(spec_, n.spec);
  if (!link) {
    boot_gate_.done(name);
    n.machine.launch_failed(now, link.error().message);
    return;
  }
  n.link.attach(std::move(link->from_guest), std::move(link->to_guest));
  hb_watch_.begin_life(name);  // what its heartbeat slots hold now is its previous life's
  // After the launch: it made the log (and restarted it if it had grown large).
  n.console.open(paths_.node_log(name));
  record(name, "launched", {{"pid", host_->pid(name)}},
         fmt::format("booting (pid {})", host_->pid(name)));
}

void Supervisor::admit_waiting(int64_t now) {
  for (const auto& name : boot_gate_.admit()) {
    ManagedNode* n = find(name);
    if (!n || !n->machine.queued()) {
      boot_gate_.done(name);
      continue;
    }
    launch_now(*n, now);
    drive(*n, now);
  }
}

void Supervisor::on_node_exit(const std::string& node, int status) {
  ManagedNode* n = find(node);
  if (!n) return;
  // Its last words (a panic) come before its death.
  for (auto& line : n->console.read_new()) on_console_line(*n, line);
  n->console.close();
  // The bring-up forgets it first: its steps that fail now died with it (a format cut
  // short is handed on, not a failed disk).
  bringup_->node_gone(node);
  boot_gate_.done(node);
  n->link.reset(*n, node + " stopped", /*close_fds=*/true);
  for (const auto& f : faults_.remove_node(node)) end_fault(f, "its node went down");
  int64_t now = mono_ms();
  n->machine.exited(now, WIFEXITED(status) ? WEXITSTATUS(status) : 0,
                    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  drive(*n, now);
}

void ManagedNode::on_hello(const AgentHello& h) {
  if (machine.booted() && !h.boot_id.empty() && h.boot_id != machine.boot_id()) {
    // A new boot in the same process, says the agent. Guest root can write any hello to
    // its console, so the kernel is asked (mconsole reads the guest's /proc from inside
    // the kernel, out of userspace's reach) before the node is treated as rebooted.
    std::string name = spec.name;
    sup.host_->mconsole(name, "proc sys/kernel/random/boot_id", 3000,
                        [s = &sup, name, h](Result<std::string> r) {
                          ManagedNode* n = s->find(name);
                          if (!n || !n->machine.alive() || n->machine.boot_id() == h.boot_id)
                            return;
                          // The reply comes as "\n" then the file's text, in datagrams.
                          std::string kernel;
                          for (char c : r ? *r : "")
                            if (c != '\n' && c != ' ' && c != '\0') kernel.push_back(c);
                          if (r && kernel != h.boot_id)
                            return n->on_dropped("a hello with a boot id its kernel does not have");
                          n->accept_hello(h);
                        });
    return;
  }
  accept_hello(h);
}

void ManagedNode::accept_hello(const AgentHello& h) {
  int64_t now = sup.mono_ms();
  guest_boot_ms = h.uptime_ms;
  if (machine.booted() && !h.boot_id.empty() && h.boot_id != machine.boot_id()) {
    // Its last words (OCFS2's fence line) come before its new boot, as a panic before a death:
    // the console is read every 250 ms, a reset UML says hello again sooner.
    for (auto& line : console.read_new()) sup.on_console_line(*this, line);
    sup.bringup_->node_gone(spec.name);
    sup.hb_watch_.begin_life(spec.name);
    link.reset(*this, spec.name + " rebooted", /*close_fds=*/false);
  }
  bool first = !machine.booted();
  machine.hello(now, h.boot_id);
  if (first) booted_ms = now - machine.launched_at();
  sup.drive(*this, now);
}

void ManagedNode::on_heard() { machine.heard(sup.mono_ms()); }

void ManagedNode::on_route_frame(const AgentLink::Route& r, FrameType t, std::string_view payload,
                                 bool last) {
  auto it = sup.conns_.find(r.conn);
  if (it == sup.conns_.end()) return;
  sup.send_to(it->second, t, r.session, payload);
  if (last) it->second.sessions.erase(r.session);
}

void ManagedNode::on_dropped(const std::string& why) {
  // A guest that floods bad frames gets a few lines in the log, not thousands.
  int64_t now = sup.mono_ms();
  if (now - drop_window_start > kDropWindowMs) {
    if (drops_in_window > kDropsLoggedPerWindow)
      sup.record(
          spec.name, "frame_dropped",
          {{"reason", "more bad frames"}, {"count", drops_in_window - kDropsLoggedPerWindow}},
          fmt::format("{} more bad frames dropped", drops_in_window - kDropsLoggedPerWindow));
    drop_window_start = now;
    drops_in_window = 0;
  }
  if (++drops_in_window <= kDropsLoggedPerWindow)
    sup.record(spec.name, "frame_dropped", {{"reason", why}},
               "dropped a bad frame from the guest: " + why);
}

void Supervisor::add_node_fds(PollSet& set) {
  for (auto& n : nodes_) {
    std::string name = n->spec.name;
    set.add(n->link.read_fd(), POLLIN, [this, name](short) {
      if (ManagedNode* m = find(name)) m->link.on_readable(*m);
    });
    // Writable: the loop's top writes what the window allows.
    if (n->link.wants_write()) set.add(n->link.write_fd(), POLLOUT, [](short) {});
  }
}

void Supervisor::watch_consoles() {
  for (auto& n : nodes_)
    for (auto& line : n->console.read_new()) on_console_line(*n, line);
}

void Supervisor::on_console_line(ManagedNode& n, const std::string& line) {
  auto e = parse_console_line(line);
  if (!e) return;
  int64_t now = mono_ms();
  std::string peer = e->peer_name;
  if (peer.empty() && e->peer_number >= 0)
    for (auto& m : nodes_)
      if (m->spec.number == e->peer_number) peer = m->spec.name;
  json fields = json::object();
  if (!peer.empty()) fields["peer"] = peer;
  if (e->peer_number >= 0) fields["peer_number"] = e->peer_number;
  if (e->master_number >= 0) {
    fields["master_number"] = e->master_number;
    for (auto& m : nodes_)
      if (m->spec.number == e->master_number) fields["master"] = m->spec.name;
  }
  if (!e->domain.empty()) fields["domain"] = e->domain;
  if (!e->device.empty()) fields["device"] = e->device;
  if (e->slot >= 0) fields["slot"] = e->slot;
  if (!e->address.empty()) fields["address"] = e->address;
  if (e->seconds >= 0) fields["seconds"] = e->seconds;
  if (e->code >= 0) fields["code"] = e->code;
  if (e->kernel_time) fields["kernel_time"] = *e->kernel_time;
  fields["line"] = e->detail;
  std::string type = type_name(e->type);
  record(n.spec.name, type, fields, e->detail);
  switch (e->type) {
    case ConsoleEventType::kPanic:
      n.machine.console_panic(now);
      break;
    // Guest root could print this line: it would only let the next node start its mount early.
    case ConsoleEventType::kJoinedDomain:
      bringup_->joined_domain(n.spec.name);
      break;
    case ConsoleEventType::kFenceReset:
    case ConsoleEventType::kFencePanic:
      n.machine.console_self_fence(now);
      break;
    case ConsoleEventType::kEvicted:
      if (ManagedNode* victim = find(peer); victim && victim != &n) {
        victim->machine.evicted(now, n.spec.name);
        drive(*victim, now);
      }
      break;
    default:
      break;
  }
  drive(n, now);
}

// NodeRunner: the bring-up's steps.
void Supervisor::run(const std::string& node, const std::string& script, Done done) {
  ManagedNode* n = find(node);
  if (!n) return done(-1, "", node + " is not a node");
  n->link.run_job({"/bin/sh", "-c", script}, std::move(done));
}

void Supervisor::progress(const std::string& node, const std::string& step,
                          const std::string& message) {
  if (step == "o2cb_online") boot_gate_.done(node);  // the next node may boot
  record(node, step, {{"message", message}}, message);
}

void Supervisor::ready(const std::string& node) {
  ManagedNode* n = find(node);
  if (!n) return;
  // Mounted: the lab folder's files and startup scripts come before "ready".
  if (!lab_.empty()) {
    auto steps = lab_startup(lab_, node);
    if (!steps) return failed(node, node + ": lab: " + steps.error().message);
    if (!steps->empty())
      return run_lab(node, std::make_shared<std::vector<LabStep>>(std::move(*steps)), 0,
                     n->machine.launched_at(), true, [this, node] { become_ready(node); });
  }
  become_ready(node);
}

void Supervisor::become_ready(const std::string& node) {
  ManagedNode* n = find(node);
  if (!n) return;
  int64_t now = mono_ms();
  n->ready_ms = now - n->machine.launched_at();
  n->machine.ready(now);
  drive(*n, now);
  trim_memory(*n);
}

void Supervisor::failed(const std::string& node, const std::string& why) {
  ManagedNode* n = find(node);
  if (!n) return;
  int64_t now = mono_ms();
  boot_gate_.done(node);
  n->machine.bringup_failed(now, why);
  drive(*n, now);
}

void Supervisor::log(const std::string& node, const std::string& text) {
  // Beside the node's kernel console: `umlcluster logs NODE` shows the O2CB steps too.
  auto fd = open_file(paths_.node_log(node), O_WRONLY | O_APPEND);
  if (!fd) return;
  std::string block;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) block += "umlcluster: o2cb: " + line + "\n";
  (void)write_all(fd->get(), block.data(), block.size());
}

Result<ocfs2::DiskContent> Supervisor::content(const DiskSpec& d) {
  return ocfs2::probe_disk(paths_.disk(d.name));
}

bool Supervisor::marked_formatted(const DiskSpec& d) {
  return path_exists(paths_.disk_marker(d.name));
}

void Supervisor::mark_formatted(const DiskSpec& d, const std::string& by, const std::string& uuid) {
  forget_heartbeat_region(d.name);  // a new volume: its region is found again
  (void)write_file_atomic(
      paths_.disk_marker(d.name),
      json{{"formatted_by", by}, {"at_ms", wall_ms()}, {"slots", spec_.slots(d)}, {"uuid", uuid}}
              .dump() +
          "\n",
      0600);
}

std::string Supervisor::region(const DiskSpec& d) {
  auto text = read_file(paths_.disk_marker(d.name));
  if (!text) return "";
  auto j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("uuid") || !j["uuid"].is_string())
    return "";
  return j["uuid"].get<std::string>();
}

}  // namespace uc::cluster
