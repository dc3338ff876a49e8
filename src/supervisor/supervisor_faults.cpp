// Faults a user injects through the supervisor:
// - freeze (mconsole stop) and crash (a power cut), through the NodeHost;
// - partition and slow links, as rules the switch applies (fault_rules.h);
// - disk-stall, disk-slow and disk-error, through the node's I/O trap (node/disk_gate.h).
// Each ends by its duration, by thaw/heal, by `fault clear` or `down` (and a node's death
// ends those that act on its kernel). Each start and end goes to the event log as
// fault_started / fault_ended.
#include <poll.h>
#include <sys/socket.h>

#include <fmt/format.h>

#include "supervisor/fault_rules.h"
#include "supervisor/supervisor_core.h"
#include "node/kernel_cmdline.h"

namespace uc::cluster {
namespace {

const std::vector<std::string> kDiskKinds{"disk-stall", "disk-slow", "disk-error"};

std::string describe_groups(const std::vector<std::vector<std::string>>& groups) {
  std::string out;
  for (const auto& g : groups) {
    if (!out.empty()) out += " | ";
    out += "[" + fmt::format("{}", fmt::join(g, ",")) + "]";
  }
  return out;
}

std::string for_text(int64_t for_ms, const char* until) {
  return for_ms > 0 ? fmt::format(" for {:.1f} s", for_ms / 1000.0) : fmt::format(" until `{}`", until);
}

}  // namespace

json Supervisor::faults_json() const {
  json out = json::array();
  for (const auto& f : faults_.active()) out.push_back(to_json(f));
  return out;
}

void Supervisor::push_net_rules() {
  if (!switch_ctl_) return;
  std::map<std::string, net::Mac> macs;
  for (const auto& n : spec_.nodes)
    if (auto m = net::parse_mac(node::node_mac(n))) macs[n.name] = *m;
  std::string msg = net::encode(net_rules(faults_, macs));
  if (::send(switch_ctl_.get(), msg.data(), msg.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(msg.size())) {
    logf("switch: cannot send the network rules: " + std::string(strerror(errno)));
    return;
  }
  // The switch answers at once; waiting here keeps "fault_started" true when it is logged.
  pollfd p{switch_ctl_.get(), POLLIN, 0};
  char reply[512] = {};
  if (::poll(&p, 1, 2000) != 1 || ::recv(switch_ctl_.get(), reply, sizeof reply - 1, 0) <= 0)
    logf("switch: no answer to the network rules");
  else if (std::string(reply).rfind("ok", 0) != 0)
    logf("switch: " + std::string(reply));
}

void Supervisor::end_fault(const ActiveFault& f, const std::string& how) {
  if (f.kind == "freeze" && host_->running(f.node))
    host_->thaw(f.node, [this, node = f.node](Result<std::string> r) {
      if (!r) logf(node + ": thaw: " + r.error().message);
    });
  if (f.kind == "partition" || f.kind == "net") push_net_rules();
  if (f.kind.rfind("disk-", 0) == 0) host_->set_disk_fault(f.node, {});
  std::string message = fmt::format("{} ended ({})", f.kind, how);
  record(f.node, "fault_ended", {{"kind", f.kind}, {"how", how}, {"id", f.id}, {"message", message}}, message);
}

void Supervisor::end_due_faults(int64_t now) {
  for (const auto& f : faults_.due(now)) end_fault(f, "its time was up");
}

void Supervisor::begin_fault(const std::string& kind, const std::string& node, int64_t for_ms, json params,
                             const std::string& message) {
  const auto& f = faults_.add(kind, node, mono_ms(), wall_ms(), for_ms, params);
  json fields{{"kind", kind}, {"id", f.id}, {"message", message}};
  if (for_ms > 0) fields["for_ms"] = for_ms;
  for (auto& [k, v] : params.items()) fields[k] = v;
  if (kind == "partition" || kind == "net") push_net_rules();
  record(node, "fault_started", fields, message);
}

void Supervisor::on_fault_request(Conn& c, uint32_t sid, const control::Request& r) {
  using control::Op;
  auto answer = [this, fd = c.fd.get(), sid](Status s, json faults = json()) {
    control::Reply reply;
    reply.ok = s.ok();
    if (!s) reply.error = s.error().message;
    reply.faults = std::move(faults);
    if (auto it = conns_.find(fd); it != conns_.end())
      send_to(it->second, FrameType::kReply, sid, control::encode(reply));
  };
  switch (r.op) {
    case Op::kFaults: return answer({}, faults_json());
    case Op::kClearFaults: {
      json ended = json::array();
      for (const auto& f : faults_.clear()) {
        ended.push_back(to_json(f));
        end_fault(f, "cleared");
      }
      return answer({}, ended);
    }
    case Op::kHeal: {
      auto ended = faults_.remove_kinds({"partition", "net"});
      if (ended.empty()) return answer(err("the network is whole: no partition or slow link to heal"));
      json out = json::array();
      for (const auto& f : ended) {
        out.push_back(to_json(f));
        end_fault(f, "healed");
      }
      return answer({}, out);
    }
    case Op::kPartition: {
      std::vector<std::string> names;
      for (const auto& n : spec_.nodes) names.push_back(n.name);
      if (auto s = check_partition(r.groups, names); !s) return answer(s);
      if (faults_.has("partition", "")) return answer(err("a partition is active already (`fault heal` ends it)"));
      std::string message = fmt::format("network partitioned {}{}{}", describe_groups(r.groups),
                                        r.one_way ? " (one way: only frames from the first group are dropped)" : "",
                                        for_text(r.for_ms, "fault heal"));
      begin_fault("partition", "", r.for_ms, {{"groups", r.groups}, {"one_way", r.one_way}}, message);
      return answer({});
    }
    default: break;
  }
  ManagedNode* n = find(r.node);
  if (!n) return answer(err("no node named " + r.node));
  if (r.op == Op::kNet) {
    if (faults_.has("net", r.node)) return answer(err(r.node + "'s link is impaired already (`fault heal` ends it)"));
    if (r.delay_ms == 0 && r.jitter_ms == 0 && r.loss_pct == 0)
      return answer(err("a slow link needs --delay, --jitter or --loss"));
    std::string message = fmt::format("link slowed: delay {} ms, jitter {} ms, loss {}%{}", r.delay_ms, r.jitter_ms,
                                      r.loss_pct, for_text(r.for_ms, "fault heal"));
    begin_fault("net", r.node, r.for_ms,
                {{"delay_ms", r.delay_ms}, {"jitter_ms", r.jitter_ms}, {"loss_pct", r.loss_pct}}, message);
    return answer({});
  }
  if (!host_->running(r.node)) return answer(err(r.node + " is not running"));
  int64_t now = mono_ms();
  switch (r.op) {
    case Op::kCrash: {
      std::string message = r.hold ? "crash (power cut), held down" : "crash (power cut)";
      record(r.node, "fault_started", {{"kind", "crash"}, {"hold", r.hold}, {"message", message}}, message);
      n->machine.power_cut(now, r.hold);
      drive(*n, now);
      return answer({});
    }
    case Op::kThaw: {
      auto f = faults_.remove("freeze", r.node);
      if (!f) return answer(err(r.node + " is not frozen"));
      end_fault(*f, "thawed");
      return answer({});
    }
    case Op::kDiskStall:
    case Op::kDiskSlow:
    case Op::kDiskError: {
      if (faults_.has_any(kDiskKinds, r.node))
        return answer(err(r.node + " has a disk fault already (`fault clear` ends it)"));
      node::DiskFault f;
      std::string kind, message;
      if (r.op == Op::kDiskStall) {
        f.kind = node::DiskFault::Kind::kStall;
        kind = "disk-stall";
        message = "shared-disk I/O stalled" + for_text(r.for_ms, "fault clear");
      } else if (r.op == Op::kDiskSlow) {
        if (r.delay_ms <= 0) return answer(err("disk-slow needs --delay MS (more than 0)"));
        f = {node::DiskFault::Kind::kSlow, static_cast<uint32_t>(r.delay_ms)};
        kind = "disk-slow";
        message = fmt::format("shared-disk I/O slowed by {} ms each{}", r.delay_ms, for_text(r.for_ms, "fault clear"));
      } else {
        f.kind = node::DiskFault::Kind::kError;
        kind = "disk-error";
        message = "shared-disk I/O fails with EIO" + for_text(r.for_ms, "fault clear");
      }
      host_->set_disk_fault(r.node, f);
      json params = json::object();
      if (r.delay_ms > 0) params["delay_ms"] = r.delay_ms;
      begin_fault(kind, r.node, r.for_ms, params, message);
      return answer({});
    }
    default: break;
  }
  if (faults_.has("freeze", r.node)) return answer(err(r.node + " is frozen already"));
  std::string node = r.node;
  int64_t for_ms = r.for_ms;
  host_->freeze(node, [this, node, for_ms, answer](Result<std::string> res) {
    if (!res) return answer(res.error());
    begin_fault("freeze", node, for_ms, json::object(),
                "frozen (mconsole stop)" + for_text(for_ms, "fault thaw"));
    answer({});
  });
}

}  // namespace uc::cluster
