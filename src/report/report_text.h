// The report's terminal table and CSV, and the paper's own Table 4 (Khadafi & Darmanto:
// htop on a 2-core laptop, no node / node0 / node1) to print beside ours.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace uc::report {

// The paper's Table 4 as report JSON (`paper_table4`): label, cpu_cores_percent,
// mem_used_mb, mem_total_mb, load1.
nlohmann::json paper_table4();

// Our rows in the paper's shape, then the paper's table for reference.
std::string render_table(const nlohmann::json& report);
// One line a row; per-core and per-node columns follow the host's cores and the nodes.
std::string render_rows_csv(const nlohmann::json& report);
// One line a sample of the time series.
std::string render_series_csv(const nlohmann::json& report);

}  // namespace uc::report
