#include "cluster/control_protocol.h"

namespace uc::control {
namespace {

using json = nlohmann::json;

constexpr std::pair<Op, const char*> kOps[] = {
    {Op::kPing, "ping"},       {Op::kStatus, "status"}, {Op::kSubscribe, "subscribe"},
    {Op::kStart, "start"},     {Op::kAddNode, "add_node"}, {Op::kDown, "down"},
    {Op::kFreeze, "freeze"},   {Op::kThaw, "thaw"},     {Op::kCrash, "crash"},
    {Op::kFaults, "faults"},   {Op::kClearFaults, "clear_faults"},
};

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
  if (auto it = j->find("for_ms"); it != j->end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 86400000)
      return err("for_ms must be 0-86400000");
    r.for_ms = it->get<int64_t>();
  }
  if (auto it = j->find("hold"); it != j->end()) {
    if (!it->is_boolean()) return err("hold is not true or false");
    r.hold = it->get<bool>();
  }
  if ((r.op == Op::kAddNode || r.op == Op::kFreeze || r.op == Op::kThaw || r.op == Op::kCrash) &&
      r.node.empty())
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
