// The CLI's side of the supervisor: connections on the control socket (owner only),
// typed requests (control_protocol.h), and exec/console sessions routed to the agents.
#include <fmt/format.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>

#include "ocfs2/o2cb_scripts.h"
#include "ocfs2/volume.h"
#include "supervisor/supervisor_core.h"
#include "wire/session_messages.h"

namespace uc::cluster {
namespace {
constexpr size_t kMaxClientBacklog = 16 * 1024 * 1024;
}

void Supervisor::send_to(Conn& c, FrameType t, uint32_t sid, std::string_view payload) {
  c.out += encode_frame(t, sid, payload);
}

void Supervisor::record(const std::string& node, const std::string& type, json fields,
                        const std::string& message) {
  Event e;
  e.ts_ms = wall_ms();
  e.cluster = name_;
  e.node = node;
  e.type = type;
  e.fields = std::move(fields);
  if (!fold_.admit(e, mono_ms())) return;
  write_event(e, message);
}

void Supervisor::record_folded(int64_t now) {
  for (const auto& f : fold_.due(now))
    write_event(f, fmt::format("{} more {} events in {} s (folded)", f.fields.value("count", 0),
                               f.fields.value("of", ""), f.fields.value("seconds", 0.0)));
}

void Supervisor::write_event(const Event& e, const std::string& message) {
  const std::string& node = e.node;
  const std::string& type = e.type;
  if (events_)
    if (auto s = events_->append(e); !s) logf("event log: " + s.error().message);
  ManagedNode* n = node.empty() ? nullptr : find(node);
  std::string state = n ? state_name(n->machine.state()) : "";
  logf(fmt::format("{} {} {}: {}", node.empty() ? "-" : node, state, type, message));
  if (!n) return;
  std::string payload = control::encode(control::Progress{node, state, type, message});
  for (auto& [fd, c] : conns_)
    if (c.subscribed) send_to(c, FrameType::kEvent, 0, payload);
}

control::ClusterStatus Supervisor::cluster_status() {
  control::ClusterStatus s;
  s.cluster = name_;
  s.state = stopping_ ? "stopping" : "running";
  s.supervisor_pid = ::getpid();
  s.switch_pid = switch_.pid();
  s.subnet = spec_.subnet.str();
  int64_t now = mono_ms();
  for (auto& n : nodes_) {
    const auto& m = n->machine;
    bool up = host_->running(n->spec.name);
    control::NodeStatus ns;
    ns.name = n->spec.name;
    ns.state = state_name(m.state());
    ns.address = n->spec.address.str();
    ns.pid = up ? host_->pid(n->spec.name) : 0;
    ns.uptime_s = up ? (now - m.launched_at()) / 1000.0 : 0.0;
    ns.memory_limit_bytes = n->spec.memory;
    ns.error = m.error();
    auto& run = ns.run.emplace();
    run.number = n->spec.number;
    run.started_at_ms = n->started_wall;
    run.ready_ms = n->ready_ms;
    run.booted_ms = n->booted_ms;
    run.guest_boot_ms = n->guest_boot_ms;
    run.boot_id = m.boot_id();
    run.restart = restart_policy_name(n->spec.restart);
    run.restarts = m.restarts();
    run.last_cause = cause_name(m.last_cause());
    run.last_cause_at_ms = n->last_cause_wall;
    run.fences = n->fences;
    run.disk_fenced = m.disk_fenced();
    run.disk_heartbeat = disk_heartbeat(n->spec.name, now);
    s.nodes.push_back(std::move(ns));
  }
  return s;
}

void Supervisor::accept(Fd conn) {
  int fd = conn.get();
  conns_[fd].fd = std::move(conn);
}

void Supervisor::flush_conns() {
  std::vector<int> gone;
  for (auto& [fd, c] : conns_) {
    if (!c.out.empty()) {
      ssize_t w = ::send(fd, c.out.data(), c.out.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (w > 0) c.out.erase(0, static_cast<size_t>(w));
    }
    if (c.out.size() > kMaxClientBacklog) gone.push_back(fd);  // a client that stopped reading
  }
  for (int fd : gone) close_conn(fd);
}

void Supervisor::close_conn(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  for (auto& [csid, target] : it->second.sessions)
    if (ManagedNode* n = find(target.first)) n->link.close_route(target.second);
  conns_.erase(it);
}

void Supervisor::on_conn_readable(int fd) {
  auto& c = conns_[fd];
  char buf[65536];
  ssize_t n = ::read(fd, buf, sizeof buf);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) return close_conn(fd);
  if (n < 0) return;
  c.decoder.feed(std::string_view(buf, static_cast<size_t>(n)));
  while (conns_.count(fd)) {
    auto f = conns_[fd].decoder.next();
    if (!f) break;
    on_client_frame(conns_[fd], *f);
  }
}

void Supervisor::on_client_frame(Conn& c, const Frame& f) {
  if (f.type == FrameType::kRequest) {
    auto r = control::decode_request(f.payload);
    if (!r) {
      control::Reply no;
      no.ok = false;
      no.error = r.error().message;
      return send_to(c, FrameType::kReply, f.session, control::encode(no));
    }
    return on_request(c, f.session, *r);
  }
  if (f.type == FrameType::kExec) return on_exec(c, f);
  auto s = c.sessions.find(f.session);
  if (s == c.sessions.end()) return;
  ManagedNode* n = find(s->second.first);
  if (!n) return;
  switch (f.type) {
    case FrameType::kStdin:
    case FrameType::kStdinEof:
    case FrameType::kResize:
    case FrameType::kSignal:
      n->link.forward(s->second.second, f.type, f.payload);
      break;
    default:
      break;
  }
}

void Supervisor::on_exec(Conn& c, const Frame& f) {
  auto fail = [&](const std::string& why) {
    send_to(c, FrameType::kExit, f.session, encode_exit({125, 0, why}));
  };
  auto req = session::decode_exec(f.payload);
  if (!req) return fail("a bad exec request: " + req.error().message);
  std::string name = req->node;
  ManagedNode* n = find(name);
  if (!n) return fail("no node named \"" + name + "\" in cluster " + name_);
  if (n->machine.state() != NodeState::kRunning)
    return fail(name + " is " + state_name(n->machine.state()));
  if (c.sessions.count(f.session)) return fail("session already open");
  req->node.clear();  // the agent's request: the node is where it goes
  uint32_t asid = n->link.open_route({c.fd.get(), f.session}, *req);
  c.sessions[f.session] = {name, asid};
}

}  // namespace uc::cluster
