// The report's tables as HTML: our figures in the shape of the paper's Table 4 (with the
// change each row brought), the host cost of each node per row, and the paper's own
// Table 4 for comparison. Missing fields show as a dash.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace uc::report {

// "1.2" / "-" for absent; `sign` adds "+" to positive numbers (a change).
std::string format_number(std::optional<double> v, int decimals, bool sign = false);

std::string our_figures_table(const nlohmann::json& report);
// Empty when no row has nodes.
std::string per_node_table(const nlohmann::json& report);
// Empty when the report has no paper_table4.
std::string paper_table(const nlohmann::json& report);

}  // namespace uc::report
