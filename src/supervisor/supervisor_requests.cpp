// The CLI's requests (wire/control_protocol.h): one handler each, an error reply for a
// request that cannot be carried out. Faults have theirs in supervisor_faults.cpp.
#include <algorithm>

#include "ocfs2/o2cb_scripts.h"
#include "ocfs2/volume.h"
#include "supervisor/supervisor_core.h"

namespace uc::cluster {

void Supervisor::on_request(Conn& c, uint32_t sid, const control::Request& r) {
  using control::Op;
  auto answer = [&](Result<control::Reply> reply) {
    if (!reply) {
      control::Reply refused;
      refused.ok = false;
      refused.error = reply.error().message;
      return send_to(c, FrameType::kReply, sid, control::encode(refused));
    }
    send_to(c, FrameType::kReply, sid, control::encode(*reply));
  };
  switch (r.op) {
    case Op::kPing:
      return answer(control::Reply{});
    case Op::kStatus:
      return answer(status_reply());
    case Op::kSubscribe:
      c.subscribed = true;
      return answer(status_reply());
    case Op::kStart:
      return answer(start_nodes(c, r.nodes));
    case Op::kRestart:
      return answer(restart_nodes(c, r.nodes));
    case Op::kAddNode:
      return answer(add_node(c, r.node));
    case Op::kDown:
      c.subscribed = true;
      c.waits_for_down = true;
      begin_down();
      return;  // the reply comes when every node is down
    case Op::kFreeze:
    case Op::kThaw:
    case Op::kCrash:
    case Op::kFaults:
    case Op::kClearFaults:
    case Op::kPartition:
    case Op::kHeal:
    case Op::kNet:
    case Op::kDiskStall:
    case Op::kDiskSlow:
    case Op::kDiskError:
      if (stopping_) return answer(err("the cluster is stopping"));
      return on_fault_request(c, sid, r);
  }
  answer(err("unknown request"));
}

control::Reply Supervisor::status_reply() {
  control::Reply reply;
  reply.status = cluster_status();
  return reply;
}

Status Supervisor::check_nodes(const std::vector<std::string>& names) {
  for (const auto& name : names)
    if (!find(name)) return err("no node named " + name);
  if (stopping_) return err("the cluster is stopping");
  return {};
}

// Stopped or failed nodes, or those waiting to restart: now. All of them when `names` is empty.
Result<control::Reply> Supervisor::start_nodes(Conn& c, const std::vector<std::string>& names) {
  UC_TRY(check_nodes(names));
  c.subscribed = true;
  int64_t now = mono_ms();
  control::Reply reply;
  for (auto& n : nodes_) {
    bool wanted = names.empty() || std::count(names.begin(), names.end(), n->spec.name);
    auto st = n->machine.state();
    if (!wanted ||
        (st != NodeState::kStopped && st != NodeState::kFailed && st != NodeState::kRestarting))
      continue;
    n->machine.start(now);
    drive(*n, now);
    reply.started.push_back(n->spec.name);
  }
  reply.status = cluster_status();
  return reply;
}

// A graceful stop, then a fresh boot (a rebuilt kernel reaches the node so).
Result<control::Reply> Supervisor::restart_nodes(Conn& c, const std::vector<std::string>& names) {
  if (names.empty()) return err("restart which nodes?");
  UC_TRY(check_nodes(names));
  c.subscribed = true;
  int64_t now = mono_ms();
  control::Reply reply;
  for (const auto& name : names) {
    ManagedNode* n = find(name);
    boot_gate_.cancel(name);
    n->machine.restart(now);
    drive(*n, now);
    reply.started.push_back(name);
  }
  reply.status = cluster_status();
  return reply;
}

// `node add` wrote the node into the cluster's record on disk: reread it, then the running
// nodes learn the new one first (cluster.conf and the live configfs: o2net turns away a
// node it does not know), then it boots.
Result<control::Reply> Supervisor::add_node(Conn& c, const std::string& node) {
  if (stopping_) return err("cannot add a node now: the cluster is stopping");
  auto text = read_file(paths_.spec());
  if (!text) return err("cannot add a node now: " + text.error().message);
  auto j = json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.contains("spec"))
    return err("cannot add a node now: " + paths_.spec() + " is damaged");
  auto next = cluster_spec_from_json(j["spec"]);
  if (!next) return err("the cluster's record is damaged: " + next.error().message);
  const NodeSpec* added = next->find_node(node);
  if (!added || find(node)) return err("no new node " + node);
  spec_ = *next;
  bringup_->update_spec(spec_);
  for (const auto& d : spec_.disks)
    (void)ocfs2::ensure_disk_file(paths_.disk(d.name), d.size, kNodeUid, kNodeGid);
  nodes_.push_back(
      std::make_unique<ManagedNode>(*this, *added, ManagerPolicy::from(spec_, *added)));
  std::string fresh = added->name;
  c.subscribed = true;
  auto pending = std::make_shared<int>(1);
  auto boot = [this, pending, fresh] {
    if (--*pending > 0) return;
    if (ManagedNode* m = find(fresh)) {
      int64_t t = mono_ms();
      m->machine.start(t);
      drive(*m, t);
    }
  };
  for (auto& n : nodes_)
    if (n->machine.state() == NodeState::kRunning) {
      ++*pending;
      run(n->spec.name, ocfs2::add_node_script(spec_, *spec_.find_node(fresh), bringup_->regions()),
          [boot, nn = n->spec.name](int code, const std::string&, const std::string& e) {
            if (code != 0) logf(nn + ": could not learn the new node: " + e);
            boot();
          });
    }
  boot();
  return status_reply();
}

}  // namespace uc::cluster
