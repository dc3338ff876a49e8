// Escaping text for HTML and SVG: every string that comes from a report (node names,
// hostnames, event texts) passes through here before it reaches the page.
#pragma once

#include <string>
#include <string_view>

namespace uc::report {

// Escapes & < > " ' so the result is safe in element content and in quoted attributes.
std::string html_escape(std::string_view text);

}  // namespace uc::report
