// `umlcluster metrics`: the figures of `top` in Prometheus text. Printed once, or served
// on a loopback address or unix socket that the user names (--listen); every scrape is a
// fresh sample. Nothing listens unless asked, and only on loopback.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <fmt/format.h>

#include "client/cluster_sample.h"
#include "cli/commands.h"
#include "metrics/http_endpoint.h"
#include "metrics/prometheus.h"
#include "sys/fd.h"
#include "sys/process.h"

namespace uc::cli {
namespace {

// The OCFS2 mount points each node should have, from the cluster's definition.
std::map<std::string, std::vector<std::string>> expected_volumes(const ClusterPaths& p) {
  std::map<std::string, std::vector<std::string>> out;
  auto rec = read_record(p);
  if (!rec) return out;
  for (const auto& n : rec->spec.nodes)
    for (const auto& d : rec->spec.disks)
      if (d.nodes.empty() || std::find(d.nodes.begin(), d.nodes.end(), n.name) != d.nodes.end())
        out[n.name].push_back(d.mount);
  return out;
}

std::string scrape(ControlClient& c, monitor::NodeSampler& sampler,
                   const std::map<std::string, std::vector<std::string>>& volumes) {
  ClusterLook look = look_at(c, sampler, /*with_guests=*/true);
  metrics::MetricsInput in;
  in.cluster = look.status.is_object() ? look.status.value("cluster", "") : "";
  in.host = look.sample.host;
  in.clk_tck = ::sysconf(_SC_CLK_TCK);
  for (const auto& n : look.status.is_object() ? look.status.value("nodes", nlohmann::json::array())
                                               : nlohmann::json::array()) {
    metrics::NodeMetrics m;
    m.name = n.value("name", "");
    m.state = n.value("state", "");
    m.address = n.value("address", "");
    if (auto s = look.sample.nodes.find(m.name); s != look.sample.nodes.end()) m.host = s->second;
    if (auto g = look.guests.find(m.name); g != look.guests.end()) m.guest = g->second;
    if (auto v = volumes.find(m.name); v != volumes.end()) m.volumes = v->second;
    in.nodes.push_back(std::move(m));
  }
  return metrics::prometheus_text(in);
}

}  // namespace

int cmd_metrics(const Globals& g, const std::string& listen) {
  std::optional<metrics::ListenSpec> spec;
  if (!listen.empty()) {
    auto s = metrics::parse_listen_spec(listen);
    if (!s) {
      print_error(s.error().message);
      return kExitBadInput;
    }
    spec = *s;
  }
  int rc = 0;
  std::string name;
  auto c = connect_running(g, &name, &rc);
  if (!c) return rc;
  ClusterPaths p(name);
  auto volumes = expected_volumes(p);
  monitor::NodeSampler sampler;  // every scrape reads every node's PSS
  if (!spec) {
    fmt::print("{}", scrape(*c, sampler, volumes));
    return 0;
  }
  Fd sigfd = signal_fd({SIGINT, SIGTERM});
  auto endpoint = metrics::HttpEndpoint::listen(*spec);
  if (!endpoint) {
    print_error(endpoint.error().message);
    return kExitFailed;
  }
  const auto& at = endpoint->bound();
  std::string url = at.kind == metrics::ListenSpec::Kind::unix_socket
                        ? at.to_string() + " (GET /metrics)"
                        : "http://" + at.to_string() + "/metrics";
  fmt::print(stderr, "serving cluster {}'s metrics on {}; Ctrl-C stops\n", name, url);
  std::fflush(stderr);
  auto served = endpoint->serve([&] {
    if (!c->request({control::Op::kPing})) {  // the cluster restarted: reconnect
      auto again = connect_supervisor(p);
      if (again) c = std::move(again);
    }
    return scrape(*c, sampler, volumes);
  }, sigfd.get());
  if (!served) {
    print_error(served.error().message);
    return kExitFailed;
  }
  return 0;
}

}  // namespace uc::cli
