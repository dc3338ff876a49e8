// The chaos report as one self-contained HTML page: inline style, inline SVG, the shared
// report's small inline self-check script, nothing loaded from anywhere. Every text that
// came from the run (node names, event messages, errors, fsck output) is escaped.
#include <fmt/format.h>

#include <algorithm>

#include "chaos/chaos_html_parts.h"
#include "chaos/chaos_report.h"
#include "report/html_escape.h"
#include "report/page_assets.h"
#include "report/report_tables.h"

namespace uc::chaos {
namespace {

using report::format_number;
using report::html_escape;

const char* const kChaosStyle = R"CSS(
.verdict { border-radius: 8px; padding: 14px 18px; margin: 0 0 16px; color: #fff; }
.verdict.pass { background: #15803d; } .verdict.fail { background: #b91c1c; }
.verdict h1 { margin: 0; } .verdict ul { margin: 8px 0 0; padding-left: 20px; }
section.card { margin: 20px 0; }
code.cmd { display: block; margin-top: 10px; padding: 6px 10px; background: #eef1f5; border-radius: 4px;
  white-space: pre-wrap; word-break: break-all; user-select: all; }
td.bad, dd.bad { color: #b91c1c; font-weight: 600; }
tr.total th, tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
tr.absent td { color: #8a94a6; }
td.wrap, pre.fsck { white-space: pre-wrap; word-break: break-word; }
pre.fsck { background: #f8f9fb; padding: 8px 10px; border-radius: 4px; max-height: 24em; overflow: auto; }
svg.states { display: block; width: 100%; height: auto; }
)CSS";

std::string fact(const char* name, const std::string& value_html) {
  return fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", name, value_html);
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
  return out;
}

std::string verdict(const ChaosRun& run) {
  auto reasons = run.failure_reasons();
  std::string title =
      run.cluster.empty() ? "Chaos run" : "Chaos run on " + html_escape(run.cluster);
  if (reasons.empty())
    return fmt::format(
        "<section class=\"verdict pass\" data-verdict=\"pass\"><h1>PASS \u2013 {}</h1><p>{} faults "
        "applied; "
        "verify passed, every node came back and fsck found the shared disk clean.</p></section>",
        title, run.applied.size());
  std::string s = fmt::format(
      "<section class=\"verdict fail\" data-verdict=\"fail\"><h1>FAIL \u2013 {}</h1><ul>", title);
  for (const auto& r : reasons) s += "<li>" + html_escape(r) + "</li>";
  return s + "</ul></section>";
}

std::string options_card(const ChaosRun& run) {
  const auto& o = run.options;
  std::string s = "<section class=\"card\"><h2>Options</h2><dl class=\"facts\">";
  s += fact("Cluster", run.cluster.empty() ? "\u2013" : html_escape(run.cluster));
  s += fact("Seed", fmt::format("{}", o.seed));
  s += fact("Duration", format_number(o.duration_s, 1) + " s");
  s += fact("Interval", format_number(o.interval_s, 1) + " s");
  s += fact("Faults", html_escape(join(o.faults, ", ")));
  s += fact("Nodes", html_escape(join(o.nodes, ", ")));
  s += fact("Planned", fmt::format("{} faults", run.plan.size()));
  s += "</dl><p class=\"caption\">The same seed and options give the same schedule. To repeat this "
       "run:</p>";
  return s + "<code class=\"cmd\">" + html_escape(reproduce_command(o, run.cluster)) +
         "</code></section>";
}

std::string charts_card(const ChaosRun& run) {
  return "<section class=\"card\"><h2>Faults and throughput</h2><figure>" +
         html::throughput_chart(run) +
         "</figure><p class=\"caption\">Shaded bands are the faults while they lasted; dashed "
         "lines are "
         "crashes and the cluster's events. A node's line dropping to zero during a band is the "
         "fault "
         "at work; staying there after it is a node that did not recover.</p><figure>" +
         html::state_timeline(run) +
         "</figure><p class=\"caption\">Green: running; amber: hung or stopped; red: restarting or "
         "failed; "
         "grey: other states. The top row is the faults (hover for the target).</p></section>";
}

std::string details(const PlannedFault& f) {
  if (f.kind == "crash") return "power cut";
  std::string s = fmt::format("for {:.1f} s", f.for_s);
  if (f.kind == "net")
    s += fmt::format(", delay {} ms, jitter {} ms, loss {:.1f} %", f.delay_ms, f.jitter_ms,
                     f.loss_pct);
  return s;
}

std::string fault_row(const PlannedFault& f, const std::string& start, const std::string& end,
                      const std::string& error, const char* cls) {
  return fmt::format(
      "<tr{}><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
      "<td class=\"wrap{}\">{}</td></tr>",
      cls, start, end, html_escape(f.kind), html_escape(target_of(f)), html_escape(details(f)),
      error.empty() ? "" : " bad", html_escape(error));
}

std::string faults_card(const ChaosRun& run) {
  std::string s =
      "<section class=\"card\"><h2>Faults applied</h2><div class=\"scroll\"><table "
      "data-table=\"faults\">"
      "<thead><tr><th class=\"num\">start (s)</th><th class=\"num\">end "
      "(s)</th><th>kind</th><th>target</th>"
      "<th>details</th><th>error</th></tr></thead><tbody>";
  for (const auto& a : run.applied)
    s +=
        fault_row(a.fault, format_number(a.started_s, 1), format_number(a.ended_s, 1), a.error, "");
  // Planned faults the run never reached (it was cut short, or stopped at an error).
  for (const auto& f : run.plan) {
    bool reached = std::any_of(run.applied.begin(), run.applied.end(),
                               [&](const AppliedFault& a) { return a.fault == f; });
    if (!reached)
      s += fault_row(f, format_number(f.at_s, 1) + " planned", "\u2013", "not applied",
                     " class=\"absent\"");
  }
  return s + "</tbody></table></div></section>";
}

std::string verify_card(const ChaosRun& run) {
  std::string s = fmt::format("<section class=\"card\"><h2>Verify: {}</h2>",
                              run.verify_passed ? "passed" : "FAILED");
  s += html::verify_body(run.verify);
  s += fmt::format("<h3>fsck of the shared disk: {}</h3>", run.fsck_clean ? "clean" : "NOT clean");
  s += run.fsck_summary.empty() ? "<p class=\"caption\">No fsck output was recorded.</p>"
                                : "<pre class=\"fsck\">" + html_escape(run.fsck_summary) + "</pre>";
  s += fmt::format("<p>Every node back at the end: <strong>{}</strong></p>",
                   run.all_nodes_back ? "yes" : "no");
  return s + "</section>";
}

// Each fence of the run and what decided it: the host's own evidence (its "fenced" events:
// a stalled or zombie heartbeat read from the disk file, a silent agent) or the node's kernel
// (OCFS2's self-fence lines on its console).
std::string fences_card(const ChaosRun& run) {
  std::vector<const TimelineEvent*> fences;
  for (const auto& e : run.events)
    if (is_fence_event(e.type)) fences.push_back(&e);
  std::stable_sort(fences.begin(), fences.end(), [](auto* a, auto* b) { return a->t_s < b->t_s; });
  std::string s = fmt::format("<section class=\"card\"><h2>Fences ({})</h2>", fences.size());
  if (fences.empty()) return s + "<p class=\"caption\">No node was fenced.</p></section>";
  s += "<div class=\"scroll\"><table data-table=\"fences\"><thead><tr><th class=\"num\">t "
       "(s)</th><th>node</th><th>by</th><th>evidence</th></tr></thead><tbody>";
  for (const auto* e : fences)
    s += fmt::format(
        "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"wrap\">{}</td></tr>",
        format_number(e->t_s, 1), html_escape(e->node),
        e->type == "fenced" ? "the host" : "its kernel", html_escape(e->message));
  return s + "</tbody></table></div></section>";
}

std::string events_card(const ChaosRun& run) {
  auto events = run.events;
  std::stable_sort(events.begin(), events.end(), [](auto& a, auto& b) { return a.t_s < b.t_s; });
  std::string s = fmt::format(
      "<section class=\"card\"><h2>Events ({})</h2><div class=\"scroll\"><table "
      "data-table=\"events\"><thead><tr>"
      "<th class=\"num\">t (s)</th><th>node</th><th>type</th><th>message</th></tr></thead><tbody>",
      events.size());
  for (const auto& e : events)
    s += fmt::format(
        "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td class=\"wrap\">{}</td></tr>",
        format_number(e.t_s, 1), html_escape(e.node), html_escape(e.type), html_escape(e.message));
  return s + "</tbody></table></div></section>";
}

}  // namespace

std::string render_chaos_html(const ChaosRun& run) {
  std::string s =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  s += fmt::format("<title>umlcluster chaos \u2013 {}{}</title>", run.passed() ? "PASS" : "FAIL",
                   run.cluster.empty() ? "" : " \u2013 " + html_escape(run.cluster));
  s += fmt::format("<style>{}{}</style><script>{}</script></head>\n<body><main>",
                   report::kPageStyle, kChaosStyle, report::kErrorRecorderScript);
  s += verdict(run) + options_card(run) + charts_card(run) + faults_card(run) + verify_card(run) +
       fences_card(run) + events_card(run);
  s += "<footer>Written by umlcluster chaos. This page is self-contained: it loads "
       "nothing.</footer>";
  s += fmt::format("</main>\n<script>{}</script>\n</body></html>\n", report::kSelfCheckScript);
  return s;
}

}  // namespace uc::chaos
