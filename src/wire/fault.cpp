#include "wire/fault.h"

#include "wire/json_reader.h"

namespace uc::control {

using json = nlohmann::json;

const FaultKindInfo& fault_info(FaultKind k) {
  for (const auto& f : kFaultTable)
    if (f.kind == k) return f;
  return kFaultTable[0];  // unreachable: every kind has its row
}

std::optional<FaultKind> fault_kind_named(std::string_view name) {
  for (const auto& f : kFaultTable)
    if (name == f.name) return f.kind;
  return std::nullopt;
}

std::optional<FaultKind> fault_kind_of(Op op) {
  for (const auto& f : kFaultTable)
    if (f.op == op) return f.kind;
  return std::nullopt;
}

json params_json(FaultKind k, const FaultParams& p) {
  switch (k) {
    case FaultKind::kPartition:
      return {{"groups", p.groups}, {"one_way", p.one_way}};
    case FaultKind::kNet:
      return {{"delay_ms", p.delay_ms}, {"jitter_ms", p.jitter_ms}, {"loss_pct", p.loss_pct}};
    case FaultKind::kDiskSlow:
      return {{"delay_ms", p.delay_ms}};
    default:
      return json::object();
  }
}

Result<FaultParams> params_from_json(const json& j, const std::string& path) {
  if (!j.is_object()) return err(path + ": not an object");
  wire::JsonReader r(j, path);
  FaultParams p;
  if (const json* groups = r.list("groups")) {
    for (size_t i = 0; i < groups->size(); ++i) {
      const json& g = (*groups)[i];
      auto& out = p.groups.emplace_back();
      if (!g.is_array()) return err(r.path("groups", i) + ": not a list of node names");
      for (const auto& n : g) {
        if (!n.is_string())
          return err(r.path("groups", i) + ": holds something that is not a name");
        out.push_back(n.get<std::string>());
      }
    }
  }
  r.get("one_way", &p.one_way);
  r.get("delay_ms", &p.delay_ms, 0, 86400000);
  r.get("jitter_ms", &p.jitter_ms, 0, 86400000);
  r.get("loss_pct", &p.loss_pct);
  UC_TRY(r.status());
  return p;
}

json to_json(const FaultRecord& f) {
  return {{"id", f.id},
          {"kind", fault_name(f.kind)},
          {"node", f.node},
          {"params", params_json(f.kind, f.params)},
          {"started_at_ms", f.started_at_ms},
          {"ends_at_ms", f.ends_at_ms ? json(*f.ends_at_ms) : json()}};
}

Result<FaultRecord> fault_record_from_json(const json& j, const std::string& path) {
  if (!j.is_object()) return err(path + ": not an object");
  wire::JsonReader r(j, path);
  FaultRecord f;
  r.get("id", &f.id);
  std::string kind;
  r.need("kind", &kind);
  r.get("node", &f.node);
  r.get("started_at_ms", &f.started_at_ms);
  if (r.has("ends_at_ms") && !j["ends_at_ms"].is_null()) {
    int64_t ends = 0;
    r.get("ends_at_ms", &ends);
    f.ends_at_ms = ends;
  }
  UC_TRY(r.status());
  auto k = fault_kind_named(kind);
  if (!k) return err(r.path("kind") + ": unknown fault \"" + kind + "\"");
  f.kind = *k;
  if (const json* params = r.object("params")) {
    auto p = params_from_json(*params, r.path("params"));
    if (!p) return p.error();
    f.params = std::move(*p);
  }
  UC_TRY(r.status());
  return f;
}

}  // namespace uc::control
