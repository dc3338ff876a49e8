#include "config/cluster_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <set>
#include <toml++/toml.h>

#include <fmt/format.h>

#include "sys/files.h"

namespace uc {
namespace {

// Collects "file:line: field: message" diagnostics.
class Diagnostics {
 public:
  explicit Diagnostics(std::string source) : source_(std::move(source)) {}
  void add(int line, const std::string& field, const std::string& msg) {
    if (line > 0)
      out_ += fmt::format("{}:{}: {}: {}\n", source_, line, field, msg);
    else
      out_ += fmt::format("{}: {}: {}\n", source_, field, msg);
  }
  bool empty() const { return out_.empty(); }
  std::string text() const { return out_.substr(0, out_.size() - 1); }

 private:
  std::string source_;
  std::string out_;
};

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// Field readers: each checks the type and reports with the line.
class TableReader {
 public:
  TableReader(const toml::table& t, std::string prefix, Diagnostics& d,
              std::set<std::string> allowed)
      : t_(t), prefix_(std::move(prefix)), d_(d) {
    for (auto&& [k, v] : t_)
      if (!allowed.count(std::string(k.str())))
        d_.add(line_of(v), field(std::string(k.str())), "unknown field (allowed: " + join(allowed) + ")");
  }
  std::string field(const std::string& k) const { return prefix_.empty() ? k : prefix_ + "." + k; }
  int line(const std::string& k) const {
    auto* n = t_.get(k);
    return n ? line_of(*n) : line_of(t_);
  }
  bool has(const std::string& k) const { return t_.contains(k); }

  void str(const std::string& k, std::string& out) {
    if (auto* n = t_.get(k)) {
      if (auto v = n->value<std::string>()) out = *v;
      else d_.add(line_of(*n), field(k), "expected a string");
    }
  }
  void integer(const std::string& k, int& out, int lo, int hi) {
    if (auto* n = t_.get(k)) {
      auto v = n->value<int64_t>();
      if (!v || !n->is_integer()) d_.add(line_of(*n), field(k), "expected an integer");
      else if (*v < lo || *v > hi)
        d_.add(line_of(*n), field(k), fmt::format("{} is out of range {}-{}", *v, lo, hi));
      else out = static_cast<int>(*v);
    }
  }
  void size(const std::string& k, uint64_t& out) {
    if (auto* n = t_.get(k)) {
      std::optional<uint64_t> v;
      if (n->is_integer()) {
        auto i = *n->value<int64_t>();
        if (i > 0) v = static_cast<uint64_t>(i) * kMiB;
      } else if (auto s = n->value<std::string>()) {
        v = parse_size(*s);
      }
      if (!v) d_.add(line_of(*n), field(k), "expected a size such as \"128M\" or \"1G\"");
      else out = *v;
    }
  }
  void strings(const std::string& k, std::vector<std::string>& out) {
    if (auto* n = t_.get(k)) {
      auto* arr = n->as_array();
      if (!arr) {
        d_.add(line_of(*n), field(k), "expected an array of strings");
        return;
      }
      out.clear();
      for (auto& e : *arr) {
        if (auto v = e.value<std::string>()) out.push_back(*v);
        else d_.add(line_of(e), field(k), "expected an array of strings");
      }
    }
  }

