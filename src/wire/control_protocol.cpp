#include "wire/control_protocol.h"

namespace uc::control {
namespace {

using json = nlohmann::json;

constexpr std::pair<Op, const char*> kOps[] = {
    {Op::kPing, "ping"},       {Op::kStatus, "status"}, {Op::kSubscribe, "subscribe"},
    {Op::kStart, "start"},     {Op::kAddNode, "add_node"}, {Op::kDown, "down"},
    {Op::kFreeze, "freeze"},   {Op::kThaw, "thaw"},     {Op::kCrash, "crash"},
    {Op::kFaults, "faults"},   {Op::kClearFaults, "clear_faults"}, {Op::kPartition, "partition"},
    {Op::kHeal, "heal"},       {Op::kNet, "net"},       {Op::kDiskStall, "disk_stall"},
    {Op::kDiskSlow, "disk_slow"}, {Op::kDiskError, "disk_error"}, {Op::kRestart, "restart"},
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

Result<json> parse_object(std::string_view payload) {
  auto j = json::parse(payload, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return err("not a JSON object");
  return j;
}

std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

const char* op_name(Op op) {
  for (auto& [o, name] : kOps)
    if (o == op) return name;
  return "?";
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
  return j.dump();
}

Result<Request> decode_request(std::string_view payload) {
  auto j = parse_object(payload);
  if (!j) return j.error();
  Request r;
  std::string op = str(*j, "op");
  bool known = false;
  for (auto& [o, name] : kOps)
    if (op == name) r.op = o, known = true;
  if (!known) return err("unknown request \"" + op + "\"");
  if (auto it = j->find("nodes"); it != j->end()) {
    if (!it->is_array()) return err("nodes is not a list");
    for (auto& n : *it) {
      if (!n.is_string()) return err("nodes holds something that is not a name");
      r.nodes.push_back(n.get<std::string>());
    }
  }
  r.node = str(*j, "node");
  UC_TRY(read_int(*j, "for_ms", 86400000, &r.for_ms));
  UC_TRY(read_int(*j, "delay_ms", 60000, &r.delay_ms));
  UC_TRY(read_int(*j, "jitter_ms", 60000, &r.jitter_ms));
  for (const char* key : {"hold", "one_way"}) {
    if (auto it = j->find(key); it != j->end()) {
      if (!it->is_boolean()) return err(std::string(key) + " is not true or false");
      (std::string(key) == "hold" ? r.hold : r.one_way) = it->get<bool>();
    }
  }
  if (auto it = j->find("loss_pct"); it != j->end()) {
    if (!it->is_number() || it->get<double>() < 0 || it->get<double>() > 100)
      return err("loss_pct must be 0-100");
    r.loss_pct = it->get<double>();
  }
  UC_TRY(read_groups(*j, &r.groups));
  bool needs_node = r.op == Op::kAddNode || r.op == Op::kFreeze || r.op == Op::kThaw ||
                    r.op == Op::kCrash || r.op == Op::kNet || r.op == Op::kDiskStall ||
                    r.op == Op::kDiskSlow || r.op == Op::kDiskError;
  if (needs_node && r.node.empty())
    return err(std::string(op_name(r.op)) + " needs a node");
  return r;
}

std::string encode(const Reply& r) {
  json j{{"ok", r.ok}};
  if (!r.error.empty()) j["error"] = r.error;
  if (!r.started.empty()) j["started"] = r.started;
  if (!r.status.is_null()) j["status"] = r.status;
  if (!r.faults.is_null()) j["faults"] = r.faults;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Reply> decode_reply(std::string_view payload) {
  auto j = parse_object(payload);
  if (!j) return j.error();
  Reply r;
  auto ok = j->find("ok");
  r.ok = ok != j->end() && ok->is_boolean() && ok->get<bool>();
  r.error = str(*j, "error");
  if (auto it = j->find("started"); it != j->end() && it->is_array())
    for (auto& n : *it)
      if (n.is_string()) r.started.push_back(n.get<std::string>());
  if (auto it = j->find("status"); it != j->end() && it->is_object()) r.status = *it;
  if (auto it = j->find("faults"); it != j->end() && it->is_array()) r.faults = *it;
  return r;
}

std::string encode(const Progress& p) {
  return json{{"node", p.node}, {"state", p.state}, {"type", p.type}, {"message", p.message}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

Result<Progress> decode_progress(std::string_view payload) {
  auto j = parse_object(payload);
  if (!j) return j.error();
  Progress p{str(*j, "node"), str(*j, "state"), str(*j, "type"), str(*j, "message")};
  if (p.node.empty()) return err("an event without a node");
  return p;
}

}  // namespace uc::control
