// The figures of `umlcluster top` as Prometheus text (exposition format 0.0.4), for
// `umlcluster metrics`. The host's figures carry node_exporter's names, so its dashboards
// and alerts work unchanged; the nodes' carry umlcluster_ names with cluster and node
// labels. A pure formatter: the caller samples, this only writes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "monitor/guest_view.h"
#include "monitor/proc_parse.h"
#include "monitor/sampler.h"

namespace uc::metrics {

using monitor::GuestView;

struct NodeMetrics {
  std::string name, state, address;  // as the supervisor reports them
  // Its host processes' cost; absent: not sampled. PSS only counts once pss_taken_at is set.
  std::optional<monitor::NodeSample> host;
  std::optional<GuestView> guest;    // absent: the guest did not answer
  std::vector<std::string> volumes;  // OCFS2 mount points it should have
  // The host's own heartbeat evidence (the supervisor reads it from the disk file): absent
  // without a supervisor's word (a stopped cluster, an older supervisor).
  std::optional<double> heartbeat_age_s;  // absent: no beat of this life seen yet
  std::optional<int> fences;
  bool disk_fenced = false;
};

struct MetricsInput {
  std::string cluster;
  monitor::HostSample host;
  long clk_tck = 100;  // sysconf(_SC_CLK_TCK): /proc's jiffies and ticks per second
  std::vector<NodeMetrics> nodes;
};

std::string prometheus_text(const MetricsInput& in);

}  // namespace uc::metrics
