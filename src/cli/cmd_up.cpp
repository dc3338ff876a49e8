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
#include "config/cluster_file.h"
#include "ocfs2/cluster_conf.h"
#include "sys/files.h"
#include "sys/process.h"

namespace uc::cli {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

Status start_supervisor(const ClusterPaths& p, const std::string& name, bool start_nodes) {
  auto ready = make_pipe();
  if (!ready) return ready.error();
  auto log = open_file(p.supervisor_log(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (!log) return log.error();
  SpawnOptions o;
  o.argv = {self_dir() + "/umlclusterd", name};
  if (!start_nodes) o.argv.push_back("--no-start");
  o.fds = {{log->get(), 1}, {log->get(), 2}, {ready->second.get(), 3}};
  o.new_session = true;  // outlives this command, deaf to its terminal
  o.cwd = "/";
  auto child = spawn(o);
  if (!child) return child.error();
  ready->second.reset();
  std::string line = read_to_eof(ready->first.get());
  if (line.rfind("ready", 0) == 0) {
    child->release();  // the daemon lives on; init reaps it
    return {};
  }
  child->wait();
  if (line.rfind("error: ", 0) == 0) line = line.substr(7);
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return err("the cluster supervisor did not start: " +
             (line.empty() ? "it exited (see " + p.supervisor_log() + ")" : line));
}


// The definition a cluster was created with, give or take nodes added to it since (`node
// add`): those stay. Returns false if the file says something else.
bool same_cluster(const ClusterSpec& recorded, const ClusterSpec& wanted) {
  if (recorded.nodes.size() < wanted.nodes.size()) return false;
  ClusterSpec trimmed = recorded;
  trimmed.nodes.resize(wanted.nodes.size());
  return nlohmann::json(trimmed) == nlohmann::json(wanted);
}

bool prepare_cluster(const Globals& g, ClusterSpec& spec, bool rebuild_image) {
  ClusterPaths p(spec.name);
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

bool wait_until_ready(ControlClient& c, const nlohmann::json& snapshot,
                      const std::vector<std::string>& only) {
  std::map<std::string, std::string> state;
  for (const auto& n : snapshot.value("nodes", nlohmann::json::array()))
    if (only.empty() || std::find(only.begin(), only.end(), n.value("name", "")) != only.end())
      state[n.value("name", "")] = n.value("state", "");
  auto done = [&] {
    for (auto& [n, s] : state)
      if (s != "running") return false;
    return true;
  };
  std::set<std::string> heard;  // a node still "stopped" in the snapshot may be about to start
  while (!done()) {
    for (auto& [n, s] : state)
      if (s == "failed" || (s == "stopped" && heard.count(n))) {
        print_error(fmt::format("{} did not come up; its console: umlcluster logs {}", n, n));
        return false;
      }
    // A node that boots takes seconds; a minute of silence means something is stuck.
    auto f = c.read_frame(120000);
    if (!f || !*f) {
      print_error(f ? "the cluster supervisor went away (see its log)" : f.error().message);
      return false;
    }
    if ((*f)->type != FrameType::kEvent) continue;
    auto e = nlohmann::json::parse((*f)->payload, nullptr, false);
    if (e.is_discarded()) continue;
    std::string node = e.value("node", "");
    if (!state.count(node)) continue;
    state[node] = e.value("state", "");
    heard.insert(node);
    fmt::print("  {:<10} {:<9} {}\n", node, state[node], e.value("message", ""));
    std::fflush(stdout);
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

int cmd_up(const Globals& g, const UpOptions& o) {
  auto t0 = Clock::now();
  int rc = 0;
  ProgressToStderr progress(g.json);
  auto spec = definition_for_root(g, o.from, &rc);
  if (!spec) return rc;
  ClusterPaths p(spec->name);

  if (auto c = connect_supervisor(p)) {
    auto rec = read_record(p);
    if (rec && same_cluster(rec->spec, *spec)) *spec = rec->spec;
    if (rec && !same_cluster(rec->spec, *spec)) {
      print_error(fmt::format("cluster {} is running with a different definition than {}; "
                              "`umlcluster down` it first (its disks are kept)", spec->name,
                              g.file.empty() ? "the default" : g.file));
      return kExitFailed;
    }
    auto reply = c->request({{"op", "start"}});
    if (!reply) {
      print_error(reply.error().message);
      return kExitFailed;
    }
    auto started = (*reply).value("started", std::vector<std::string>{});
    if (started.empty()) {
      fmt::print("cluster {} is already up; nothing changed\n", spec->name);
      progress.restore();
      print_status((*reply)["status"], g.json);
      return 0;
    }
    fmt::print("cluster {} is up; starting {} stopped node(s)\n", spec->name, started.size());
    if (!wait_until_ready(*c, (*reply)["status"], started)) return kExitFailed;
    auto st = c->request({{"op", "status"}});
    if (st) {
      add_o2cb_state(*c, *spec, *st);
      progress.restore();
      print_status(*st, g.json);
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
  auto snap = c->request({{"op", "subscribe"}});
  if (!snap) {
    print_error(snap.error().message);
    return kExitFailed;
  }
  if (!wait_until_ready(*c, *snap, {})) {
    fmt::print(stderr, "stopping what started; the cluster's state and logs stay in {}\n", p.dir);
    (void)stop_cluster(p, true);
    return kExitFailed;
  }
  fmt::print("cluster {} is up: {} node(s) ready in {:.1f} s ({:.1f} s in all)\n", spec->name,
             spec->nodes.size(), since(boot0), since(t0));
  auto st = c->request({{"op", "status"}});
  if (st) {
    add_o2cb_state(*c, *spec, *st);
    progress.restore();
    print_status(*st, g.json);
  }
  return 0;
}

}  // namespace uc::cli
