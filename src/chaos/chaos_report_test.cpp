#include "chaos/chaos_report.h"

#include <gtest/gtest.h>

#include <functional>

#include "report/html_escape.h"
#include "support/test_text.h"

namespace uc::chaos {
namespace {

using test_support::count;

nlohmann::json counts(int acked, int lost) {
  return {{"acknowledged", acked}, {"intact", acked - lost}, {"lost", lost},
          {"corrupt", 0},          {"duplicated", 0},        {"unexpected", 1}};
}

// A run of 120 s on three nodes that went well, with one hostile event message.
ChaosRun good_run() {
  ChaosRun run;
  run.cluster = "ocfs2";
  run.options.faults = {"crash", "freeze", "partition", "net", "disk-stall"};
  run.options.seed = 42;
  run.options.nodes = {"node0", "node1", "node2"};
  run.plan = plan_chaos(run.options);
  for (const auto& f : run.plan) {
    AppliedFault a{f, f.at_s + 0.2, {}, ""};
    if (f.kind != "crash") a.ended_s = f.at_s + 0.2 + f.for_s;
    run.applied.push_back(a);
  }
  for (const auto& n : run.options.nodes) {
    run.node_states.push_back({n, "running", 0, 50});
    run.node_states.push_back({n, n == "node1" ? "restarting" : "hung", 50, 60});
    run.node_states.push_back({n, "running", 60, 120});
    for (double t = 0; t <= 120; t += 5)
      run.throughput.push_back({t, n, t > 50 && t < 60 ? 0.0 : 40.0});
  }
  run.events = {{51, "node1", "died", "power cut"},
                {58, "node1", "ready", "<script>alert(1)</script> & more"}};
  run.verify = {
      {"passed", true},
      {"kinds", {{"append", counts(100, 0)}, {"rename", counts(50, 0)}}},
      {"total", counts(150, 0)},
      {"workers", {{"node0", {{"ops", 70}, {"acks", 70}, {"errors", 0}, {"done", nullptr}}}}},
      {"dump_nodes", {"node0", "node1"}},
      {"problems", nlohmann::json::array()},
      {"notes", {"a torn tail on node2 <b>legal</b>, in flight when it crashed at 41 s"}}};
  run.verify_passed = true;
  run.all_nodes_back = true;
  run.fsck_summary = "fsck.ocfs2: clean, 12 inodes <ok>";
  run.fsck_clean = true;
  return run;
}

TEST(ChaosReport, PassesOnlyWhenEverythingHeld) {
  EXPECT_TRUE(good_run().passed());
  EXPECT_TRUE(good_run().failure_reasons().empty());
  struct Case {
    std::function<void(ChaosRun&)> change;
    std::string says;
  };
  std::vector<Case> cases = {
      {[](auto& r) { r.verify_passed = false; }, "verify check failed"},
      {[](auto& r) { r.all_nodes_back = false; }, "not every node was back"},
      {[](auto& r) { r.fsck_clean = false; }, "found problems: fsck.ocfs2: clean"},
      {[](auto& r) { r.applied[1].error = "mconsole: no such node"; },
       "could not be applied: mconsole: no such node"},
      {[](auto& r) { r.applied.pop_back(); }, "only 4 of the 5 planned faults were applied"},
  };
  for (const auto& c : cases) {
    auto run = good_run();
    c.change(run);
    ASSERT_FALSE(run.passed()) << c.says;
    ASSERT_EQ(run.failure_reasons().size(), 1u);
    EXPECT_NE(run.failure_reasons()[0].find(c.says), std::string::npos) << run.failure_reasons()[0];
  }
  auto run = good_run();
  for (auto& a : run.applied)
    if (a.fault.kind != "crash") a.ended_s.reset();
  EXPECT_EQ(run.failure_reasons().size(), 4u);  // the crash needs no end
  EXPECT_NE(run.failure_reasons()[0].find("never taken off"), std::string::npos);
}

TEST(ChaosReport, JsonHoldsTheKeyFields) {
  auto run = good_run();
  run.applied[0].ended_s.reset();
  run.applied[0].error = "refused";
  auto j = nlohmann::json::parse(to_json(run).dump());
  EXPECT_EQ(j["cluster"], "ocfs2");
  EXPECT_EQ(j["passed"], false);
  EXPECT_EQ(j["reasons"].size(), 1u);
  EXPECT_EQ(j["options"]["seed"], 42u);
  EXPECT_EQ(j["options"]["nodes"].size(), 3u);
  EXPECT_EQ(j["reproduce"], reproduce_command(run.options, "ocfs2"));
  ASSERT_EQ(j["plan"].size(), run.plan.size());
  for (size_t i = 0; i < run.plan.size(); ++i) {
    auto back = planned_fault_from_json(j["plan"][i]);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, run.plan[i]);
    EXPECT_EQ(*planned_fault_from_json(j["applied"][i]["fault"]), run.applied[i].fault);
  }
  EXPECT_TRUE(j["applied"][0]["ended_s"].is_null());
  EXPECT_EQ(j["applied"][0]["error"], "refused");
  EXPECT_DOUBLE_EQ(j["applied"][1]["ended_s"].get<double>(), *run.applied[1].ended_s);
  EXPECT_EQ(j["events"][1]["message"], "<script>alert(1)</script> & more");
  EXPECT_EQ(j["node_states"].size(), 9u);
  EXPECT_EQ(j["throughput"][0]["acks_per_s"], 40.0);
  EXPECT_EQ(j["verify"], run.verify);
  EXPECT_EQ(j["fsck"]["clean"], true);
  EXPECT_EQ(j["all_nodes_back"], true);
}

TEST(ChaosHtml, ShowsTheVerdictOptionsAndCommand) {
  auto html = render_chaos_html(good_run());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("data-verdict=\"pass\""), std::string::npos);
  EXPECT_NE(html.find("umlcluster chaos -n ocfs2 --duration 120 --interval 20 --faults "
                      "crash,freeze,partition,net,disk-stall --seed 42"),
            std::string::npos);
  auto bad = good_run();
  bad.fsck_clean = false;
  auto failed = render_chaos_html(bad);
  EXPECT_NE(failed.find("data-verdict=\"fail\""), std::string::npos);
  EXPECT_NE(failed.find("<li>fsck of the shared disk found problems: fsck.ocfs2: clean, 12 inodes "
                        "&lt;ok&gt;</li>"),
            std::string::npos);
}

