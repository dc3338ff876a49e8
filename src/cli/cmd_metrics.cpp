// `umlcluster metrics`: the figures of `top` in Prometheus text. Printed once, or served
// on a loopback address or unix socket that the user names (--listen); every scrape is a
// fresh sample. Nothing listens unless asked, and only on loopback.
#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>

#include "cli/commands.h"
#include "client/cluster_record.h"
#include "client/cluster_sample.h"
#include "client/cluster_target.h"
#include "client/lifecycle.h"
#include "metrics/http_endpoint.h"
#include "metrics/prometheus.h"
#include "sys/fd.h"
#include "sys/process.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_metrics {

std::string listen_at;  // "": print once; else serve on this loopback address or unix:PATH

// The OCFS2 mount points each node should have, from the cluster's definition.
std::map<std::string, std::vector<std::string>> expected_volumes(const ClusterPaths& p) {
  std::map<std::string, std::vector<std::string>> out;
  auto rec = client::read_record(p);
  if (!rec) return out;
  for (const auto& n : rec->spec.nodes)
    for (const auto& d : rec->spec.disks)
      if (d.nodes.empty() || std::find(d.nodes.begin(), d.nodes.end(), n.name) != d.nodes.end())
        out[n.name].push_back(d.mount);
  return out;
}

std::string scrape(ControlClient& c, monitor::NodeSampler& sampler,
                   const std::map<std::string, std::vector<std::string>>& volumes) {
  client::ClusterLook look = client::look_at(c, sampler, /*with_guests=*/true);
  metrics::MetricsInput in;
  in.cluster = look.status ? look.status->cluster : "";
  in.host = look.sample.host;
  in.clk_tck = ::sysconf(_SC_CLK_TCK);
  for (const auto& n : look.status ? look.status->nodes : std::vector<control::NodeStatus>{}) {
    metrics::NodeMetrics m;
    m.name = n.name;
    m.state = n.state;
    m.address = n.address;
    if (auto s = look.sample.nodes.find(m.name); s != look.sample.nodes.end()) m.host = s->second;
    if (auto g = look.guests.find(m.name); g != look.guests.end()) m.guest = g->second;
    if (auto v = volumes.find(m.name); v != volumes.end()) m.volumes = v->second;
    if (n.run) {
      m.fences = n.run->fences;
      m.disk_fenced = n.run->disk_fenced;
      if (n.run->disk_heartbeat) m.heartbeat_age_s = n.run->disk_heartbeat->age_ms / 1000.0;
    }
    in.nodes.push_back(std::move(m));
  }
  return metrics::prometheus_text(in);
}

// Serves a fresh scrape to each GET /metrics until SIGINT or SIGTERM.
int serve(const metrics::ListenSpec& spec, client::RunningCluster& rc,
          const std::map<std::string, std::vector<std::string>>& volumes) {
  Fd sigfd = signal_fd({SIGINT, SIGTERM});
  auto endpoint = metrics::HttpEndpoint::listen(spec);
  if (!endpoint) return fail(endpoint.error());
  const auto& at = endpoint->bound();
  std::string url = at.kind == metrics::ListenSpec::Kind::unix_socket
                        ? at.to_string() + " (GET /metrics)"
                        : "http://" + at.to_string() + "/metrics";
  fmt::print(stderr, "serving cluster {}'s metrics on {}; Ctrl-C stops\n", rc.name, url);
  std::fflush(stderr);
  ClusterPaths p(rc.name);
  monitor::NodeSampler sampler;  // every scrape reads every node's PSS
  auto served = endpoint->serve(
      [&] {
        if (!rc.control.request({control::Op::kPing})) {  // the cluster restarted: reconnect
          auto again = client::connect_supervisor(p);
          if (again) rc.control = std::move(*again);
        }
        return scrape(rc.control, sampler, volumes);
      },
      sigfd.get());
  if (!served) return fail(served.error());
  return 0;
}

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  cmd.add_option("--listen", listen_at,
                 "serve GET /metrics on 127.0.0.1:PORT, [::1]:PORT or unix:PATH (loopback only)");
}

int run(const Globals& g) {
  std::optional<metrics::ListenSpec> spec;
  if (!listen_at.empty()) {
    auto s = metrics::parse_listen_spec(listen_at);
    if (!s) return fail(recoded(s.error(), ErrorCode::kBadInput));
    spec = *s;
  }
  auto rc = client::connect_running(g.name, g.file);
  if (!rc) return fail(rc.error());
  auto volumes = expected_volumes(ClusterPaths(rc->name));
  if (!spec) {
    monitor::NodeSampler sampler;
    fmt::print("{}", scrape(rc->control, sampler, volumes));
    return 0;
  }
  return serve(*spec, *rc, volumes);
}

}  // namespace cmd_metrics

const Command kMetrics{
    "metrics",
    "the same figures as top in Prometheus text (node_exporter names for the host, "
    "umlcluster_* per node): printed once, or served with --listen",
    cmd_metrics::define, cmd_metrics::run};

}  // namespace uc::cli