 private:
  static std::string join(const std::set<std::string>& s) {
    std::string r;
    for (auto& x : s) r += (r.empty() ? "" : ", ") + x;
    return r;
  }
  const toml::table& t_;
  std::string prefix_;
  Diagnostics& d_;
};

const toml::table* sub_table(const toml::table& root, const char* key, Diagnostics& d) {
  auto* n = root.get(key);
  if (!n) return nullptr;
  if (!n->is_table()) {
    d.add(line_of(*n), key, "expected a table [" + std::string(key) + "]");
    return nullptr;
  }
  return n->as_table();
}

std::vector<const toml::table*> table_array(const toml::table& root, const char* key,
                                            Diagnostics& d) {
  std::vector<const toml::table*> out;
  auto* n = root.get(key);
  if (!n) return out;
  auto* arr = n->as_array();
  if (!arr) {
    d.add(line_of(*n), key, "expected [[" + std::string(key) + "]] tables");
    return out;
  }
  for (auto& e : *arr) {
    if (auto* t = e.as_table()) out.push_back(t);
    else d.add(line_of(e), key, "expected [[" + std::string(key) + "]] tables");
  }
  return out;
}

struct NodeLines {
  int name = 0, address = 0, number = 0, memory = 0, kernel = 0;
};

void validate_nodes(const ClusterSpec& c, const std::vector<NodeLines>& lines, Diagnostics& d,
                    bool check_kernel) {
  std::map<std::string, size_t> names;
  std::map<uint32_t, size_t> addrs;
  std::map<int, size_t> numbers;
  if (c.nodes.empty()) d.add(0, "node", "a cluster needs at least one node");
  if (c.nodes.size() > 255) d.add(0, "node", "at most 255 nodes (OCFS2 node numbers are 0-254)");
  for (size_t i = 0; i < c.nodes.size(); ++i) {
    const auto& n = c.nodes[i];
    const auto& l = lines[i];
    std::string f = fmt::format("node[{}]", i);
    if (!is_valid_hostname(n.name))
      d.add(l.name, f + ".name",
            fmt::format("\"{}\" is not a valid hostname (1-63 of a-z, 0-9 and '-', not "
                        "starting or ending with '-')", n.name));
    if (auto [it, fresh] = names.emplace(n.name, i); !fresh)
      d.add(l.name, f + ".name",
            fmt::format("duplicate node name \"{}\" (also node[{}])", n.name, it->second));
    if (!c.subnet.contains(n.address))
      d.add(l.address, f + ".address",
            fmt::format("{} is outside the subnet {}", n.address.str(), c.subnet.str()));
    else if (c.subnet.is_network_or_broadcast(n.address))
      d.add(l.address, f + ".address",
            fmt::format("{} is the network or broadcast address of {}", n.address.str(),
                        c.subnet.str()));
    if (auto [it, fresh] = addrs.emplace(n.address.value, i); !fresh)
      d.add(l.address, f + ".address",
            fmt::format("duplicate address {} (also node[{}])", n.address.str(), it->second));
    if (auto [it, fresh] = numbers.emplace(n.number, i); !fresh)
      d.add(l.number, f + ".number",
            fmt::format("duplicate OCFS2 node number {} (also node[{}])", n.number, it->second));
    if (n.memory < kMinNodeMemory)
      d.add(l.memory, f + ".memory",
            fmt::format("{} is too small: a node needs at least {}", format_size(n.memory),
                        format_size(kMinNodeMemory)));
    else if (n.memory > kMaxNodeMemory)
      d.add(l.memory, f + ".memory", fmt::format("{} is too large (at most {})",
                                                 format_size(n.memory), format_size(kMaxNodeMemory)));
    if (check_kernel && ::access(n.kernel.c_str(), X_OK) != 0)
      d.add(l.kernel, f + ".kernel",
            fmt::format("kernel {} does not exist or is not executable (install Debian's "
                        "user-mode-linux package)", n.kernel));
  }
}

}  // namespace

std::optional<uint64_t> parse_size(const std::string& s) {
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || p == s.data() || n == 0) return std::nullopt;
  std::string unit(p, s.data() + s.size());
  for (auto& ch : unit) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  uint64_t mul = 0;
  if (unit.empty() || unit == "M" || unit == "MB" || unit == "MIB") mul = kMiB;
  else if (unit == "G" || unit == "GB" || unit == "GIB") mul = 1024 * kMiB;
  else if (unit == "K" || unit == "KB" || unit == "KIB") mul = 1024;
  else return std::nullopt;
  if (n > (uint64_t{1} << 50) / mul) return std::nullopt;
  return n * mul;
}

std::string format_size(uint64_t b) {
  if (b % (1024 * kMiB) == 0) return fmt::format("{}G", b / (1024 * kMiB));
  if (b % kMiB == 0) return fmt::format("{}M", b / kMiB);
  return fmt::format("{}K", b / 1024);
}

