#include "ocfs2/cluster_conf.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <sstream>

#include "config/cluster_file.h"

namespace uc::ocfs2 {

std::string write_cluster_conf(const ClusterSpec& c, const std::vector<HeartbeatRegion>& regions) {
  std::string out;
  for (const auto& r : regions)
    out += fmt::format("heartbeat:\n\tregion = {}\n\tcluster = {}\n\n", r.region, c.name);
  out += fmt::format("cluster:\n\tnode_count = {}\n\theartbeat_mode = {}\n\tname = {}\n",
                     c.nodes.size(), c.heartbeat_mode(), c.name);
  for (const auto& n : c.nodes)
    out += fmt::format("\nnode:\n\tip_port = {}\n\tip_address = {}\n\tnumber = {}\n\tname = {}\n"
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
  std::string errors;
  auto fail = [&](int line, const std::string& field, const std::string& msg) {
    errors += fmt::format("{}:{}: {}: {}\n", source, line, field, msg);
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
        fail(lineno, "stanza", fmt::format("\"{}\" is not a stanza header (cluster:, node:, heartbeat:)", raw));
        continue;
      }
      std::string kind = raw.substr(0, raw.size() - 1);
      if (kind != "cluster" && kind != "node" && kind != "heartbeat")
        fail(lineno, "stanza", fmt::format("unknown stanza \"{}\"", kind));
      stanzas.push_back({kind, lineno, {}});
      continue;
    }
    if (raw[0] != '\t')
      fail(lineno, "indent", "parameters must be indented with a TAB");
    auto eq = trimmed.find('=');
    if (eq == std::string::npos || stanzas.empty()) {
      fail(lineno, "parameter", fmt::format("\"{}\" is not \"name = value\" inside a stanza", trimmed));
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
  if (!cluster) fail(0, "cluster", "no cluster: stanza");
  else {
    auto get = [&](const char* k) { auto it = cluster->params.find(k); return it == cluster->params.end() ? std::pair<std::string, int>{"", cluster->line} : it->second; };
    auto [name, nl] = get("name");
    if (!is_valid_cluster_name(name))
      fail(nl, "cluster.name", fmt::format("\"{}\" is not a valid OCFS2 cluster name (1-16 letters and digits)", name));
    c.name = name;
    auto [count, cl] = get("node_count");
    node_count_line = cl;
    try { node_count = std::stoi(count); } catch (...) { fail(cl, "cluster.node_count", "expected a number"); }
  }
  std::set<std::string> names;
  std::set<int> numbers;
  std::set<uint32_t> addresses;
  int port = -1;
  for (const auto& s : stanzas) {
    if (s.kind != "node") continue;
    size_t idx = c.nodes.size();
    std::string f = fmt::format("node[{}]", idx);
    auto get = [&](const char* k) { auto it = s.params.find(k); return it == s.params.end() ? std::pair<std::string, int>{"", s.line} : it->second; };
    NodeSpec n;
    auto [name, nl] = get("name");
    n.name = name;
    if (!is_valid_hostname(name))
      fail(nl, f + ".name", fmt::format("\"{}\" is not a valid hostname", name));
    if (!names.insert(name).second) fail(nl, f + ".name", fmt::format("duplicate node name \"{}\"", name));
    auto [num, ml] = get("number");
    try {
      n.number = std::stoi(num);
      if (n.number < 0 || n.number > 254) fail(ml, f + ".number", "must be 0-254");
      else if (!numbers.insert(n.number).second) fail(ml, f + ".number", fmt::format("duplicate node number {}", n.number));
    } catch (...) { fail(ml, f + ".number", "expected a number 0-254"); }
    auto [ip, il] = get("ip_address");
    if (auto a = Ipv4::parse(ip)) {
      n.address = *a;
      if (!addresses.insert(a->value).second) fail(il, f + ".ip_address", fmt::format("duplicate address {}", ip));
    } else {
      fail(il, f + ".ip_address", fmt::format("\"{}\" is not an IPv4 address", ip));
    }
    auto [p, pl] = get("ip_port");
    try {
      int v = std::stoi(p);
      if (v < 1 || v > 65535) fail(pl, f + ".ip_port", "must be 1-65535");
      else if (port >= 0 && v != port) fail(pl, f + ".ip_port", "every node must use the same port here");
      else port = v;
    } catch (...) { fail(pl, f + ".ip_port", "expected a port number"); }
    auto [cl, cll] = get("cluster");
    if (cl != c.name) fail(cll, f + ".cluster", fmt::format("\"{}\" is not the cluster \"{}\"", cl, c.name));
    c.nodes.push_back(n);
  }
  if (cluster && node_count >= 0 && node_count != static_cast<int>(c.nodes.size()))
    fail(node_count_line, "cluster.node_count",
         fmt::format("{} does not match the {} node stanzas", node_count, c.nodes.size()));
  if (c.nodes.empty()) fail(0, "node", "no node: stanza");
  if (port > 0) c.port = port;
  // The subnet: the /24 around the first node, as in the paper.
  if (!c.nodes.empty()) {
    c.subnet = Subnet{Ipv4{c.nodes[0].address.value & 0xffffff00u}, 24};
    for (size_t i = 0; i < c.nodes.size(); ++i)
      if (!c.subnet.contains(c.nodes[i].address))
        fail(0, fmt::format("node[{}].ip_address", i),
             fmt::format("{} is not in {} with the first node", c.nodes[i].address.str(), c.subnet.str()));
  }
  c.disks = {DiskSpec{}};
  if (!errors.empty()) {
    errors.pop_back();
    return err(errors);
  }
  return c;
}

}  // namespace uc::ocfs2
