#include "report/html_report.h"

#include <fmt/format.h>

#include "report/html_escape.h"
#include "report/json_fields.h"
#include "report/page_assets.h"
#include "report/report_charts.h"
#include "report/report_tables.h"
#include "report/svg_chart.h"

namespace uc::report {
namespace {

// "2026-11-25T09:30:00Z" reads better as "2026-11-25 09:30:00 UTC".
std::string readable_time(std::string iso) {
  if (iso.size() > 10 && iso[10] == 'T') iso[10] = ' ';
  if (!iso.empty() && iso.back() == 'Z') iso.replace(iso.size() - 1, 1, " UTC");
  return iso;
}

std::string fact(const char* name, const std::string& value_html) {
  return fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", name, value_html);
}

std::string host_facts(const nlohmann::json& report) {
  auto& host = object_field(report, "host");
  std::string s = "<dl class=\"facts\">";
  auto text_or_dash = [](const std::string& t) {
    return t.empty() ? std::string("\u2013") : html_escape(t);
  };
  s += fact("Host", text_or_dash(text_field(host, "hostname")));
  s += fact("Kernel", text_or_dash(text_field(host, "kernel")));
  s += fact("CPU cores", format_number(number_field(host, "cores"), 0));
  auto mem = number_field(host, "mem_total_bytes");
  s += fact("Memory", mem ? format_number(*mem / (1024.0 * 1024 * 1024), 1) + " GB" : "\u2013");
  auto window = number_field(report, "window_s"), interval = number_field(report, "interval_s");
  s += fact("Averaged over", window ? format_number(window, 0) + " s per row" : "\u2013");
  s += fact("Sampled every", interval ? format_number(interval, 1) + " s" : "\u2013");
  auto sampler = number_field(report, "sampler_cpu_percent");
  s += fact("Sampler's own CPU", sampler ? format_number(sampler, 1) + " %" : "\u2013");
  return s + "</dl>";
}

std::string header(const nlohmann::json& report) {
  std::string cluster = text_field(report, "cluster");
  std::string when = text_field(report, "generated_at");
  std::string s = "<header><h1>What a UML cluster costs its host</h1><p class=\"subtitle\">";
  s +=
      cluster.empty() ? "Cluster unnamed" : "Cluster <strong>" + html_escape(cluster) + "</strong>";
  if (!when.empty()) s += " \u00b7 generated " + html_escape(readable_time(when));
  s += " \u00b7 host CPU per core, memory and load with no node running, then after each node "
       "started</p>";
  return s + host_facts(report) + "</header>";
}

std::string tables(const nlohmann::json& report) {
  std::string s =
      "<section class=\"tables\"><div class=\"card ours\"><h2>Our figures</h2><div "
      "class=\"scroll\">";
  s += our_figures_table(report);
  s += "</div><p class=\"caption\">Each row averages the host over the window before the next node "
       "starts; \u0394 is the change from the row above. MB = 2<sup>20</sup> bytes, as htop "
       "counts.</p>";
  std::string nodes = per_node_table(report);
  if (!nodes.empty()) {
    s += "<h3>Host cost of each node (its processes' CPU and proportional memory)</h3><div "
         "class=\"scroll\">";
    s += nodes + "</div>";
  }
  s += "</div>";
  std::string paper = paper_table(report);
  if (!paper.empty()) {
    s += "<div class=\"card theirs\"><h2>The paper's Table 4</h2><div class=\"scroll\">" + paper +
         "</div>";
    s += "<p class=\"caption\">Khadafi &amp; Darmanto, read from htop on a 2-core laptop (Ubuntu "
         "8.04, "
         "host kernel 2.6.21). The paper heads its last column \u201cLoad average (ms)\u201d; it "
         "is the "
         "load average, a unitless run-queue length.</p></div>";
  }
  return s + "</section>";
}

std::string charts(const nlohmann::json& report) {
  std::string s = "<section class=\"charts\"><h2>Over time</h2><div class=\"chart-grid\">";
  for (auto& spec : report_charts(report))
    s += "<figure class=\"card\">" + render_svg_chart(spec) + "</figure>";
  s += "</div><p class=\"caption\">Shaded bands are the experiment's phases; dashed lines are "
       "events "
       "(a node starting, a node ready). Node memory is PSS: shared pages split between the "
       "processes "
       "that share them.</p></section>";
  return s;
}

}  // namespace

std::string render_html(const nlohmann::json& report) {
  std::string cluster = text_field(report, "cluster");
  std::string s =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">";
  s += fmt::format("<title>umlcluster report{}</title>",
                   cluster.empty() ? "" : " \u2013 " + html_escape(cluster));
  s += fmt::format("<style>{}</style><script>{}</script></head>\n<body><main>", kPageStyle,
                   kErrorRecorderScript);
  s += header(report);
  s += tables(report);
  s += charts(report);
  s += "<footer>Written by umlcluster report. This page is self-contained: it loads "
       "nothing.</footer>";
  s += fmt::format("</main>\n<script>{}</script>\n</body></html>\n", kSelfCheckScript);
  return s;
}

}  // namespace uc::report
