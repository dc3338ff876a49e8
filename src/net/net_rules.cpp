#include "net/net_rules.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "sys/json_depth.h"

namespace uc::net {
namespace {

using json = nlohmann::json;

// The format nests three deep; refusing more before parsing keeps a hostile
// "[[[[..." from costing a deep recursion when the parsed tree is destroyed.
constexpr int kMaxDepth = 4;

// Hostile text goes into error messages: keep it short.
std::string shown(const std::string& s) { return s.size() > 40 ? s.substr(0, 40) + "..." : s; }

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<Mac> mac_field(const json& j, const std::string& field) {
  if (!j.is_string()) return err(field + ": must be a MAC address string");
  const auto& s = j.get_ref<const std::string&>();
  auto m = parse_mac(s);
  if (!m)
    return err(field + ": \"" + shown(s) +
               "\" is not a MAC address (want six hex pairs like fe:fd:c0:a8:00:70)");
  return *m;
}

Result<std::set<std::pair<Mac, Mac>>> decode_blocked(const json& j) {
  if (!j.is_array()) return err("blocked: must be an array of [from, to] MAC pairs");
  if (j.size() > kMaxBlockedPairs)
    return err("blocked: " + std::to_string(j.size()) + " pairs, at most " +
               std::to_string(kMaxBlockedPairs) + " allowed");
  std::set<std::pair<Mac, Mac>> out;
  for (size_t i = 0; i < j.size(); ++i) {
    std::string field = "blocked[" + std::to_string(i) + "]";
    const json& pair = j[i];
    if (!pair.is_array() || pair.size() != 2)
      return err(field + ": must be a [from, to] pair of MACs");
    auto from = mac_field(pair[0], field + "[0]");
    if (!from) return from.error();
    auto to = mac_field(pair[1], field + "[1]");
    if (!to) return to.error();
    out.emplace(*from, *to);
  }
  return out;
}

Result<uint32_t> millis_field(const json& j, const std::string& field) {
  auto bad = err(field + ": must be an integer from 0 to " + std::to_string(kMaxDelayMs));
  if (!j.is_number_integer()) return bad;
  if (j.is_number_unsigned()) {
    auto v = j.get<uint64_t>();
    if (v > kMaxDelayMs) return bad;
    return static_cast<uint32_t>(v);
  }
  auto v = j.get<int64_t>();
  if (v < 0 || v > kMaxDelayMs) return bad;
  return static_cast<uint32_t>(v);
}

Result<LinkImpairment> decode_link(const json& j, const std::string& field) {
  if (!j.is_object()) return err(field + ": must be an object with delay_ms, jitter_ms, loss_pct");
  LinkImpairment l;
  for (const auto& [key, v] : j.items()) {
    std::string f = field + "." + key;
    if (key == "delay_ms" || key == "jitter_ms") {
      auto ms = millis_field(v, f);
      if (!ms) return ms.error();
      (key == "delay_ms" ? l.delay_ms : l.jitter_ms) = *ms;
    } else if (key == "loss_pct") {
      double p = v.is_number() ? v.get<double>() : -1;
      if (!std::isfinite(p) || p < 0 || p > 100) return err(f + ": must be a number from 0 to 100");
      l.loss_pct = p;
    } else {
      return err(field + ": unknown key \"" + shown(key) +
                 "\" (want delay_ms, jitter_ms, loss_pct)");
    }
  }
  return l;
}

Result<std::map<Mac, LinkImpairment>> decode_links(const json& j) {
  if (!j.is_object()) return err("links: must be an object from MAC to impairment");
  if (j.size() > kMaxLinks)
    return err("links: " + std::to_string(j.size()) + " entries, at most " +
               std::to_string(kMaxLinks) + " allowed");
  std::map<Mac, LinkImpairment> out;
  for (const auto& [key, v] : j.items()) {
    auto mac = mac_field(json(key), "links key");
    if (!mac) return mac.error();
    std::string field = "links[\"" + mac_text(*mac) + "\"]";
    auto link = decode_link(v, field);
    if (!link) return link.error();
    // "FE:FD:.." and "fe:fd:.." are distinct JSON keys but one MAC.
    if (!out.emplace(*mac, *link).second) return err(field + ": MAC given twice");
  }
  return out;
}

}  // namespace

std::string mac_text(Mac m) {
  static const char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 5; i >= 0; --i) {
    auto b = static_cast<unsigned>((m >> (8 * i)) & 0xff);
    s += kHex[b >> 4];
    s += kHex[b & 0xf];
    if (i) s += ':';
  }
  return s;
}

std::optional<Mac> parse_mac(std::string_view t) {
  if (t.size() != 17) return std::nullopt;
  Mac m = 0;
  for (size_t i = 0; i < 6; ++i) {
    if (i > 0 && t[3 * i - 1] != ':') return std::nullopt;
    int hi = hex_digit(t[3 * i]), lo = hex_digit(t[3 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    m = (m << 8) | static_cast<Mac>(hi << 4 | lo);
  }
  return m;
}

std::string encode(const NetRules& r) {
  json j = json::object();
  if (!r.blocked.empty()) {
    json b = json::array();
    for (const auto& [from, to] : r.blocked) b.push_back({mac_text(from), mac_text(to)});
    j["blocked"] = std::move(b);
  }
  if (!r.links.empty()) {
    json l = json::object();
    for (const auto& [mac, imp] : r.links)
      l[mac_text(mac)] = {
          {"delay_ms", imp.delay_ms}, {"jitter_ms", imp.jitter_ms}, {"loss_pct", imp.loss_pct}};
    j["links"] = std::move(l);
  }
  return j.dump();
}

Result<NetRules> decode_net_rules(std::string_view text) {
  if (!json_depth_within(text, kMaxDepth)) return err("rules: nested too deeply");
  auto j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return err("rules: not valid JSON");
  if (!j.is_object()) return err("rules: must be a JSON object");
  NetRules r;
  for (const auto& [key, v] : j.items()) {
    if (key == "blocked") {
      auto b = decode_blocked(v);
      if (!b) return b.error();
      r.blocked = std::move(*b);
    } else if (key == "links") {
      auto l = decode_links(v);
      if (!l) return l.error();
      r.links = std::move(*l);
    } else {
      return err("rules: unknown key \"" + shown(key) + "\" (want blocked, links)");
    }
  }
  return r;
}

}  // namespace uc::net
