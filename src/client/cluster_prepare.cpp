#include "client/cluster_prepare.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "client/cluster_record.h"
#include "client/lifecycle.h"
#include "config/lab.h"
#include "image/root_image.h"
#include "paths/state_paths.h"
#include "sys/files.h"

namespace uc::client {
namespace {

std::string source_of(const std::string& file) { return file.empty() ? "the default" : file; }

// An existing cluster's record, checked against `spec` and brought up to date with it.
Status check_existing(const ClusterPaths& p, const std::string& file, ClusterSpec& spec,
                      const Note& note) {
  auto old = read_record(p);
  if (!old) return old.error();
  if (!same_cluster(old->spec, spec))
    return err(
        fmt::format("cluster {} exists (stopped) with a different definition than {}.\n"
                    "  Keep it: run `umlcluster up` with the file it was created from.\n"
                    "  Replace it: `umlcluster destroy -n {}` (deletes its disks), then up again.",
                    spec.name, source_of(file), spec.name));
  ClusterRecord rec = *old;
  rec.spec = with_policies_of(old->spec, spec);
  if (!file.empty()) rec.lab = lab_of(file, spec);  // the file's folder now, lab or not
  if (nlohmann::json(rec.spec) != nlohmann::json(old->spec) || rec.lab != old->lab) {
    UC_TRY(write_record(p, rec));
    note(fmt::format("cluster {}: restart policies and [manager] settings taken from {}", spec.name,
                     source_of(file)));
  }
  spec = rec.spec;  // with the nodes added since
  if (path_exists(p.control_socket()))
    note(fmt::format(
        "cluster {}: recovering from a run that did not stop cleanly (supervisor pid {} "
        "is gone)",
        spec.name, supervisor_pid(p)));
  if (!path_exists(rec.image))
    return err(
        fmt::format("cluster {} was created on image {}, which is gone; its nodes' COW "
                    "files need that exact image. `umlcluster destroy -n {}` and up again.",
                    spec.name, rec.image, spec.name));
  return {};
}

Status create_new(const ClusterPaths& p, const std::string& file, const ClusterSpec& spec,
                  bool existed, bool rebuild_image, const Note& note) {
  auto img = image::image_for(
      spec, [&](const std::string& m) { note("image: " + m); }, rebuild_image);
  if (!img) return img.error();
  if (!img->built) note(fmt::format("image: cached ({})", img->path));
  ClusterRecord rec;
  rec.spec = spec;
  rec.image = img->path;
  rec.lab = lab_of(file, spec);
  if (!rec.lab.empty()) note("lab folder: " + rec.lab);
  rec.created_at = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  UC_TRY(make_dirs(clusters_dir(), 0700));
  UC_TRY(make_dirs(p.dir, 0700));
  if (auto s = write_record(p, rec); !s) {
    if (!existed) (void)remove_tree(p.dir);
    return s;
  }
  return {};
}

}  // namespace

ClusterSpec with_policies_of(ClusterSpec recorded, const ClusterSpec& wanted) {
  recorded.manager = wanted.manager;
  for (auto& n : recorded.nodes)
    if (const NodeSpec* w = wanted.find_node(n.name)) n.restart = w->restart;
  return recorded;
}

bool same_cluster(const ClusterSpec& recorded, const ClusterSpec& wanted) {
  if (recorded.nodes.size() < wanted.nodes.size()) return false;
  ClusterSpec trimmed = with_policies_of(recorded, wanted);
  trimmed.nodes.resize(wanted.nodes.size());
  ClusterSpec w = wanted;
  // A paper-style cluster.conf may list its node stanzas in any order: OCFS2 knows a node
  // by its number.
  auto by_number = [](const NodeSpec& a, const NodeSpec& b) { return a.number < b.number; };
  std::sort(trimmed.nodes.begin(), trimmed.nodes.end(), by_number);
  std::sort(w.nodes.begin(), w.nodes.end(), by_number);
  return nlohmann::json(trimmed) == nlohmann::json(w);
}

std::string lab_of(const std::string& file, const ClusterSpec& spec) {
  if (file.empty()) return "";
  std::string dir = real_path(file);
  dir = dir.substr(0, dir.rfind('/'));
  std::vector<std::string> names;
  for (const auto& n : spec.nodes) names.push_back(n.name);
  return is_lab(dir, names) ? dir : "";
}

Status prepare_cluster(const std::string& file, ClusterSpec& spec, bool rebuild_image,
                       const Note& note) {
  ClusterPaths p(spec.name);
  bool existed = path_exists(p.dir);
  if (existed && path_exists(p.spec())) return check_existing(p, file, spec, note);
  return create_new(p, file, spec, existed, rebuild_image, note);
}

}  // namespace uc::client
