// PlannedFault's JSON form, its reading back with checked fields, and its description.
#include "chaos/chaos_fault.h"

#include <fmt/format.h>

#include <algorithm>

namespace uc::chaos {
namespace {

using nlohmann::json;

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : std::string(sep)) + s;
  return out;
}

Result<double> number_at(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number())
    return err(fmt::format("fault: \"{}\" missing or not a number", key));
  return it->get<double>();
}

Result<std::string> string_at(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string())
    return err(fmt::format("fault: \"{}\" missing or not a string", key));
  return it->get<std::string>();
}

Result<uint32_t> count_at(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_unsigned() || it->get<uint64_t>() > UINT32_MAX)
    return err(fmt::format("fault: \"{}\" missing or not a count", key));
  return it->get<uint32_t>();
}

Result<std::vector<std::vector<std::string>>> groups_at(const json& j) {
  auto it = j.find("groups");
  auto bad = err("fault: \"groups\" missing or not a list of lists of node names");
  if (it == j.end() || !it->is_array()) return bad;
  std::vector<std::vector<std::string>> groups;
  for (const auto& g : *it) {
    if (!g.is_array()) return bad;
    auto& out = groups.emplace_back();
    for (const auto& n : g) {
      if (!n.is_string()) return bad;
      out.push_back(n.get<std::string>());
    }
  }
  return groups;
}

}  // namespace

bool is_fault_kind(std::string_view kind) {
  auto k = control::fault_kind_named(kind);
  return k && std::find(kFaultKinds.begin(), kFaultKinds.end(), *k) != kFaultKinds.end();
}

bool can_fence(std::string_view kind) {
  return kind == "freeze" || kind == "disk-stall" || kind == "disk-error";
}

std::string fault_kinds_list() {
  std::string out;
  for (auto k : kFaultKinds) out += (out.empty() ? "" : ", ") + std::string(control::fault_name(k));
  return out;
}

Result<control::Fault> to_fault(const PlannedFault& f) {
  auto kind = control::fault_kind_named(f.kind);
  if (!kind || !is_fault_kind(f.kind))
    return err(fmt::format("fault: unknown kind \"{}\"", f.kind));
  control::Fault out;
  out.kind = *kind;
  out.node = f.node;
  if (*kind != control::FaultKind::kCrash) out.for_ms = static_cast<int64_t>(f.for_s * 1000);
  out.params.groups = f.groups;
  if (*kind == control::FaultKind::kNet) {
    out.params.delay_ms = f.delay_ms;
    out.params.jitter_ms = f.jitter_ms;
    out.params.loss_pct = f.loss_pct;
  }
  return out;
}

json to_json(const PlannedFault& f) {
  json j = {{"at_s", f.at_s}, {"for_s", f.for_s}, {"kind", f.kind}};
  if (f.kind == "partition") {
    j["groups"] = f.groups;
  } else {
    j["node"] = f.node;
  }
  if (f.kind == "net") {
    j["delay_ms"] = f.delay_ms;
    j["jitter_ms"] = f.jitter_ms;
    j["loss_pct"] = f.loss_pct;
  }
  return j;
}

Result<PlannedFault> planned_fault_from_json(const json& j) {
  if (!j.is_object()) return err("fault: not a JSON object");
  PlannedFault f;
  auto at = number_at(j, "at_s");
  auto for_s = number_at(j, "for_s");
  auto kind = string_at(j, "kind");
  if (!at) return at.error();
  if (!for_s) return for_s.error();
  if (!kind) return kind.error();
  if (!is_fault_kind(*kind))
    return err(fmt::format("fault: unknown kind \"{}\" (known: {})", *kind, fault_kinds_list()));
  f.at_s = *at;
  f.for_s = *for_s;
  f.kind = *kind;
  if (f.kind == "partition") {
    auto groups = groups_at(j);
    if (!groups) return groups.error();
    f.groups = std::move(*groups);
  } else {
    auto node = string_at(j, "node");
    if (!node) return node.error();
    f.node = *node;
  }
  if (f.kind == "net") {
    auto delay = count_at(j, "delay_ms");
    auto jitter = count_at(j, "jitter_ms");
    auto loss = number_at(j, "loss_pct");
    if (!delay) return delay.error();
    if (!jitter) return jitter.error();
    if (!loss) return loss.error();
    f.delay_ms = *delay;
    f.jitter_ms = *jitter;
    f.loss_pct = *loss;
  }
  return f;
}

std::string target_of(const PlannedFault& f) {
  if (f.kind != "partition") return f.node;
  std::vector<std::string> parts;
  for (const auto& g : f.groups) parts.push_back(join(g, ","));
  return join(parts, " | ");
}

std::string describe(const PlannedFault& f) {
  std::string out = fmt::format("t={:.1f} s  {}", f.at_s, f.kind);
  if (f.kind == "partition") {
    std::vector<std::string> parts;
    for (const auto& g : f.groups) parts.push_back("[" + join(g, ",") + "]");
    out += " " + join(parts, " | ");
  } else {
    out += " " + f.node;
  }
  if (f.kind == "net")
    out +=
        fmt::format(" delay {} ms jitter {} ms loss {:.1f} %", f.delay_ms, f.jitter_ms, f.loss_pct);
  if (f.kind != "crash") out += fmt::format(" for {:.1f} s", f.for_s);
  return out;
}

}  // namespace uc::chaos
