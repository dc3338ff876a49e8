// `umlcluster image build|list|rm`: the cached root images.
#include <fmt/format.h>
#include <map>

#include "cli/commands.h"
#include "config/cluster_file.h"
#include "image/root_image.h"
#include "sys/files.h"

namespace uc::cli {

std::optional<std::string> build_image(const ClusterSpec& spec, bool force, bool* built) {
  auto recipe = image::recipe_for(spec.image, spec.nodes.front().kernel);
  if (!recipe) {
    print_error(recipe.error().message);
    return std::nullopt;
  }
  auto img = image::ensure_image(*recipe, [](const std::string& m) {
    fmt::print("image: {}\n", m);
    std::fflush(stdout);
  }, force, built);
  if (!img) {
    print_error("image build failed: " + img.error().message);
    return std::nullopt;
  }
  return *img;
}

int cmd_image_build(const Globals& g, bool force) {
  int rc = 0;
  auto spec = definition_for_root(g, "", &rc);
  if (!spec) return rc;
  bool built = false;
  auto img = build_image(*spec, force, &built);
  if (!img) return kExitFailed;
  if (!built) fmt::print("image: already built: {} (--force rebuilds it)\n", *img);
  return 0;
}

int cmd_image_list(const Globals& g) {
  auto images = image::list_images();
  // Which clusters boot from which image: those images are in use.
  std::map<std::string, std::vector<std::string>> users;
  for (const auto& name : list_dir(clusters_dir()))
    if (auto rec = read_record(ClusterPaths(name))) users[rec->image].push_back(name);
  if (g.json) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& i : images)
      out.push_back({{"key", i.key}, {"path", i.path}, {"size", i.size}, {"disk_bytes", i.disk_bytes},
                     {"suite", i.suite}, {"kernel_version", i.kernel_version},
                     {"packages", i.packages}, {"built_at", i.built_at}, {"used_by", users[i.path]}});
    fmt::print("{}\n", out.dump(2));
    return 0;
  }
  if (images.empty()) {
    fmt::print("no images (`umlcluster image build` or `umlcluster up` makes one)\n");
    return 0;
  }
  fmt::print("{:<18} {:<10} {:<10} {:>10} {:>10}  {}\n", "IMAGE", "SUITE", "KERNEL", "SIZE",
             "ON DISK", "USED BY");
  for (auto& i : images) {
    std::string used;
    for (auto& u : users[i.path]) used += (used.empty() ? "" : ",") + u;
    fmt::print("{:<18} {:<10} {:<10} {:>10} {:>10}  {}\n", i.key, i.suite, i.kernel_version,
               human_bytes(i.size), human_bytes(i.disk_bytes), used.empty() ? "-" : used);
  }
  return 0;
}

int cmd_image_rm(const Globals&, const std::vector<std::string>& keys, bool force) {
  if (auto r = require_root(); !r) {
    print_error(r.error().message);
    return kExitFailed;
  }
  int rc = 0;
  for (const auto& key : keys) {
    std::string path = images_dir() + "/" + key + "/rootfs.img";
    std::vector<std::string> users;
    for (const auto& name : list_dir(clusters_dir()))
      if (auto rec = read_record(ClusterPaths(name)); rec && rec->image == path) users.push_back(name);
    if (!users.empty() && !force) {
      print_error(fmt::format("image {} is the base of cluster {}; its nodes' COW files need it "
                              "(destroy the cluster, or --force)", key, users.front()));
      rc = kExitFailed;
      continue;
    }
    if (auto s = image::remove_image(key); !s) {
      print_error(s.error().message);
      rc = kExitFailed;
      continue;
    }
    fmt::print("removed image {}\n", key);
  }
  return rc;
}

}  // namespace uc::cli