TEST(ChaosHtml, HasTheThroughputChartWithFaultBandsAndTheStateTimeline) {
  auto run = good_run();
  auto html = render_chaos_html(run);
  EXPECT_EQ(count(html, "<svg class=\"chart\""), 1);
  EXPECT_NE(html.find("data-chart=\"throughput\""), std::string::npos);
  EXPECT_EQ(count(html, "<polyline class=\"series\""), 3);
  EXPECT_NE(html.find("data-series=\"node2\""), std::string::npos);
  // Four faults with a duration are bands; the crash is a marker.
  auto bands = html.substr(html.find("<g class=\"bands\">"));
  bands = bands.substr(0, bands.find("</g>"));
  EXPECT_EQ(count(bands, "<rect"), 4);
  for (const auto& f : run.plan) {
    std::string label = report::html_escape(f.kind + " " + target_of(f));
    EXPECT_NE(html.find(label), std::string::npos) << label;
  }
  EXPECT_EQ(count(html, "<svg class=\"states\" data-timeline=\"node-states\""), 1);
  EXPECT_EQ(count(html, "<rect class=\"state ok\""), 6);
  EXPECT_EQ(count(html, "<rect class=\"state warn\""), 2);
  EXPECT_EQ(count(html, "<rect class=\"state bad\""), 1);
}

