// The report as one self-contained HTML5 page: inline CSS, inline SVG charts, a small inline
// self-check script, nothing loaded from the network. Input is the JSON that
// `umlcluster report` writes; a missing or odd field shows as a dash or an empty chart,
// never as a failure.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace uc::report {

std::string render_html(const nlohmann::json& report);

}  // namespace uc::report
