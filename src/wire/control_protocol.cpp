#include "wire/control_protocol.h"

#include "wire/json_reader.h"

namespace uc::control {
namespace {

using json = nlohmann::json;

constexpr std::pair<Op, const char*> kOps[] = {
    {Op::kPing, "ping"},
    {Op::kStatus, "status"},
    {Op::kSubscribe, "subscribe"},
    {Op::kStart, "start"},
    {Op::kAddNode, "add_node"},
    {Op::kDown, "down"},
    {Op::kFreeze, "freeze"},
    {Op::kThaw, "thaw"},
    {Op::kCrash, "crash"},
    {Op::kFaults, "faults"},
    {Op::kClearFaults, "clear_faults"},
    {Op::kPartition, "partition"},
    {Op::kHeal, "heal"},
    {Op::kNet, "net"},
    {Op::kDiskStall, "disk_stall"},
    {Op::kDiskSlow, "disk_slow"},
    {Op::kDiskError, "disk_error"},
    {Op::kRestart, "restart"},
};

// An integer field within [0, max], or an error naming it.
Status read_int(const json& j, const char* key, int64_t max, int64_t* out) {
  auto it = j.find(key);
  if (it == j.end()) return {};
  if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > max)
    return err(std::string(key) + " must be 0-" + std::to_string(max));
  *out = it->get<int64_t>();
  return {};
}

Status read_groups(const json& j, std::vector<std::vector<std::string>>* out) {
  auto it = j.find("groups");
  if (it == j.end()) return {};
  if (!it->is_array() || it->size() > 256) return err("groups is not a list of up to 256 groups");
  for (auto& g : *it) {
    if (!g.is_array() || g.size() > 1024) return err("a group is not a list of up to 1024 names");
    out->emplace_back();
    for (auto& n : g) {
      if (!n.is_string()) return err("a group holds something that is not a name");
      out->back().push_back(n.get<std::string>());
    }
  }
  return {};
}

bool needs_node(Op op) {
  auto kind = fault_kind_of(op);
  return op == Op::kAddNode || op == Op::kThaw || (kind && fault_info(*kind).on_node);
}

}  // namespace

const char* op_name(Op op) {
  for (auto& [o, name] : kOps)
    if (o == op) return name;
  return "?";
}

std::optional<Op> op_named(std::string_view name) {
  for (auto& [o, n] : kOps)
    if (name == n) return o;
  return std::nullopt;
}

std::string encode(const Request& r) {
  json j{{"op", op_name(r.op)}};
  if (!r.nodes.empty()) j["nodes"] = r.nodes;
  if (!r.node.empty()) j["node"] = r.node;
  if (r.for_ms > 0) j["for_ms"] = r.for_ms;
  if (r.hold) j["hold"] = true;
  if (!r.groups.empty()) j["groups"] = r.groups;
  if (r.one_way) j["one_way"] = true;
  if (r.delay_ms > 0) j["delay_ms"] = r.delay_ms;
  if (r.jitter_ms > 0) j["jitter_ms"] = r.jitter_ms;
  if (r.loss_pct > 0) j["loss_pct"] = r.loss_pct;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Request> decode_request(std::string_view payload) {
  auto j = wire::parse_object(payload);
  if (!j) return j.error();
  wire::JsonReader in(*j, "");
  std::string op;
  in.get("op", &op);
  Request r;
  r.op = op_named(op).value_or(Op::kPing);
  if (!op_named(op)) return err("unknown request \"" + op + "\"");
  in.get("nodes", &r.nodes);
  in.get("node", &r.node);
  in.get("hold", &r.hold);
  in.get("one_way", &r.one_way);
  UC_TRY(in.status());
  UC_TRY(read_int(*j, "for_ms", 86400000, &r.for_ms));
  UC_TRY(read_int(*j, "delay_ms", 60000, &r.delay_ms));
  UC_TRY(read_int(*j, "jitter_ms", 60000, &r.jitter_ms));
  if (auto it = j->find("loss_pct"); it != j->end()) {
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 100)
      return err("loss_pct must be 0-100");
    r.loss_pct = it->get<double>();
  }
  UC_TRY(read_groups(*j, &r.groups));
  if (needs_node(r.op) && r.node.empty()) return err(std::string(op_name(r.op)) + " needs a node");
  return r;
}

Request request_for(const Fault& f) {
  Request r;
  r.op = fault_info(f.kind).op;
  r.node = f.node;
  r.for_ms = f.for_ms;
  r.hold = f.hold;
  r.groups = f.params.groups;
  r.one_way = f.params.one_way;
  r.delay_ms = f.params.delay_ms;
  r.jitter_ms = f.params.jitter_ms;
  r.loss_pct = f.params.loss_pct;
  return r;
}

Result<Fault> fault_of(const Request& r) {
  auto kind = fault_kind_of(r.op);
  if (!kind) return err(std::string(op_name(r.op)) + " is not a fault");
  Fault f;
  f.kind = *kind;
  f.node = r.node;
  f.for_ms = r.for_ms;
  f.hold = r.hold;
  f.params = {r.groups, r.one_way, r.delay_ms, r.jitter_ms, r.loss_pct};
  return f;
}

std::string encode(const Reply& r) {
  json j{{"ok", r.ok}};
  if (!r.error.empty()) j["error"] = r.error;
  if (!r.started.empty()) j["started"] = r.started;
  if (r.status) j["status"] = to_json(*r.status);
  if (r.faults) {
    json faults = json::array();
    for (const auto& f : *r.faults) faults.push_back(to_json(f));
    j["faults"] = faults;
  }
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Reply> decode_reply(std::string_view payload) {
  auto j = wire::parse_object(payload);
  if (!j) return j.error();
  wire::JsonReader in(*j, "");
  Reply r;
  r.ok = false;  // a reply that does not say ok is not one
  in.get("ok", &r.ok);
  in.get("error", &r.error);
  in.get("started", &r.started);
  if (const json* status = in.object("status")) {
    auto s = cluster_status_from_json(*status, "status");
    if (!s) return s.error();
    r.status = std::move(*s);
  }
  if (const json* faults = in.list("faults")) {
    r.faults.emplace();
    for (size_t i = 0; i < faults->size(); ++i) {
      auto f = fault_record_from_json((*faults)[i], in.path("faults", i));
      if (!f) return f.error();
      r.faults->push_back(std::move(*f));
    }
  }
  UC_TRY(in.status());
  return r;
}

std::string encode(const Progress& p) {
  return json{{"node", p.node}, {"state", p.state}, {"type", p.type}, {"message", p.message}}.dump(
      -1, ' ', false, json::error_handler_t::replace);
}

Result<Progress> decode_progress(std::string_view payload) {
  auto j = wire::parse_object(payload);
  if (!j) return j.error();
  wire::JsonReader in(*j, "");
  Progress p;
  in.get("node", &p.node);
  in.get("state", &p.state);
  in.get("type", &p.type);
  in.get("message", &p.message);
  UC_TRY(in.status());
  if (p.node.empty()) return err("an event without a node");
  return p;
}

}  // namespace uc::control
