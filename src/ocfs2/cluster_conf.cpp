#include "ocfs2/cluster_conf.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "config/cluster_file.h"
#include "config/validate.h"

namespace uc::ocfs2 {

std::string write_cluster_conf(const ClusterSpec& c, const std::vector<HeartbeatRegion>& regions) {
  std::string out;
  for (const auto& r : regions)
    out += fmt::format("heartbeat:\n\tregion = {}\n\tcluster = {}\n\n", r.region, c.name);
  out += fmt::format("cluster:\n\tnode_count = {}\n\theartbeat_mode = {}\n\tname = {}\n",
                     c.nodes.size(), c.heartbeat_mode(), c.name);
  for (const auto& n : c.nodes)
    out += fmt::format(
        "\nnode:\n\tip_port = {}\n\tip_address = {}\n\tnumber = {}\n\tname = {}\n"
        "\tcluster = {}\n",
        c.port, n.address.str(), n.number, n.name, c.name);
  return out;
}

std::string write_o2cb_defaults(const ClusterSpec& c) {
  return fmt::format(
      "# Written by umlcluster.\nO2CB_ENABLED=true\nO2CB_STACK=o2cb\nO2CB_BOOTCLUSTER={}\n"
      "O2CB_HEARTBEAT_THRESHOLD={}\nO2CB_IDLE_TIMEOUT_MS={}\nO2CB_KEEPALIVE_DELAY_MS={}\n"
      "O2CB_RECONNECT_DELAY_MS={}\n",
      c.name, c.o2cb.heartbeat_threshold, c.o2cb.idle_timeout_ms, c.o2cb.keepalive_delay_ms,
      c.o2cb.reconnect_delay_ms);
}

namespace {

struct Stanza {
  std::string kind;
  int line = 0;
  std::map<std::string, std::pair<std::string, int>> params;  // key -> value, line
};

}  // namespace

Result<ClusterSpec> parse_cluster_conf(const std::string& text, const std::string& source) {
  std::vector<std::pair<int, std::string>> errors;  // line, message
  auto fail = [&](int line, const std::string& field, const std::string& msg) {
    errors.push_back({line, fmt::format("{}:{}: {}: {}", source, line, field, msg)});
  };
  std::vector<Stanza> stanzas;
  std::istringstream in(text);
  std::string raw;
  int lineno = 0;
  while (std::getline(in, raw)) {
    ++lineno;
    if (!raw.empty() && raw.back() == '\r') raw.pop_back();
    std::string trimmed = raw;
    trimmed.erase(0, trimmed.find_first_not_of(" \t"));
    if (trimmed.empty() || trimmed[0] == '#') continue;
    if (raw[0] != ' ' && raw[0] != '\t') {
      if (raw.back() != ':') {
        fail(lineno, "stanza",
             fmt::format("\"{}\" is not a stanza header (cluster:, node:, heartbeat:)", raw));
        continue;
      }
      std::string kind = raw.substr(0, raw.size() - 1);
      if (kind != "cluster" && kind != "node" && kind != "heartbeat")
        fail(lineno, "stanza", fmt::format("unknown stanza \"{}\"", kind));
      stanzas.push_back({kind, lineno, {}});
      continue;
    }
    if (raw[0] != '\t') fail(lineno, "indent", "parameters must be indented with a TAB");
    auto eq = trimmed.find('=');
    if (eq == std::string::npos || stanzas.empty()) {
      fail(lineno, "parameter",
           fmt::format("\"{}\" is not \"name = value\" inside a stanza", trimmed));
      continue;
    }
    auto strip = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t") + 1);
      return s;
    };
    stanzas.back().params[strip(trimmed.substr(0, eq))] = {strip(trimmed.substr(eq + 1)), lineno};
  }

