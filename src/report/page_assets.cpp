#include "report/page_assets.h"

namespace uc::report {

const char* const kPageStyle = R"CSS(
:root { --ink: #1f2733; --muted: #5b6678; --line: #dde2e9; --paper: #ffffff; --bg: #f3f5f8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.45 "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; }
main { max-width: 1400px; margin: 0 auto; padding: 28px 28px 40px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 18px 0 8px; color: var(--muted); }
.subtitle { color: var(--muted); margin: 0 0 16px; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0; padding: 12px 16px;
  background: var(--paper); border: 1px solid var(--line); border-radius: 8px; }
.facts div { display: flex; flex-direction: column; }
.facts dt { font-size: 11px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
.tables { display: flex; flex-wrap: wrap; gap: 20px; margin: 22px 0; align-items: flex-start; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; }
.tables .ours { flex: 3 1 660px; min-width: 0; }
.tables .theirs { flex: 2 1 400px; min-width: 0; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; width: 100%; }
th, td { padding: 5px 8px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
thead th { background: #eef1f5; font-size: 12px; font-weight: 600; color: #3d4656; vertical-align: bottom;
  white-space: normal; line-height: 1.25; }
th.group { text-align: center; border-left: 1px solid var(--line); }
tbody th { font-weight: 600; }
tbody tr:nth-child(even) { background: #fafbfc; }
.num { text-align: right; }
.delta { color: #7a4a00; }
td.absent { color: #b0b7c3; }
.of { color: var(--muted); }
.caption { color: var(--muted); font-size: 12.5px; margin: 10px 0 0; max-width: 60em; white-space: normal; }
.charts h2 { margin-top: 6px; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 20px; }
figure { margin: 0; }
svg.chart { display: block; width: 100%; height: auto; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
@media print { body { background: #fff; } .card { break-inside: avoid; } }
)CSS";

const char* const kErrorRecorderScript = R"JS(
(function () {
  var errors = [];
  function record(message) {
    errors.push(message);
    var text = errors.join(' | ');
    document.documentElement.setAttribute('data-errors', text);
    if (document.body) document.body.dataset.errors = text;
  }
  window.addEventListener('error', function (e) {
    var where = e.filename ? ' (' + e.filename + ':' + e.lineno + ')' : '';
    var what = e.message || (e.target && e.target.tagName ? 'cannot load ' + e.target.tagName : 'error');
    record(what + where);
  }, true);
  window.ucErrors = errors;
  window.ucRecordError = record;
})();
)JS";

// Runs synchronously at the end of <body>: headless Chromium's --dump-dom may dump before
// a deferred check would run, and getBBox/elementFromPoint force the layout they need.
// It runs again on `load`, which changes nothing unless late layout did.
const char* const kSelfCheckScript = R"JS(
(function () {
  function checkChart(svg) {
    var series = svg.querySelectorAll('.series');
    if (series.length === 0) return 'no series';
    for (var i = 0; i < series.length; i++) {
      var box = series[i].getBBox();
      if (!(box.width > 0)) return 'series ' + series[i].getAttribute('data-series') + ' has an empty box';
    }
    var area = svg.querySelector('.plot-area');
    if (!area) return 'no plot area';
    // elementFromPoint sees only the viewport: bring the chart into it first.
    svg.scrollIntoView({block: 'center'});
    var r = area.getBoundingClientRect();
    if (!(r.width > 0 && r.height > 0)) return 'plot area not laid out';
    var hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || !svg.contains(hit)) return 'plot area covered by ' + (hit ? hit.tagName : 'nothing');
    return '';
  }
  function check() {
    var body = document.body;
    try {
      var charts = document.querySelectorAll('svg.chart');
      var passed = 0, failures = [];
      for (var i = 0; i < charts.length; i++) {
        var why = checkChart(charts[i]);
        if (why) failures.push(charts[i].getAttribute('data-chart') + ': ' + why);
        else passed++;
      }
      window.scrollTo(0, 0);
      body.dataset.chartsRendered = String(passed);
      body.dataset.chartsTotal = String(charts.length);
      body.dataset.chartFailures = failures.join('; ');
    } catch (e) {
      window.ucRecordError('self-check: ' + e);
    }
    body.dataset.errors = (window.ucErrors || []).join(' | ');
  }
  check();
  window.addEventListener('load', check);
})();
)JS";

}  // namespace uc::report
