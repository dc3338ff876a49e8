#include "net/net_rules.h"

#include <gtest/gtest.h>

#include "net/switch_control.h"

namespace uc::net {
namespace {

constexpr Mac kA = 0xfefdc0a80070, kB = 0xfefdc0a80074;

// The error of decoding `text`, or "" when it decodes.
std::string error_of(const std::string& text) {
  auto r = decode_net_rules(text);
  return r ? "" : r.error().message;
}

TEST(NetRulesMac, TextAndParse) {
  EXPECT_EQ(mac_text(kA), "fe:fd:c0:a8:00:70");
  EXPECT_EQ(parse_mac("fe:fd:c0:a8:00:70"), kA);
  EXPECT_EQ(parse_mac("FE:FD:C0:A8:00:70"), kA);
  EXPECT_EQ(parse_mac("00:00:00:00:00:00"), Mac{0});
  for (const char* bad :
       {"", "fe:fd:c0:a8:00", "fe:fd:c0:a8:00:70:", "fe-fd-c0-a8-00-70", "fefdc0a80070",
        "fe:fd:c0:a8:00:7g", "fe:fd:c0:a8:0:070", " fe:fd:c0:a8:00:7", "+e:fd:c0:a8:00:70"})
    EXPECT_FALSE(parse_mac(bad)) << bad;
}

TEST(NetRules, RoundTrip) {
  NetRules r;
  r.blocked = {{kA, kB}, {kB, kA}};
  r.links[kB] = {200, 50, 10.0};
  r.links[kA] = {0, 0, 0.125};
  auto back = decode_net_rules(encode(r));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, r);
  EXPECT_EQ(encode(NetRules{}), "{}");
}

TEST(NetRules, DecodesTheDocumentedExample) {
  auto r = decode_net_rules(
      R"({"blocked":[["fe:fd:c0:a8:00:70","fe:fd:c0:a8:00:74"]],)"
      R"("links":{"fe:fd:c0:a8:00:74":{"delay_ms":200,"jitter_ms":50,"loss_pct":10.0}}})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->blocked, (std::set<std::pair<Mac, Mac>>{{kA, kB}}));
  EXPECT_EQ(r->links.at(kB), (LinkImpairment{200, 50, 10.0}));
}

TEST(NetRules, KeysAndFieldsAreOptional) {
  for (const char* ok :
       {"{}", R"({"blocked":[]})", R"({"links":{}})", R"({"links":{"fe:fd:c0:a8:00:74":{}}})",
        R"({"links":{"fe:fd:c0:a8:00:74":{"loss_pct":100}}})",
        R"({"links":{"fe:fd:c0:a8:00:74":{"delay_ms":10,"jitter_ms":60000}}})"})
    EXPECT_EQ(error_of(ok), "") << ok;
  EXPECT_TRUE(decode_net_rules("{}")->empty());
}

TEST(NetRules, RefusesWhatIsNotARulesObject) {
  EXPECT_EQ(error_of(""), "rules: not valid JSON");
  EXPECT_EQ(error_of("{\"blocked\":"), "rules: not valid JSON");
  EXPECT_EQ(error_of("[]"), "rules: must be a JSON object");
  EXPECT_EQ(error_of("null"), "rules: must be a JSON object");
  EXPECT_EQ(error_of(R"({"cut":[]})"), "rules: unknown key \"cut\" (want blocked, links)");
  EXPECT_EQ(error_of(std::string(100000, '[') + std::string(100000, ']')),
            "rules: nested too deeply");
}

TEST(NetRules, ValidatesBlockedPairs) {
  EXPECT_EQ(error_of(R"({"blocked":{}})"), "blocked: must be an array of [from, to] MAC pairs");
  EXPECT_EQ(error_of(R"({"blocked":["fe:fd:c0:a8:00:70"]})"),
            "blocked[0]: must be a [from, to] pair of MACs");
  EXPECT_EQ(error_of(R"({"blocked":[["fe:fd:c0:a8:00:70"]]})"),
            "blocked[0]: must be a [from, to] pair of MACs");
  EXPECT_EQ(
      error_of(R"({"blocked":[["fe:fd:c0:a8:00:70","fe:fd:c0:a8:00:74","fe:fd:c0:a8:00:78"]]})"),
      "blocked[0]: must be a [from, to] pair of MACs");
  EXPECT_EQ(
      error_of(
          R"({"blocked":[["fe:fd:c0:a8:00:70","fe:fd:c0:a8:00:74"],[1,"fe:fd:c0:a8:00:74"]]})"),
      "blocked[1][0]: must be a MAC address string");
  EXPECT_EQ(
      error_of(R"({"blocked":[["fe:fd:c0:a8:00:70","node2"]]})"),
      "blocked[0][1]: \"node2\" is not a MAC address (want six hex pairs like fe:fd:c0:a8:00:70)");
}

TEST(NetRules, BoundsTheNumberOfPairsAndLinks) {
  std::string pairs;
  for (size_t i = 0; i <= kMaxBlockedPairs; ++i)
    pairs += std::string(i ? "," : "") + "[\"fe:fd:c0:a8:00:70\",\"" + mac_text(kB + i) + "\"]";
  EXPECT_EQ(error_of("{\"blocked\":[" + pairs + "]}"), "blocked: 4097 pairs, at most 4096 allowed");
  std::string links;
  for (size_t i = 0; i <= kMaxLinks; ++i)
    links += std::string(i ? "," : "") + "\"" + mac_text(kB + i) + "\":{}";
  EXPECT_EQ(error_of("{\"links\":{" + links + "}}"), "links: 1025 entries, at most 1024 allowed");
}

TEST(NetRules, ValidatesLinks) {
  auto link = [](const std::string& body) {
    return error_of(R"({"links":{"fe:fd:c0:a8:00:74":)" + body + "}}");
  };
  const std::string f = "links[\"fe:fd:c0:a8:00:74\"]";
  EXPECT_EQ(error_of(R"({"links":[]})"), "links: must be an object from MAC to impairment");
  EXPECT_EQ(
      error_of(R"({"links":{"node2":{}}})"),
      "links key: \"node2\" is not a MAC address (want six hex pairs like fe:fd:c0:a8:00:70)");
  EXPECT_EQ(error_of(R"({"links":{"fe:fd:c0:a8:00:74":{},"FE:FD:C0:A8:00:74":{}}})"),
            f + ": MAC given twice");
  EXPECT_EQ(link("5"), f + ": must be an object with delay_ms, jitter_ms, loss_pct");
  EXPECT_EQ(link(R"({"latency":5})"),
            f + ": unknown key \"latency\" (want delay_ms, jitter_ms, loss_pct)");
  const std::string delay_err = f + ".delay_ms: must be an integer from 0 to 60000";
  for (const char* bad :
       {"-1", "60001", "1.5", "\"200\"", "true", "null", "18446744073709551615", "1e3"})
    EXPECT_EQ(link(std::string(R"({"delay_ms":)") + bad + "}"), delay_err) << bad;
  EXPECT_EQ(link(R"({"jitter_ms":70000})"), f + ".jitter_ms: must be an integer from 0 to 60000");
  const std::string loss_err = f + ".loss_pct: must be a number from 0 to 100";
  for (const char* bad : {"-0.1", "100.5", "\"10\"", "null", "true", "[]"})
    EXPECT_EQ(link(std::string(R"({"loss_pct":)") + bad + "}"), loss_err) << bad;
}

TEST(NetRules, JitterMayExceedDelay) {
  EXPECT_EQ(error_of(R"({"links":{"fe:fd:c0:a8:00:74":{"jitter_ms":500}}})"), "");
}

TEST(SwitchControl, AppliesRulesAndRepliesOk) {
  SwitchCore core;
  EXPECT_EQ(
      handle_control_message(core, R"({"blocked":[["fe:fd:c0:a8:00:70","fe:fd:c0:a8:00:74"]]})"),
      "ok");
  EXPECT_EQ(core.rules().blocked.size(), 1u);
  EXPECT_EQ(handle_control_message(core, "{}"), "ok");
  EXPECT_TRUE(core.rules().empty());
}

TEST(SwitchControl, ABadMessageKeepsTheRulesInForce) {
  SwitchCore core;
  ASSERT_EQ(handle_control_message(core, R"({"links":{"fe:fd:c0:a8:00:74":{"delay_ms":5}}})"),
            "ok");
  EXPECT_EQ(handle_control_message(core, R"({"links":{"fe:fd:c0:a8:00:74":{"delay_ms":-5}}})"),
            "error: links[\"fe:fd:c0:a8:00:74\"].delay_ms: must be an integer from 0 to 60000");
  EXPECT_EQ(handle_control_message(core, ""), "error: rules: not valid JSON");
  EXPECT_EQ(core.rules().links.at(kB).delay_ms, 5u);
}

TEST(SwitchControl, RefusesOversizedMessages) {
  SwitchCore core;
  std::string big = "{\"blocked\":[]" + std::string(kMaxControlMessage, ' ') + "}";
  EXPECT_EQ(
      handle_control_message(core, big),
      "error: control message of " + std::to_string(big.size()) + " bytes, at most 262144 allowed");
  EXPECT_EQ(control_too_large(300000),
            "error: control message of 300000 bytes, at most 262144 allowed");
}

}  // namespace
}  // namespace uc::net
