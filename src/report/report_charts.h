// The report's charts: turns the sampled `series` and the `events` of a report into chart
// specs (host CPU per core, host memory, load, and per node memory and CPU over time),
// with the experiment's phases as shaded bands and the events as markers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/svg_chart.h"

namespace uc::report {

// Node names in natural order: node2 before node10.
bool natural_less(const std::string& a, const std::string& b);

// The five charts, in page order, with ids cpu, memory, load, node-memory, node-cpu.
std::vector<ChartSpec> report_charts(const nlohmann::json& report);

}  // namespace uc::report