TEST(ChaosHtml, EscapesEveryTextFromTheRun) {
  auto html = render_chaos_html(good_run());
  EXPECT_EQ(html.find("<script>alert(1)"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"), std::string::npos);
  EXPECT_EQ(count(html, "<script>"), 2);  // the page's own two inline scripts
  EXPECT_EQ(html.find("<b>legal</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;legal&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<ok>"), std::string::npos);
  // Loads nothing: no external scripts, styles, images or fonts.
  for (const char* external : {" src=", " href=", "@import", "url(", "http://", "https://"}) {
    std::string page = html;
    // The SVG namespace is a name, not a load.
    for (size_t at; (at = page.find("xmlns=\"http://www.w3.org/2000/svg\"")) != std::string::npos;)
      page.erase(at, 34);
    EXPECT_EQ(page.find(external), std::string::npos) << external;
  }
}

TEST(ChaosHtml, ShowsTheVerifyCountsGenerically) {
  auto run = good_run();
  run.verify["kinds"]["append"]["lost"] = 3;
  run.verify["kinds"]["append"]["torn"] = 2;  // a field the page has never heard of
  auto html = render_chaos_html(run);
  auto table = html.substr(html.find("data-table=\"kinds\""));
  table = table.substr(0, table.find("</table>"));
  EXPECT_NE(table.find("<th class=\"num\">acknowledged</th><th class=\"num\">intact</th><th "
                       "class=\"num\">lost</th>"),
            std::string::npos);
  EXPECT_NE(table.find(">torn</th>"), std::string::npos);
  EXPECT_NE(table.find("<tr><th>append</th>"), std::string::npos);
  EXPECT_NE(table.find("<tr class=\"total\"><th>total</th>"), std::string::npos);
  EXPECT_EQ(count(table, "<td class=\"num bad\">3</td>"), 1);
  EXPECT_NE(html.find("data-table=\"workers\""), std::string::npos);
  EXPECT_NE(html.find("<dt>dump nodes</dt><dd>node0, node1</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>problems</dt><dd>none</dd>"), std::string::npos);
  EXPECT_NE(html.find("<h3>notes (1)</h3>"), std::string::npos);
}

TEST(ChaosHtml, ListsAppliedAndUnreachedFaultsAndTheEvents) {
  auto run = good_run();
  run.applied.resize(3);
  run.applied[2].error = "no <agent>";
  auto html = render_chaos_html(run);
  auto table = html.substr(html.find("data-table=\"faults\""));
  table = table.substr(0, table.find("</table>"));
  EXPECT_EQ(count(table, "<tr"), 6);  // header and five faults
  EXPECT_EQ(count(table, "not applied"), 2);
  EXPECT_NE(table.find("no &lt;agent&gt;"), std::string::npos);
  auto events = html.substr(html.find("data-table=\"events\""));
  EXPECT_EQ(count(events.substr(0, events.find("</table>")), "<tr>"), 3);
}

TEST(ChaosReport, EachFenceWithWhoDecidedItAndTheEvidence) {
  auto run = good_run();
  run.events.push_back({70, "node2", "fenced", "fenced by the host: heartbeat stalled 11.5 s"});
  run.events.push_back({70.5, "node2", "fence_reset", "node2 fences itself by restarting"});
  auto j = nlohmann::json::parse(to_json(run).dump());
  ASSERT_EQ(j["fences"].size(), 2u);
  EXPECT_EQ(j["fences"][0]["by"], "host");
  EXPECT_EQ(j["fences"][0]["evidence"], "fenced by the host: heartbeat stalled 11.5 s");
  EXPECT_EQ(j["fences"][1]["by"], "kernel");
  auto html = render_chaos_html(run);
  auto table = html.substr(html.find("data-table=\"fences\""));
  table = table.substr(0, table.find("</table>"));
  EXPECT_EQ(count(table, "<tr>"), 3);  // header and two fences
  EXPECT_NE(table.find("heartbeat stalled 11.5 s"), std::string::npos);
  EXPECT_NE(render_chaos_html(good_run()).find("No node was fenced."), std::string::npos);
}

TEST(ChaosHtml, RendersARunWithNoData) {
  ChaosRun run;
  auto html = render_chaos_html(run);
  EXPECT_NE(html.find("data-verdict=\"fail\""), std::string::npos);
  EXPECT_NE(html.find("no node states recorded"), std::string::npos);
  EXPECT_NE(html.find("No verify report was recorded."), std::string::npos);
  EXPECT_NE(html.find("data-chart=\"throughput\""), std::string::npos);
}

}  // namespace
}  // namespace uc::chaos