bool is_valid_hostname(const std::string& s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

// OCFS2: a cluster name is 1-16 alphanumerics (o2cb rejects anything else).
bool is_valid_cluster_name(const std::string& s) {
  if (s.empty() || s.size() > 16) return false;
  return std::all_of(s.begin(), s.end(),
                     [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; });
}

Result<ClusterSpec> parse_cluster_toml(const std::string& text, const std::string& source,
                                       bool check_kernel) {
  Diagnostics d(source);
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    d.add(static_cast<int>(e.source().begin.line), "syntax", std::string(e.description()));
    return err(d.text());
  }
  TableReader top(root, "", d, {"cluster", "defaults", "node", "disk", "o2cb", "image"});

  ClusterSpec c;
  int node_count = 2;
  int node_count_line = 0;
  int subnet_line = 0;
  if (auto* t = sub_table(root, "cluster", d)) {
    TableReader r(*t, "cluster", d, {"name", "port", "subnet", "node_count"});
    r.str("name", c.name);
    if (r.has("name") && !is_valid_cluster_name(c.name))
      d.add(r.line("name"), "cluster.name",
            fmt::format("\"{}\" is not a valid OCFS2 cluster name (1-16 letters and digits)", c.name));
    r.integer("port", c.port, 1, 65535);
    std::string subnet;
    r.str("subnet", subnet);
    subnet_line = r.line("subnet");
    if (!subnet.empty()) {
      if (auto sn = Subnet::parse(subnet)) c.subnet = *sn;
      else
        d.add(subnet_line, "cluster.subnet",
              fmt::format("\"{}\" is not an IPv4 subnet like 192.168.0.0/24 (prefix 8-30, host "
                          "bits zero)", subnet));
    }
    r.integer("node_count", node_count, 1, 255);
    node_count_line = r.line("node_count");
  }

  NodeSpec defaults;
  int defaults_memory_line = 0, defaults_kernel_line = 0;
  if (auto* t = sub_table(root, "defaults", d)) {
    TableReader r(*t, "defaults", d, {"memory", "kernel", "kernel_args"});
    r.size("memory", defaults.memory);
    r.str("kernel", defaults.kernel);
    r.strings("kernel_args", defaults.kernel_args);
    defaults_memory_line = r.line("memory");
    defaults_kernel_line = r.line("kernel");
  }

  auto node_tables = table_array(root, "node", d);
  std::vector<NodeLines> lines;
  if (!node_tables.empty() && node_count_line > 0 && root["cluster"]["node_count"])
    d.add(node_count_line, "cluster.node_count", "give either node_count or [[node]] tables, not both");
  size_t count = node_tables.empty() ? static_cast<size_t>(node_count) : node_tables.size();
  for (size_t i = 0; i < count; ++i) {
    NodeSpec n = defaults;
    n.name = fmt::format("node{}", i);
    n.number = static_cast<int>(i);
    // The paper's addresses: .112, .116, ... (a step of 4) from the subnet's base.
    n.address = Ipv4{c.subnet.network.value + 112 + 4 * static_cast<uint32_t>(i)};
    NodeLines l{node_count_line, subnet_line, node_count_line, defaults_memory_line,
                defaults_kernel_line};
    if (i < node_tables.size()) {
      std::string f = fmt::format("node[{}]", i);
      TableReader r(*node_tables[i], f, d,
                    {"name", "address", "number", "memory", "kernel", "kernel_args"});
      int own = line_of(*node_tables[i]);
      l = NodeLines{own, own, own, defaults_memory_line ? defaults_memory_line : own,
                    defaults_kernel_line ? defaults_kernel_line : own};
      r.str("name", n.name);
      if (r.has("name")) l.name = r.line("name");
      std::string addr;
      r.str("address", addr);
      if (r.has("address")) {
        l.address = r.line("address");
        if (auto a = Ipv4::parse(addr)) n.address = *a;
        else d.add(l.address, f + ".address", fmt::format("\"{}\" is not an IPv4 address", addr));
      }
      r.integer("number", n.number, 0, 254);
      if (r.has("number")) l.number = r.line("number");
      r.size("memory", n.memory);
      if (r.has("memory")) l.memory = r.line("memory");
      r.str("kernel", n.kernel);
      if (r.has("kernel")) l.kernel = r.line("kernel");
      r.strings("kernel_args", n.kernel_args);
    }
    c.nodes.push_back(n);
    lines.push_back(l);
  }
  validate_nodes(c, lines, d, check_kernel);

  auto disk_tables = table_array(root, "disk", d);
  if (disk_tables.empty()) c.disks.push_back(DiskSpec{});
  std::set<std::string> disk_names;
  for (size_t i = 0; i < disk_tables.size(); ++i) {
    std::string f = fmt::format("disk[{}]", i);
    TableReader r(*disk_tables[i], f, d,
                  {"name", "size", "mount", "nodes", "label", "slots", "heartbeat"});
    DiskSpec disk;
    r.str("name", disk.name);
    r.size("size", disk.size);
    r.str("mount", disk.mount);
    r.strings("nodes", disk.nodes);
    r.str("label", disk.label);
    r.integer("slots", disk.slots, 0, 255);
    r.str("heartbeat", disk.heartbeat);
    if (!is_valid_hostname(disk.name))
      d.add(r.line("name"), f + ".name", fmt::format("\"{}\" is not a valid disk name", disk.name));
    if (!disk_names.insert(disk.name).second)
      d.add(r.line("name"), f + ".name", fmt::format("duplicate disk name \"{}\"", disk.name));
    if (disk.mount.empty() || disk.mount[0] != '/' || disk.mount.find("..") != std::string::npos)
      d.add(r.line("mount"), f + ".mount", fmt::format("\"{}\" is not an absolute path", disk.mount));
    if (disk.heartbeat != "local" && disk.heartbeat != "global")
      d.add(r.line("heartbeat"), f + ".heartbeat",
            fmt::format("\"{}\" is not a heartbeat mode (local or global)", disk.heartbeat));
    if (disk.size < 256 * kMiB)
      d.add(r.line("size"), f + ".size", "an OCFS2 volume needs at least 256M");
    if (disk.label.size() > 63) d.add(r.line("label"), f + ".label", "at most 63 characters");
    for (const auto& nn : disk.nodes)
      if (!c.find_node(nn))
        d.add(r.line("nodes"), f + ".nodes", fmt::format("no node named \"{}\"", nn));
    c.disks.push_back(disk);
  }

  if (auto* t = sub_table(root, "o2cb", d)) {
    TableReader r(*t, "o2cb", d,
                  {"heartbeat_threshold", "idle_timeout_ms", "keepalive_delay_ms", "reconnect_delay_ms"});
    r.integer("heartbeat_threshold", c.o2cb.heartbeat_threshold, 3, 300);
    r.integer("idle_timeout_ms", c.o2cb.idle_timeout_ms, 2000, 600000);
    r.integer("keepalive_delay_ms", c.o2cb.keepalive_delay_ms, 500, 600000);
    r.integer("reconnect_delay_ms", c.o2cb.reconnect_delay_ms, 500, 600000);
    // o2net's rule: keepalives must come well before the idle timeout.
    if (c.o2cb.keepalive_delay_ms >= c.o2cb.idle_timeout_ms)
      d.add(r.line("keepalive_delay_ms"), "o2cb.keepalive_delay_ms",
            "must be smaller than o2cb.idle_timeout_ms");
  }

  if (auto* t = sub_table(root, "image", d)) {
    TableReader r(*t, "image", d, {"suite", "packages", "size"});
    r.str("suite", c.image.suite);
    r.strings("packages", c.image.packages);
    r.size("size", c.image.size);
    for (const auto& p : c.image.packages)
      if (p.empty() || p.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789+-.:") !=
                           std::string::npos)
        d.add(r.line("packages"), "image.packages", fmt::format("\"{}\" is not a Debian package name", p));
    if (c.image.suite.empty() ||
        c.image.suite.find_first_not_of("abcdefghijklmnopqrstuvwxyz-") != std::string::npos)
      d.add(r.line("suite"), "image.suite", fmt::format("\"{}\" is not a Debian suite name", c.image.suite));
    if (c.image.size < 512 * kMiB)
      d.add(r.line("size"), "image.size", "a root image needs at least 512M");
  }

  if (!d.empty()) return err(d.text());
  return c;
}

Result<ClusterSpec> load_cluster_file(const std::string& path) {
  if (path.empty()) {
    auto c = parse_cluster_toml("", "(default cluster)");
    return c;
  }
  auto text = read_file(path);
  if (!text) return text.error();
  return parse_cluster_toml(*text, path);
}

}  // namespace uc
