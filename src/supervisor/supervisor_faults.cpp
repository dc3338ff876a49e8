// Faults a user injects through the supervisor:
// - freeze (mconsole stop) and crash (a power cut), through the NodeHost;
// - partition and slow links, as rules the switch applies (fault_rules.h);
// - disk-stall, disk-slow and disk-error, through the node's I/O trap (node/disk_gate.h).
// Each ends by its duration, by thaw/heal, by `fault clear` or `down` (and a node's death
// ends those that act on its kernel). Each start and end goes to the event log as
// fault_started / fault_ended.
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>

#include "node/kernel_cmdline.h"
#include "supervisor/fault_rules.h"
#include "supervisor/supervisor_core.h"

namespace uc::cluster {
namespace {

using control::fault_name;
using control::FaultKind;

// The book keeps a fault's kind by its name in the fault table (wire/fault.h).
const std::string kFreeze = fault_name(FaultKind::kFreeze),
                  kPartition = fault_name(FaultKind::kPartition),
                  kNet = fault_name(FaultKind::kNet);
const std::vector<std::string> kDiskKinds{fault_name(FaultKind::kDiskStall),
                                          fault_name(FaultKind::kDiskSlow),
                                          fault_name(FaultKind::kDiskError)};

// The parameters of the fault a request starts, as the book and the event log keep them.
json params_of(const control::Request& r) {
  auto f = control::fault_of(r);
  return f ? control::params_json(f->kind, f->params) : json::object();
}

std::string describe_groups(const std::vector<std::vector<std::string>>& groups) {
  std::string out;
  for (const auto& g : groups) {
    if (!out.empty()) out += " | ";
    out += "[" + fmt::format("{}", fmt::join(g, ",")) + "]";
  }
  return out;
}

std::string for_text(int64_t for_ms, const char* until) {
  return for_ms > 0 ? fmt::format(" for {:.1f} s", for_ms / 1000.0)
                    : fmt::format(" until `{}`", until);
}

// The wire's form of a fault in the book (whose kinds are the fault table's names).
control::FaultRecord record_of(const ActiveFault& f) {
  control::FaultRecord r;
  r.id = f.id;
  r.kind = control::fault_kind_named(f.kind).value_or(control::FaultKind::kFreeze);
  r.node = f.node;
  if (auto p = control::params_from_json(f.params, "params")) r.params = *p;
  r.started_at_ms = f.started_wall_ms;
  r.ends_at_ms = f.ends_wall_ms;
  return r;
}

std::vector<control::FaultRecord> records_of(const std::vector<ActiveFault>& faults) {
  std::vector<control::FaultRecord> out;
  for (const auto& f : faults) out.push_back(record_of(f));
  return out;
}

}  // namespace

std::vector<control::FaultRecord> Supervisor::fault_records() const {
  return records_of(faults_.active());
}

void Supervisor::push_net_rules() {
  std::map<std::string, net::Mac> macs;
  for (const auto& n : spec_.nodes)
    if (auto m = net::parse_mac(node::node_mac(n))) macs[n.name] = *m;
  if (auto s = switch_.send_rules(net::encode(net_rules(faults_, macs))); !s)
    logf("switch: " + s.error().message);
}

void Supervisor::end_fault(const ActiveFault& f, const std::string& how) {
  if (f.kind == kFreeze && host_->running(f.node))
    host_->thaw(f.node, [this, node = f.node](Result<std::string> r) {
      if (!r) logf(node + ": thaw: " + r.error().message);
    });
  if (f.kind == kPartition || f.kind == kNet) push_net_rules();
  if (std::count(kDiskKinds.begin(), kDiskKinds.end(), f.kind)) host_->set_disk_fault(f.node, {});
  std::string message = fmt::format("{} ended ({})", f.kind, how);
  record(f.node, "fault_ended",
         {{"kind", f.kind}, {"how", how}, {"id", f.id}, {"message", message}}, message);
}

void Supervisor::end_due_faults(int64_t now) {
  for (const auto& f : faults_.due(now)) end_fault(f, "its time was up");
}

void Supervisor::begin_fault(const std::string& kind, const std::string& node, int64_t for_ms,
                             json params, const std::string& message) {
  const auto& f = faults_.add(kind, node, mono_ms(), wall_ms(), for_ms, params);
  json fields{{"kind", kind}, {"id", f.id}, {"message", message}};
  if (for_ms > 0) fields["for_ms"] = for_ms;
  for (auto& [k, v] : params.items()) fields[k] = v;
  if (kind == kPartition || kind == kNet) push_net_rules();
  record(node, "fault_started", fields, message);
}

void Supervisor::on_fault_request(Conn& c, uint32_t sid, const control::Request& r) {
  using control::Op;
  FaultAnswer answer = [this, fd = c.fd.get(), sid](Status s, FaultRecords faults) {
    control::Reply reply;
    reply.ok = s.ok();
    if (!s) reply.error = s.error().message;
    reply.faults = std::move(faults);
    if (auto it = conns_.find(fd); it != conns_.end())
      send_to(it->second, FrameType::kReply, sid, control::encode(reply));
  };
  auto done = [&](Status s) { answer(std::move(s), std::nullopt); };
  switch (r.op) {
    case Op::kFaults:
      return answer({}, fault_records());
    case Op::kClearFaults: {
      auto ended = faults_.clear();
      for (const auto& f : ended) end_fault(f, "cleared");
      return answer({}, records_of(ended));
    }
    case Op::kHeal: {
      auto ended = faults_.remove_kinds({kPartition, kNet});
      if (ended.empty())
        return done(err("the network is whole: no partition or slow link to heal"));
      for (const auto& f : ended) end_fault(f, "healed");
      return answer({}, records_of(ended));
    }
    case Op::kPartition:
      return done(partition(r));
    default:
      break;
  }
  ManagedNode* n = find(r.node);
  if (!n) return done(err("no node named " + r.node));
  if (r.op == Op::kNet) return done(slow_link(r));
  if (!host_->running(r.node)) return done(err(r.node + " is not running"));
  switch (r.op) {
    case Op::kCrash:
      return done(crash(*n, r.hold));
    case Op::kThaw: {
      auto f = faults_.remove(kFreeze, r.node);
      if (!f) return done(err(r.node + " is not frozen"));
      end_fault(*f, "thawed");
      return done({});
    }
    case Op::kDiskStall:
    case Op::kDiskSlow:
    case Op::kDiskError:
      return done(disk_fault(r));
    case Op::kFreeze:
      return freeze(r.node, r.for_ms, answer);
    default:
      return done(err("not a fault"));
  }
}

Status Supervisor::partition(const control::Request& r) {
  std::vector<std::string> names;
  for (const auto& n : spec_.nodes) names.push_back(n.name);
  UC_TRY(check_partition(r.groups, names));
  if (faults_.has(kPartition, ""))
    return err("a partition is active already (`fault heal` ends it)");
  std::string message =
      fmt::format("network partitioned {}{}{}", describe_groups(r.groups),
                  r.one_way ? " (one way: only frames from the first group are dropped)" : "",
                  for_text(r.for_ms, "fault heal"));
  begin_fault(kPartition, "", r.for_ms, params_of(r), message);
  return {};
}

Status Supervisor::slow_link(const control::Request& r) {
  if (faults_.has(kNet, r.node))
    return err(r.node + "'s link is impaired already (`fault heal` ends it)");
  if (r.delay_ms == 0 && r.jitter_ms == 0 && r.loss_pct == 0)
    return err("a slow link needs --delay, --jitter or --loss");
  std::string message =
      fmt::format("link slowed: delay {} ms, jitter {} ms, loss {}%{}", r.delay_ms, r.jitter_ms,
                  r.loss_pct, for_text(r.for_ms, "fault heal"));
  begin_fault(kNet, r.node, r.for_ms, params_of(r), message);
  return {};
}

Status Supervisor::crash(ManagedNode& n, bool hold) {
  std::string message = hold ? "crash (power cut), held down" : "crash (power cut)";
  record(n.spec.name, "fault_started",
         {{"kind", fault_name(FaultKind::kCrash)}, {"hold", hold}, {"message", message}}, message);
  int64_t now = mono_ms();
  n.machine.power_cut(now, hold);
  drive(n, now);
  return {};
}

Status Supervisor::disk_fault(const control::Request& r) {
  using control::Op;
  if (faults_.has_any(kDiskKinds, r.node))
    return err(r.node + " has a disk fault already (`fault clear` ends it)");
  node::DiskFault f;
  std::string kind = fault_name(*control::fault_kind_of(r.op)), message;
  if (r.op == Op::kDiskStall) {
    f.kind = node::DiskFault::Kind::kStall;
    message = "shared-disk I/O stalled" + for_text(r.for_ms, "fault clear");
  } else if (r.op == Op::kDiskSlow) {
    if (r.delay_ms <= 0) return err("disk-slow needs --delay MS (more than 0)");
    f = {node::DiskFault::Kind::kSlow, static_cast<uint32_t>(r.delay_ms)};
    message = fmt::format("shared-disk I/O slowed by {} ms each{}", r.delay_ms,
                          for_text(r.for_ms, "fault clear"));
  } else {
    f.kind = node::DiskFault::Kind::kError;
    message = "shared-disk I/O fails with EIO" + for_text(r.for_ms, "fault clear");
  }
  host_->set_disk_fault(r.node, f);
  begin_fault(kind, r.node, r.for_ms, params_of(r), message);
  return {};
}

// Answered once the kernel said it stopped (mconsole's reply comes through the poll loop).
void Supervisor::freeze(const std::string& node, int64_t for_ms, const FaultAnswer& answer) {
  if (faults_.has(kFreeze, node)) return answer(err(node + " is frozen already"), std::nullopt);
  host_->freeze(node, [this, node, for_ms, answer](Result<std::string> res) {
    if (!res) return answer(res.error(), std::nullopt);
    begin_fault(kFreeze, node, for_ms, json::object(),
                "frozen (mconsole stop)" + for_text(for_ms, "fault thaw"));
    answer({}, std::nullopt);
  });
}

}  // namespace uc::cluster
