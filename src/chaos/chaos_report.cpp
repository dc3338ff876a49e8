// A chaos run's verdict and its JSON form.
#include "chaos/chaos_report.h"

#include <fmt/format.h>

namespace uc::chaos {

std::vector<std::string> ChaosRun::failure_reasons() const {
  std::vector<std::string> out;
  if (!verify_passed) out.push_back("the verify check failed (its counts and problems are below)");
  if (!all_nodes_back) out.push_back("not every node was back in the cluster at the end");
  if (!fsck_clean)
    out.push_back(fsck_summary.empty() ? "fsck of the shared disk did not come back clean"
                                       : "fsck of the shared disk found problems: " + fsck_summary);
  for (const auto& a : applied) {
    if (!a.error.empty())
      out.push_back(fmt::format("the {} at {:.1f} s could not be applied: {}", a.fault.kind,
                                a.started_s, a.error));
    else if (!a.ended_s && a.fault.kind != "crash")
      out.push_back(
          fmt::format("the {} at {:.1f} s was never taken off", a.fault.kind, a.started_s));
  }
  if (applied.size() < plan.size())
    out.push_back(
        fmt::format("only {} of the {} planned faults were applied", applied.size(), plan.size()));
  return out;
}

bool is_fence_event(const std::string& type) {
  return type == "fenced" || type == "fence_reset" || type == "fence_panic";
}

nlohmann::json to_json(const AppliedFault& a) {
  return {{"fault", to_json(a.fault)},
          {"started_s", a.started_s},
          {"ended_s", a.ended_s ? nlohmann::json(*a.ended_s) : nlohmann::json(nullptr)},
          {"error", a.error}};
}

nlohmann::json to_json(const ChaosRun& run) {
  nlohmann::json plan = nlohmann::json::array(), applied = nlohmann::json::array();
  for (const auto& f : run.plan) plan.push_back(to_json(f));
  for (const auto& a : run.applied) applied.push_back(to_json(a));
  nlohmann::json states = nlohmann::json::array(), events = nlohmann::json::array();
  for (const auto& s : run.node_states)
    states.push_back(
        {{"node", s.node}, {"state", s.state}, {"from_s", s.from_s}, {"to_s", s.to_s}});
  nlohmann::json fences = nlohmann::json::array();
  for (const auto& e : run.events) {
    events.push_back({{"t_s", e.t_s}, {"node", e.node}, {"type", e.type}, {"message", e.message}});
    if (is_fence_event(e.type))
      fences.push_back({{"t_s", e.t_s},
                        {"node", e.node},
                        {"by", e.type == "fenced" ? "host" : "kernel"},
                        {"evidence", e.message}});
  }
  nlohmann::json throughput = nlohmann::json::array();
  for (const auto& p : run.throughput)
    throughput.push_back({{"t_s", p.t_s}, {"node", p.node}, {"acks_per_s", p.acks_per_s}});
  return {{"cluster", run.cluster},
          {"passed", run.passed()},
          {"reasons", run.failure_reasons()},
          {"options", to_json(run.options)},
          {"reproduce", reproduce_command(run.options, run.cluster)},
          {"plan", plan},
          {"applied", applied},
          {"node_states", states},
          {"events", events},
          {"fences", fences},
          {"throughput", throughput},
          {"verify", run.verify},
          {"verify_passed", run.verify_passed},
          {"all_nodes_back", run.all_nodes_back},
          {"fsck", {{"summary", run.fsck_summary}, {"clean", run.fsck_clean}}}};
}

}  // namespace uc::chaos
