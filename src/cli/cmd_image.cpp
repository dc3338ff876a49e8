// `umlcluster image build|list|rm`: the cached root images.
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "client/cluster_definition.h"
#include "client/cluster_record.h"
#include "client/cluster_target.h"
#include "client/text_units.h"
#include "image/root_image.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_image {

struct ImageOptions {
  std::string action;  // build, list, rm
  bool force = false;  // build: again even if cached; rm: even if a cluster is based on it
  std::vector<std::string> keys;  // rm
} o;

int build(const Globals& g) {
  auto spec = client::definition_for_root(g.file, "");
  if (!spec) return fail(spec.error());
  auto img = image::image_for(
      *spec,
      [](const std::string& m) {
        fmt::print("image: {}\n", m);
        std::fflush(stdout);
      },
      o.force);
  if (!img) return fail(img.error());
  if (!img->built) fmt::print("image: already built: {} (--force rebuilds it)\n", img->path);
  return 0;
}

int list(const Globals& g) {
  auto images = image::list_images();
  // Which clusters boot from which image: those images are in use.
  std::map<std::string, std::vector<std::string>> users;
  for (const auto& name : list_dir(clusters_dir()))
    if (auto rec = client::read_record(ClusterPaths(name))) users[rec->image].push_back(name);
  if (g.json) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& i : images)
      out.push_back({{"key", i.key},
                     {"path", i.path},
                     {"size", i.size},
                     {"disk_bytes", i.disk_bytes},
                     {"suite", i.suite},
                     {"kernel_version", i.kernel_version},
                     {"packages", i.packages},
                     {"built_at", i.built_at},
                     {"used_by", users[i.path]}});
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
               client::human_bytes(i.size), client::human_bytes(i.disk_bytes),
               used.empty() ? "-" : used);
  }
  return 0;
}

int rm() {
  if (auto r = client::require_root(); !r) return fail(r.error());
  int rc = 0;
  for (const auto& key : o.keys) {
    std::string path = images_dir() + "/" + key + "/rootfs.img";
    std::vector<std::string> users;
    for (const auto& name : list_dir(clusters_dir()))
      if (auto rec = client::read_record(ClusterPaths(name)); rec && rec->image == path)
        users.push_back(name);
    if (!users.empty() && !o.force) {
      rc =
          fail(err(fmt::format("image {} is the base of cluster {}; its nodes' COW files need it "
                               "(destroy the cluster, or --force)",
                               key, users.front())));
      continue;
    }
    if (auto s = image::remove_image(key); !s) {
      rc = fail(s.error());
      continue;
    }
    fmt::print("removed image {}\n", key);
  }
  return rc;
}

void define(CLI::App& cmd, Globals& g) {
  cmd.require_subcommand(1);
  auto* b = cmd.add_subcommand("build", "build the root image for a cluster file");
  file_option(*b, g);
  b->add_flag("--force", o.force, "build again even if cached");
  b->callback([] { o.action = "build"; });
  auto* l = cmd.add_subcommand("list", "list cached images");
  json_option(*l, g);
  l->callback([] { o.action = "list"; });
  auto* r = cmd.add_subcommand("rm", "remove cached images");
  r->add_option("image", o.keys, "image keys (see image list)")->required();
  r->add_flag("--force", o.force, "remove even if a cluster is based on it");
  r->callback([] { o.action = "rm"; });
}

int run(const Globals& g) {
  if (o.action == "build") return build(g);
  if (o.action == "list") return list(g);
  return rm();
}

}  // namespace cmd_image

const Command kImage{"image", "the cached root images", cmd_image::define, cmd_image::run};

}  // namespace uc::cli
