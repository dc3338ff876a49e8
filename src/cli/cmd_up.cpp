// `umlcluster up`: build or reuse the image, start the supervisor, wait for every node.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <set>

#include "cli/commands.h"
#include "config/lab.h"
#include "config/cluster_file.h"
#include "ocfs2/cluster_conf.h"
#include "sys/files.h"
#include "sys/process.h"

namespace uc::cli {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

// The definition a cluster was created with, give or take nodes added to it since (`node
// add`): those stay. Returns false if the file says something else.
// The manager's settings (restart policies, [manager]) are not part of what a cluster is:
// they may change between runs.
ClusterSpec with_policies_of(ClusterSpec recorded, const ClusterSpec& wanted) {
  recorded.manager = wanted.manager;
  for (auto& n : recorded.nodes)
    if (const NodeSpec* w = wanted.find_node(n.name)) n.restart = w->restart;
  return recorded;
}

// The order of the nodes is not part of it either: a paper-style cluster.conf may list its
// node stanzas in any order, and OCFS2 knows a node by its number.
bool same_cluster(const ClusterSpec& recorded, const ClusterSpec& wanted) {
  if (recorded.nodes.size() < wanted.nodes.size()) return false;
  ClusterSpec trimmed = with_policies_of(recorded, wanted);
  trimmed.nodes.resize(wanted.nodes.size());
  ClusterSpec w = wanted;
  auto by_number = [](const NodeSpec& a, const NodeSpec& b) { return a.number < b.number; };
  std::sort(trimmed.nodes.begin(), trimmed.nodes.end(), by_number);
  std::sort(w.nodes.begin(), w.nodes.end(), by_number);
  return nlohmann::json(trimmed) == nlohmann::json(w);
}

// The lab folder of a cluster file: its folder, if that holds a node folder or a script
// for these nodes (config/lab.h).
std::string lab_of(const Globals& g, const ClusterSpec& spec) {
  if (g.file.empty()) return "";
  std::string dir = real_path(g.file);
  dir = dir.substr(0, dir.rfind('/'));
  std::vector<std::string> names;
  for (const auto& n : spec.nodes) names.push_back(n.name);
  return is_lab(dir, names) ? dir : "";
}

bool prepare_cluster(const Globals& g, ClusterSpec& spec, bool rebuild_image) {
  ClusterPaths p(spec.name);
  std::string lab = lab_of(g, spec);
  bool existed = path_exists(p.dir);
  ClusterRecord rec;
  if (existed && path_exists(p.spec())) {
    auto old = read_record(p);
    if (!old) {
      print_error(old.error().message);
      return false;
    }
    if (!same_cluster(old->spec, spec)) {
      print_error(fmt::format(
          "cluster {} exists (stopped) with a different definition than {}.\n"
          "  Keep it: run `umlcluster up` with the file it was created from.\n"
          "  Replace it: `umlcluster destroy -n {}` (deletes its disks), then up again.",
          spec.name, g.file.empty() ? "the default" : g.file, spec.name));
      return false;
    }
    rec = *old;
    rec.spec = with_policies_of(old->spec, spec);
    if (!g.file.empty()) rec.lab = lab;  // the file's folder now, lab or not
    if (nlohmann::json(rec.spec) != nlohmann::json(old->spec) || rec.lab != old->lab) {
      if (auto s = write_record(p, rec); !s) {
        print_error(s.error().message);
        return false;
      }
      fmt::print("cluster {}: restart policies and [manager] settings taken from {}\n", spec.name,
                 g.file.empty() ? "the default" : g.file);
    }
    spec = rec.spec;  // with the nodes added since
    if (path_exists(p.control_socket()))
      fmt::print("cluster {}: recovering from a run that did not stop cleanly (supervisor pid {} "
                 "is gone)\n", spec.name, supervisor_pid(p));
    if (!path_exists(rec.image)) {
      print_error(fmt::format("cluster {} was created on image {}, which is gone; its nodes' COW "
                              "files need that exact image. `umlcluster destroy -n {}` and up again.",
                              spec.name, rec.image, spec.name));
      return false;
    }
  } else {
    bool built = false;
    auto img = build_image(spec, rebuild_image, &built);
    if (!img) return false;
    if (!built) fmt::print("image: cached ({})\n", *img);
    rec.spec = spec;
    rec.image = *img;
    rec.lab = lab;
    if (!lab.empty()) fmt::print("lab folder: {}\n", lab);
    rec.created_at = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    if (auto s = make_dirs(clusters_dir(), 0700); !s) {
      print_error(s.error().message);
      return false;
    }
    if (auto s = make_dirs(p.dir, 0700); !s) {
      print_error(s.error().message);
      return false;
    }
    if (auto s = write_record(p, rec); !s) {
      print_error(s.error().message);
      if (!existed) (void)remove_tree(p.dir);
      return false;
    }
  }
  return true;
}

bool wait_for_nodes(ControlClient& c, const nlohmann::json& snapshot,
                    const std::vector<std::string>& only) {
  client::WaitOptions o;
  o.only = only;
  o.on_progress = print_progress;
  if (auto s = client::wait_until_ready(c, snapshot, o); !s) {
    print_error(s.error().message);
    return false;
  }
  return true;
}

Result<ClusterSpec> load_definition(const Globals& g, const std::string& from) {
  if (from.empty()) return load_cluster_file(g.file);
  if (!g.file.empty()) return err("give either -f (a cluster file) or --from (a cluster.conf), not both");
  auto text = read_file(from);
  if (!text) return text.error();
  auto spec = ocfs2::parse_cluster_conf(*text, from);
  if (!spec) return spec.error();
  if (::access(spec->nodes.front().kernel.c_str(), X_OK) != 0)
    return err("kernel " + spec->nodes.front().kernel + " is missing (install user-mode-linux)");
  return spec;
}

std::optional<ClusterSpec> definition_for_root(const Globals& g, const std::string& from, int* rc) {
  auto spec = load_definition(g, from);
  if (!spec) {
    print_error(spec.error().message);
    *rc = kExitBadInput;
    return std::nullopt;
  }
  if (auto r = require_root(); !r) {
    print_error(r.error().message);
    *rc = kExitFailed;
    return std::nullopt;
  }
  return *spec;
}

int cmd_up(const Globals& given, const UpOptions& o) {
  auto t0 = Clock::now();
  int rc = 0;
  Globals g = given;
  // `up lab/`: the lab folder's cluster.toml.
  if (!o.lab.empty()) {
    if (!g.file.empty()) {
      print_error("give either a lab folder or -f, not both");
      return kExitBadInput;
    }
    struct stat st;
    bool dir = ::stat(o.lab.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    g.file = dir ? o.lab + "/cluster.toml" : o.lab;
    if (::access(g.file.c_str(), R_OK) != 0) {
      print_error(dir ? o.lab + " has no cluster.toml (a lab folder holds its cluster file)"
                      : o.lab + ": no such lab folder or cluster file");
      return kExitBadInput;
    }
  }
  ProgressToStderr progress(g.json);
  auto spec = definition_for_root(g, o.from, &rc);
  if (!spec) return rc;
  ClusterPaths p(spec->name);

  if (auto c = connect_supervisor(p)) {
    auto rec = read_record(p);
    if (rec && same_cluster(rec->spec, *spec)) {
      if (nlohmann::json(with_policies_of(rec->spec, *spec)) != nlohmann::json(rec->spec))
        fmt::print("cluster {} is running: new restart policies or [manager] settings apply after "
                   "`umlcluster down` and `up`\n", spec->name);
      *spec = rec->spec;
    }
    if (rec && !same_cluster(rec->spec, *spec)) {
      print_error(fmt::format("cluster {} is running with a different definition than {}; "
                              "`umlcluster down` it first (its disks are kept)", spec->name,
                              g.file.empty() ? "the default" : g.file));
      return kExitFailed;
    }
    auto reply = c->request({control::Op::kStart});
    if (!reply) {
      print_error(reply.error().message);
      return kExitFailed;
    }
    if (reply->started.empty()) {
      fmt::print("cluster {} is already up; nothing changed\n", spec->name);
      progress.restore();
      add_costs(reply->status);
      print_status(reply->status, g.json);
      return 0;
    }
    fmt::print("cluster {} is up; starting {} stopped node(s)\n", spec->name, reply->started.size());
    if (!wait_for_nodes(*c, reply->status, reply->started)) return kExitFailed;
    if (auto st = c->request({control::Op::kStatus})) {
      add_costs(st->status);
      add_o2cb_state(*c, *spec, st->status);
      progress.restore();
      print_status(st->status, g.json);
    }
    return 0;
  }

  if (!prepare_cluster(g, *spec, o.rebuild_image)) return kExitFailed;

  fmt::print("starting cluster {}: {} node(s) on {}\n", spec->name, spec->nodes.size(),
             spec->subnet.str());
  std::fflush(stdout);
  auto boot0 = Clock::now();
  if (auto s = start_supervisor(p, spec->name, /*start_nodes=*/true); !s) {
    print_error(s.error().message);
    return kExitFailed;
  }
  auto c = ControlClient::connect(p.control_socket());
  if (!c) {
    print_error(c.error().message);
    return kExitFailed;
  }
  auto snap = c->request({control::Op::kSubscribe});
  if (!snap) {
    print_error(snap.error().message);
    return kExitFailed;
  }
  if (!wait_for_nodes(*c, snap->status, {})) {
    fmt::print(stderr, "stopping what started; the cluster's state and logs stay in {} "
                       "(`umlcluster events` tells what happened)\n", p.dir);
    (void)stop_cluster(p);
    return kExitFailed;
  }
  fmt::print("cluster {} is up: {} node(s) ready in {:.1f} s ({:.1f} s in all)\n", spec->name,
             spec->nodes.size(), since(boot0), since(t0));
  if (auto st = c->request({control::Op::kStatus})) {
    add_costs(st->status);
    add_o2cb_state(*c, *spec, st->status);
    progress.restore();
    print_status(st->status, g.json);
  }
  return 0;
}

}  // namespace uc::cli
