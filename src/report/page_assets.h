// The report page's inline style sheet and scripts: the page loads nothing from anywhere.
// The scripts only check the page (that every chart drew and can be seen); the report
// reads the same without them.
#pragma once

namespace uc::report {

extern const char* const kPageStyle;
// In <head>: records any script or resource error in the page's data-errors attribute.
extern const char* const kErrorRecorderScript;
// At the end of <body>: checks every svg.chart and records data-charts-rendered,
// data-charts-total (and data-chart-failures) on <body>.
extern const char* const kSelfCheckScript;

}  // namespace uc::report