  ClusterSpec c;
  c.nodes.clear();
  const Stanza* cluster = nullptr;
  int node_count = -1, node_count_line = 0;
  for (const auto& s : stanzas)
    if (s.kind == "cluster") {
      if (cluster) fail(s.line, "cluster", "more than one cluster: stanza");
      cluster = &s;
    }
  // Where each field of the definition was written, for validate()'s problems: its line and
  // the parameter's name here. Fields that did not parse are reported already.
  std::map<std::string, std::pair<int, std::string>> where;
  std::set<std::string> unread;
  if (!cluster)
    fail(0, "cluster", "no cluster: stanza");
  else {
    auto get = [&](const char* k) {
      auto it = cluster->params.find(k);
      return it == cluster->params.end() ? std::pair<std::string, int>{"", cluster->line}
                                         : it->second;
    };
    auto [name, nl] = get("name");
    c.name = name;
    where["cluster.name"] = {nl, "cluster.name"};
    auto [count, cl] = get("node_count");
    node_count_line = cl;
    try {
      node_count = std::stoi(count);
    } catch (...) {
      fail(cl, "cluster.node_count", "expected a number");
    }
  }
  std::optional<int> port;
  for (const auto& s : stanzas) {
    if (s.kind != "node") continue;
    size_t idx = c.nodes.size();
    std::string f = fmt::format("node[{}]", idx);
    auto get = [&](const char* k) {
      auto it = s.params.find(k);
      return it == s.params.end() ? std::pair<std::string, int>{"", s.line} : it->second;
    };
    NodeSpec n;
    auto [name, nl] = get("name");
    n.name = name;
    where[f + ".name"] = {nl, f + ".name"};
    auto [num, ml] = get("number");
    where[f + ".number"] = {ml, f + ".number"};
    try {
      n.number = std::stoi(num);
    } catch (...) {
      fail(ml, f + ".number", "expected a number 0-254");
      n.number = -1;  // out of range, so that it is nobody's duplicate
      unread.insert(f + ".number");
    }
    auto [ip, il] = get("ip_address");
    where[f + ".address"] = {il, f + ".ip_address"};
    if (auto a = Ipv4::parse(ip)) {
      n.address = *a;
    } else {
      fail(il, f + ".ip_address", fmt::format("\"{}\" is not an IPv4 address", ip));
      unread.insert(f + ".address");
    }
    auto [p, pl] = get("ip_port");
    try {
      int v = std::stoi(p);
      if (port && v != *port)
        fail(pl, f + ".ip_port", "every node must use the same port here");
      else if (!port) {
        port = v;
        where["cluster.port"] = {pl, f + ".ip_port"};
      }
    } catch (...) {
      fail(pl, f + ".ip_port", "expected a port number");
    }
    auto [cl, cll] = get("cluster");
    if (cl != c.name)
      fail(cll, f + ".cluster", fmt::format("\"{}\" is not the cluster \"{}\"", cl, c.name));
    c.nodes.push_back(n);
  }
  if (cluster && node_count >= 0 && node_count != static_cast<int>(c.nodes.size()))
    fail(node_count_line, "cluster.node_count",
         fmt::format("{} does not match the {} node stanzas", node_count, c.nodes.size()));
  if (c.nodes.empty()) fail(0, "node", "no node: stanza");
  if (port) c.port = *port;
  // The subnet: the /24 around the first node (whose address could be read), as in the paper.
  for (size_t i = 0; i < c.nodes.size(); ++i)
    if (!unread.count(fmt::format("node[{}].address", i))) {
      c.subnet = Subnet{Ipv4{c.nodes[i].address.value & 0xffffff00u}, 24};
      break;
    }
  c.disks = {DiskSpec{}};
  for (const auto& p : validate(c)) {
    if (unread.count(p.field) || (p.field == "node" && c.nodes.empty())) continue;
    auto it = where.find(p.field);
    if (it == where.end())
      fail(0, p.field, p.message);
    else
      fail(it->second.first, it->second.second, p.message);
  }
  if (!errors.empty()) {
    std::stable_sort(errors.begin(), errors.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string text;
    for (const auto& [line, e] : errors) text += (text.empty() ? "" : "\n") + e;
    return err(text);
  }
  return c;
}

}  // namespace uc::ocfs2
