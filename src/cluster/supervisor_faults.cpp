// Faults a user injects through the supervisor: freeze (mconsole stop, ended by thaw, by
// its duration, by `fault clear` or `down`) and crash (a power cut). Each start and end
// goes to the event log as fault_started / fault_ended.
#include <fmt/format.h>

#include "cluster/supervisor_core.h"

namespace uc::cluster {

json Supervisor::faults_json() const {
  json out = json::array();
  for (const auto& f : faults_.active()) out.push_back(to_json(f));
  return out;
}

void Supervisor::end_fault(const ActiveFault& f, const std::string& how) {
  if (f.kind == "freeze" && host_->running(f.node))
    host_->thaw(f.node, [this, node = f.node](Result<std::string> r) {
      if (!r) logf(node + ": thaw: " + r.error().message);
    });
  std::string message = fmt::format("{} ended ({})", f.kind, how);
  record(f.node, "fault_ended", {{"kind", f.kind}, {"how", how}, {"id", f.id}, {"message", message}}, message);
}

void Supervisor::end_due_faults(int64_t now) {
  for (const auto& f : faults_.due(now)) end_fault(f, "its time was up");
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
  if (r.op == Op::kFaults) return answer({}, faults_json());
  if (r.op == Op::kClearFaults) {
    json ended = json::array();
    for (const auto& f : faults_.clear()) {
      ended.push_back(to_json(f));
      end_fault(f, "cleared");
    }
    return answer({}, ended);
  }
  ManagedNode* n = find(r.node);
  if (!n) return answer(err("no node named " + r.node));
  if (!host_->running(r.node)) return answer(err(r.node + " is not running"));
  int64_t now = mono_ms();
  if (r.op == Op::kCrash) {
    std::string message = r.hold ? "crash (power cut), held down" : "crash (power cut)";
    record(r.node, "fault_started", {{"kind", "crash"}, {"hold", r.hold}, {"message", message}}, message);
    n->machine.power_cut(now, r.hold);
    drive(*n, now);
    return answer({});
  }
  if (r.op == Op::kThaw) {
    auto f = faults_.remove("freeze", r.node);
    if (!f) return answer(err(r.node + " is not frozen"));
    end_fault(*f, "thawed");
    return answer({});
  }
  if (faults_.has("freeze", r.node)) return answer(err(r.node + " is frozen already"));
  std::string node = r.node;
  int64_t for_ms = r.for_ms;
  host_->freeze(node, [this, node, for_ms, answer](Result<std::string> res) {
    if (!res) return answer(res.error());
    const auto& f = faults_.add("freeze", node, mono_ms(), wall_ms(), for_ms);
    std::string message = for_ms > 0 ? fmt::format("frozen (mconsole stop) for {:.1f} s", for_ms / 1000.0)
                                     : "frozen (mconsole stop) until `fault thaw`";
    json fields{{"kind", "freeze"}, {"id", f.id}, {"message", message}};
    if (for_ms > 0) fields["for_ms"] = for_ms;
    record(node, "fault_started", fields, message);
    answer({});
  });
}

}  // namespace uc::cluster
