#include "client/cluster_record.h"

#include <nlohmann/json.hpp>

#include "sys/files.h"
#include "wire/json_reader.h"

namespace uc::client {

Result<ClusterRecord> read_record(const ClusterPaths& p) {
  auto text = read_file(p.spec());
  if (!text) return text.error();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return err(p.spec() + " is damaged (not JSON)");
  if (!j.is_object() || !j.contains("spec"))
    return err(p.spec() + " is damaged: it has no \"spec\"");
  auto spec = cluster_spec_from_json(j["spec"]);
  if (!spec) return err(p.spec() + " is damaged: " + spec.error().message);
  ClusterRecord r;
  r.spec = std::move(*spec);
  wire::JsonReader in(j, "");
  in.need("image", &r.image);
  in.get("created_at", &r.created_at);
  in.get("lab", &r.lab);
  if (auto s = in.status(); !s) return err(p.spec() + " is damaged: " + s.error().message);
  return r;
}

Status write_record(const ClusterPaths& p, const ClusterRecord& r) {
  nlohmann::json j{{"spec", r.spec}, {"image", r.image}, {"created_at", r.created_at}};
  if (!r.lab.empty()) j["lab"] = r.lab;
  return write_file_atomic(p.spec(), j.dump(2) + "\n", 0600);
}

}  // namespace uc::client
