#include "config/cluster_file.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <toml++/toml.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <map>
#include <set>

#include "config/cluster_file_fields.h"
#include "config/validate.h"
#include "kernel/kernel_ref.h"
#include "kernel/kernel_store.h"
#include "sys/files.h"

namespace uc {
namespace {

// Collects "file:line: field: message" diagnostics and gives them back in line order.
class Diagnostics {
 public:
  explicit Diagnostics(std::string source) : source_(std::move(source)) {}
  void add(int line, const std::string& field, const std::string& msg) {
    if (line > 0)
      out_.push_back({line, fmt::format("{}:{}: {}: {}", source_, line, field, msg)});
    else
      out_.push_back({line, fmt::format("{}: {}: {}", source_, field, msg)});
  }
  bool empty() const { return out_.empty(); }
  // Lines in order; what has no line (a rule of the whole file) last.
  std::string text() const {
    auto sorted = out_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
      return (a.first > 0 ? a.first : INT_MAX) < (b.first > 0 ? b.first : INT_MAX);
    });
    std::string r;
    for (const auto& [line, text] : sorted) r += (r.empty() ? "" : "\n") + text;
    return r;
  }

 private:
  std::string source_;
  std::vector<std::pair<int, std::string>> out_;
};

int line_of(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

// Where each field was written, by its path ("node[1].address"), and which fields could not
// be read (their error is reported; validate() would only repeat it about the default).
struct FieldLines {
  std::map<std::string, int> line;
  std::set<std::string> failed;

  // The field's own line, else its table's ("node[1]", "manager"), else 0.
  int of(std::string field) const {
    for (;;) {
      if (auto it = line.find(field); it != line.end()) return it->second;
      auto dot = field.rfind('.');
      if (dot == std::string::npos) return 0;
      field.erase(dot);
    }
  }
};

// Field readers: each checks the type and reports with the line. The rules on the values
// are validate()'s; a reader only refuses what is not a value of the field's type.
// The keys a table accepts: those umlcluster.toml(5) documents (cluster_file_fields.h).
std::set<std::string> allowed(const char* table) {
  auto keys = keys_of(table);
  return {keys.begin(), keys.end()};
}

class TableReader {
 public:
  TableReader(const toml::table& t, std::string prefix, Diagnostics& d, FieldLines& lines,
              std::set<std::string> allowed)
      : t_(t), prefix_(std::move(prefix)), d_(d), lines_(lines) {
    if (!prefix_.empty()) lines_.line[prefix_] = line_of(t_);
    for (auto&& [k, v] : t_) {
      std::string key(k.str());
      lines_.line[field(key)] = line_of(v);
      if (!allowed.count(key))
        d_.add(line_of(v), field(key), "unknown field (allowed: " + join(allowed) + ")");
    }
  }
  std::string field(const std::string& k) const { return prefix_.empty() ? k : prefix_ + "." + k; }
  int line(const std::string& k) const {
    auto* n = t_.get(k);
    return n ? line_of(*n) : line_of(t_);
  }
  bool has(const std::string& k) const { return t_.contains(k); }
  void fail(const std::string& k, const std::string& msg) {
    d_.add(line(k), field(k), msg);
    lines_.failed.insert(field(k));
  }

  void str(const std::string& k, std::string& out) {
    if (auto* n = t_.get(k)) {
      if (auto v = n->value<std::string>())
        out = *v;
      else
        fail(k, "expected a string");
    }
  }
  void integer(const std::string& k, int& out) {
    if (auto* n = t_.get(k)) {
      auto v = n->value<int64_t>();
      if (!v || !n->is_integer())
        fail(k, "expected an integer");
      else if (*v < INT_MIN || *v > INT_MAX)
        fail(k, fmt::format("{} is out of range", *v));
      else
        out = static_cast<int>(*v);
    }
  }
  void size(const std::string& k, uint64_t& out) {
    if (auto* n = t_.get(k)) {
      std::optional<uint64_t> v;
      bool too_large = false;
      if (n->is_integer()) {
        auto i = *n->value<int64_t>();
        if (i > 0) v = static_cast<uint64_t>(i) * kMiB;
      } else if (auto s = n->value<std::string>()) {
        v = parse_size(*s, &too_large);
      }
      if (too_large)
        fail(k, fmt::format("\"{}\" is too large (no size passes 1P)", *n->value<std::string>()));
      else if (!v)
        fail(k, "expected a size such as \"128M\" or \"1G\"");
      else
        out = *v;
    }
  }
  void strings(const std::string& k, std::vector<std::string>& out) {
    if (auto* n = t_.get(k)) {
      auto* arr = n->as_array();
      if (!arr) {
        fail(k, "expected an array of strings");
        return;
      }
      out.clear();
      for (auto& e : *arr) {
        if (auto v = e.value<std::string>())
          out.push_back(*v);
        else
          d_.add(line_of(e), field(k), "expected an array of strings");
      }
    }
  }
  void restart(const std::string& k, RestartPolicy& out) {
    auto* n = t_.get(k);
    if (!n) return;
    auto name = n->value<std::string>();
    if (!name)
      fail(k, "expected a string: no, on-failure or always");
    else if (auto p = parse_restart_policy(*name))
      out = *p;
    else
      fail(k, fmt::format("\"{}\" is not a restart policy (no, on-failure or always)", *name));
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
  FieldLines& lines_;
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
    if (auto* t = e.as_table())
      out.push_back(t);
    else
      d.add(line_of(e), key, "expected [[" + std::string(key) + "]] tables");
  }
  return out;
}

// The paper's addresses: .112, .116, ... (a step of 4) from the subnet's base.
constexpr uint32_t kFirstHost = 112, kHostStep = 4;
Ipv4 paper_address(const Subnet& s, size_t i) {
  return Ipv4{s.network.value + kFirstHost + kHostStep * static_cast<uint32_t>(i)};
}

// Nodes made from node_count whose paper addresses leave the subnet: one message for all of
// them, with the subnet they need. Empty if they fit.
std::string paper_nodes_overflow(const Subnet& s, size_t count) {
  Ipv4 last = paper_address(s, count - 1);
  if (s.contains(last) && !s.is_network_or_broadcast(last)) return "";
  uint32_t top = kFirstHost + kHostStep * static_cast<uint32_t>(count - 1);
  int host_bits = 1;
  while (top >= (uint32_t{1} << host_bits) - 1) ++host_bits;  // below the broadcast address
  uint64_t size = uint64_t{1} << (32 - s.prefix);
  uint64_t fit = size >= kFirstHost + 2 ? (size - 2 - kFirstHost) / kHostStep + 1 : 0;
  std::string nodes =
      count == 1 ? fmt::format("1 node at {} needs that address", last.str())
                 : fmt::format("{} nodes at {}, {}, ... (a step of {}) need addresses up to {}",
                               count, paper_address(s, 0).str(), paper_address(s, 1).str(),
                               kHostStep, last.str());
  return fmt::format(
      "{}; {} holds {} of them: give a /{} subnet or larger, or [[node]] tables "
      "with addresses",
      nodes, s.str(), fit, 32 - host_bits);
}

// Reads one section of the file after another into `c`, noting where each field was.
class Reader {
 public:
  Reader(const toml::table& root, Diagnostics& d) : root_(root), d_(d) {}

  void read(ClusterSpec& c) {
    TableReader top(root_, "", d_, lines_,
                    {"cluster", "defaults", "node", "disk", "o2cb", "manager", "image"});
    read_cluster(c);
    read_nodes(c);
    read_disks(c);
    if (!root_.contains("o2cb")) c.o2cb = o2cb_defaults_for(c.nodes.size());
    read_o2cb(c.o2cb);
    read_manager(c.manager);
    read_image(c.image);
  }
  const FieldLines& lines() const { return lines_; }

 private:
  void read_cluster(ClusterSpec& c) {
    auto* t = sub_table(root_, "cluster", d_);
    if (!t) return;
    TableReader r(*t, "cluster", d_, lines_, allowed("cluster"));
    r.str("name", c.name);
    r.integer("port", c.port);
    std::string subnet;
    r.str("subnet", subnet);
    if (!subnet.empty()) {
      if (auto sn = Subnet::parse(subnet))
        c.subnet = *sn;
      else
        r.fail("subnet", fmt::format("\"{}\" is not an IPv4 subnet like 192.168.0.0/24 (prefix "
                                     "8-30, host bits zero)",
                                     subnet));
    }
    if (r.has("node_count")) {
      int n = 0;
      r.integer("node_count", n);
      if (n < 1 || n > 255) {
        if (!lines_.failed.count("cluster.node_count"))
          r.fail("node_count", fmt::format("must be 1-255, not {}", n));
      } else {
        node_count_ = n;
      }
    }
  }

  void read_nodes(ClusterSpec& c) {
    NodeSpec defaults;
    if (auto* t = sub_table(root_, "defaults", d_)) {
      TableReader r(*t, "defaults", d_, lines_, allowed("defaults"));
      r.size("memory", defaults.memory);
      r.str("kernel", defaults.kernel);
      r.strings("kernel_args", defaults.kernel_args);
      r.restart("restart", defaults.restart);
    }
    auto tables = table_array(root_, "node", d_);
    if (!tables.empty() && lines_.line.count("cluster.node_count"))
      d_.add(lines_.of("cluster.node_count"), "cluster.node_count",
             "give either node_count or [[node]] tables, not both");
    size_t count = tables.empty() ? static_cast<size_t>(node_count_.value_or(2)) : tables.size();
    for (size_t i = 0; i < count; ++i) {
      std::string f = fmt::format("node[{}]", i);
      NodeSpec n = defaults;
      n.name = fmt::format("node{}", i);
      n.number = static_cast<int>(i);
      n.address = paper_address(c.subnet, i);
      // What a node takes from [defaults] was written there.
      for (const char* k : {"memory", "kernel", "restart"})
        if (auto it = lines_.line.find(std::string("defaults.") + k); it != lines_.line.end())
          lines_.line[f + "." + k] = it->second;
      if (i < tables.size()) {
        read_node(*tables[i], f, n);
      } else {
        // Made from node_count: that is where its name and number come from; its address is
        // checked once for all of them, below.
        if (int l = lines_.of("cluster.node_count"); l > 0)
          lines_.line[f + ".name"] = lines_.line[f + ".number"] = l;
        lines_.failed.insert(f + ".address");
      }
      c.nodes.push_back(n);
    }
    if (tables.empty() && !lines_.failed.count("cluster.subnet")) {
      auto msg = paper_nodes_overflow(c.subnet, count);
      const char* field = node_count_ ? "cluster.node_count" : "cluster.subnet";
      if (!msg.empty()) d_.add(lines_.of(field), field, msg);
    }
  }

  void read_node(const toml::table& t, const std::string& f, NodeSpec& n) {
    TableReader r(t, f, d_, lines_, allowed("node"));
    r.str("name", n.name);
    std::string addr;
    r.str("address", addr);
    if (r.has("address") && !lines_.failed.count(f + ".address")) {
      if (auto a = Ipv4::parse(addr))
        n.address = *a;
      else
        r.fail("address", fmt::format("\"{}\" is not an IPv4 address", addr));
    }
    r.integer("number", n.number);
    r.size("memory", n.memory);
    r.str("kernel", n.kernel);
    r.strings("kernel_args", n.kernel_args);
    r.restart("restart", n.restart);
  }

  void read_disks(ClusterSpec& c) {
    auto tables = table_array(root_, "disk", d_);
    if (tables.empty()) {
      c.disks.push_back(DiskSpec{});
      c.disks.back().size = default_disk_size(c.slots(c.disks.back()));
    }
    for (size_t i = 0; i < tables.size(); ++i) {
      TableReader r(*tables[i], fmt::format("disk[{}]", i), d_, lines_, allowed("disk"));
      DiskSpec disk;
      r.str("name", disk.name);
      r.size("size", disk.size);
      r.str("mount", disk.mount);
      r.strings("nodes", disk.nodes);
      r.str("label", disk.label);
      r.integer("slots", disk.slots);
      r.str("heartbeat", disk.heartbeat);
      if (!r.has("size") && disk.slots >= 0 && disk.slots <= 255)
        disk.size = default_disk_size(c.slots(disk));
      c.disks.push_back(disk);
    }
  }

  void read_o2cb(O2cbSpec& o) {
    auto* t = sub_table(root_, "o2cb", d_);
    if (!t) return;
    TableReader r(*t, "o2cb", d_, lines_, allowed("o2cb"));
    r.integer("heartbeat_threshold", o.heartbeat_threshold);
    r.integer("idle_timeout_ms", o.idle_timeout_ms);
    r.integer("keepalive_delay_ms", o.keepalive_delay_ms);
    r.integer("reconnect_delay_ms", o.reconnect_delay_ms);
  }

  void read_manager(ManagerSpec& m) {
    auto* t = sub_table(root_, "manager", d_);
    if (!t) return;
    TableReader r(*t, "manager", d_, lines_, allowed("manager"));
    r.integer("restart_limit", m.restart_limit);
    r.integer("restart_window", m.restart_window);
    r.integer("backoff_initial_ms", m.backoff_initial_ms);
    r.integer("backoff_max_ms", m.backoff_max_ms);
    r.integer("ping_interval_ms", m.ping_interval_ms);
    r.integer("hung_after_ms", m.hung_after_ms);
    r.integer("boot_parallel", m.boot_parallel);
    r.str("heartbeat_fence", m.heartbeat_fence);
    r.str("memory_trim", m.memory_trim);
    r.integer("memory_trim_interval", m.memory_trim_interval);
  }

  void read_image(ImageSpec& im) {
    auto* t = sub_table(root_, "image", d_);
    if (!t) return;
    TableReader r(*t, "image", d_, lines_, allowed("image"));
    r.str("suite", im.suite);
    r.strings("packages", im.packages);
    r.size("size", im.size);
  }

  const toml::table& root_;
  Diagnostics& d_;
  FieldLines lines_;
  std::optional<int> node_count_;
};

}  // namespace

