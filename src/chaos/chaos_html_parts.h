// The pieces of the chaos report page (chaos_html.cpp puts them together): the charts, the
// verify tables, and what they share. Internal to src/chaos; every text in their output is
// escaped.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "chaos/chaos_report.h"

namespace uc::chaos::html {

// A fault's stretch of time, for bands: as applied when the run applied any, else as planned.
// A crash is an instant (x0 == x1) and shows as a marker instead.
struct FaultSpan {
  double x0 = 0, x1 = 0;
  std::string label;  // "freeze node1", "partition node0 | node1,node2"
};
std::vector<FaultSpan> fault_spans(const ChaosRun& run);

// The run's nodes: the options' order first, then any other node named in the data, in
// natural order.
std::vector<std::string> run_nodes(const ChaosRun& run);

// <svg class="chart" data-chart="throughput">: acks/s per node over time, faults as bands,
// crashes and events as markers.
std::string throughput_chart(const ChaosRun& run);

// <svg class="states" data-timeline="node-states">: a row per node of coloured state spans,
// the faults shaded behind them, with a legend of the states shown.
std::string state_timeline(const ChaosRun& run);
// "ok", "warn", "bad" or "other": running, hung/stopped, restarting/failed, the rest.
std::string state_class(const std::string& state);

// The verify report rendered generically: its scalar fields as facts, its objects of
// counters as tables (a lone object of counters such as "total" joins the table it fits),
// its lists as lists.
std::string verify_body(const nlohmann::json& verify);

}  // namespace uc::chaos::html
