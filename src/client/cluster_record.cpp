#include "client/cluster_record.h"

#include <nlohmann/json.hpp>

#include "sys/files.h"

namespace uc::client {

Result<ClusterRecord> read_record(const ClusterPaths& p) {
  auto text = read_file(p.spec());
  if (!text) return text.error();
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return err(p.spec() + " is damaged (not JSON)");
  try {
    ClusterRecord r;
    r.spec = j.at("spec").get<ClusterSpec>();
    r.image = j.at("image").get<std::string>();
    r.created_at = j.value("created_at", int64_t{0});
    r.lab = j.value("lab", "");
    return r;
  } catch (const std::exception& e) {
    return err(p.spec() + " is damaged: " + e.what());
  }
}

Status write_record(const ClusterPaths& p, const ClusterRecord& r) {
  nlohmann::json j{{"spec", r.spec}, {"image", r.image}, {"created_at", r.created_at}};
  if (!r.lab.empty()) j["lab"] = r.lab;
  return write_file_atomic(p.spec(), j.dump(2) + "\n", 0600);
}

}  // namespace uc::client