std::optional<uint64_t> parse_size(const std::string& s, bool* too_large) {
  if (too_large) *too_large = false;
  uint64_t n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  bool huge = ec == std::errc::result_out_of_range;
  if ((ec != std::errc() && !huge) || p == s.data() || (n == 0 && !huge)) return std::nullopt;
  std::string unit(p, s.data() + s.size());
  for (auto& ch : unit) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  uint64_t mul = 0;
  if (unit.empty() || unit == "M" || unit == "MB" || unit == "MIB")
    mul = kMiB;
  else if (unit == "G" || unit == "GB" || unit == "GIB")
    mul = 1024 * kMiB;
  else if (unit == "K" || unit == "KB" || unit == "KIB")
    mul = 1024;
  else if (unit == "T" || unit == "TB" || unit == "TIB")
    mul = 1024 * 1024 * kMiB;
  else
    return std::nullopt;
  if (huge || n > kMaxSize / mul) {
    if (too_large) *too_large = true;
    return std::nullopt;
  }
  return n * mul;
}

std::string format_size(uint64_t b) {
  if (b % (1024 * 1024 * kMiB) == 0) return fmt::format("{}T", b / (1024 * 1024 * kMiB));
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
  ClusterSpec c;
  Reader reader(root, d);
  reader.read(c);
  const auto& lines = reader.lines();
  for (const auto& p : validate(c))
    if (!lines.failed.count(p.field)) d.add(lines.of(p.field), p.field, p.message);
  // The host's side of a node, not a rule of the definition: checked here, where it is run.
  std::set<std::pair<int, std::string>> said;
  for (size_t i = 0; check_kernel && i < c.nodes.size(); ++i) {
    const auto& k = c.nodes[i].kernel;
    std::string f = fmt::format("node[{}].kernel", i);
    if (lines.failed.count(f)) continue;
    if (auto built = kernel::built_name(k)) {
      if (!kernel::valid_kernel_name(*built)) continue;  // validate() said so
      // [defaults] gives every node the same line: one error for it is enough.
      if (auto r = kernel::resolve_node_kernel(k); !r && said.insert({lines.of(f), k}).second)
        d.add(lines.of(f), f, r.error().message);
    } else if (!k.empty() && k[0] == '/' && ::access(k.c_str(), X_OK) != 0) {
      d.add(lines.of(f), f,
            fmt::format("kernel {} does not exist or is not executable (install Debian's "
                        "user-mode-linux package)",
                        k));
    }
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
