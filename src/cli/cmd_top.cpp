// `umlcluster top`: a live view of what the cluster costs the host, per node and for the
// whole host; `--once --json` prints one sample for scripts.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <sstream>

#include "cli/commands.h"
#include "cli/node_probe.h"
#include "monitor/sampler.h"
#include "sys/fd.h"

namespace uc::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct Guest {
  monitor::LoadAvg load;
  monitor::MemInfo mem;
  std::vector<std::string> mounts;  // OCFS2 mount points
  bool known = false;
};

Guest parse_guest(const std::string& out) {
  Guest g;
  std::istringstream in(out);
  std::string first;
  std::getline(in, first);
  if (auto l = monitor::parse_loadavg(first)) g.load = *l;
  std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (auto m = monitor::parse_meminfo(rest)) g.mem = *m;
  std::istringstream mounts(rest);
  for (std::string line; std::getline(mounts, line);) {
    std::istringstream l(line);
    std::string dev, dir, type;
    if (l >> dev >> dir >> type && type == "ocfs2") g.mounts.push_back(dir);
  }
  g.known = true;
  return g;
}

struct View {
  nlohmann::json status;
  monitor::Sample sample;
};

View take(ControlClient& c) {
  View v;
  auto st = c.request({{"op", "status"}});
  if (st) v.status = *st;
  v.sample.at = Clock::now();
  v.sample.host = monitor::sample_host();
  for (auto& n : v.status.value("nodes", nlohmann::json::array()))
    if (n.value("pid", 0) > 0) v.sample.nodes[n["name"]] = monitor::sample_node(n["pid"].get<int>());
  return v;
}

nlohmann::json figures(ControlClient& c, const View& a, const View& b) {
  double secs = std::chrono::duration<double>(b.sample.at - a.sample.at).count();
  auto h = monitor::host_figures(a.sample, b.sample);
  std::vector<std::string> running;
  for (auto& n : b.status.value("nodes", nlohmann::json::array()))
    if (n.value("state", "") == "running") running.push_back(n["name"]);
  auto guests = run_on_nodes(c, running, {"cat", "/proc/loadavg", "/proc/meminfo", "/proc/mounts"}, 5000);
  nlohmann::json nodes = nlohmann::json::array();
  for (auto& n : b.status.value("nodes", nlohmann::json::array())) {
    std::string name = n["name"];
    nlohmann::json j{{"name", name}, {"state", n["state"]}, {"address", n["address"]}};
    auto nb = b.sample.nodes.find(name);
    auto na = a.sample.nodes.find(name);
    if (nb != b.sample.nodes.end()) {
      j["pids"] = nb->second.pids;
      j["cpu_percent"] = na != a.sample.nodes.end()
                             ? monitor::node_cpu_percent(na->second, nb->second, secs) : 0.0;
      j["rss_bytes"] = nb->second.rss;
      j["pss_bytes"] = nb->second.pss;
      j["memory_bytes"] = nb->second.memory;
    }
    if (auto g = guests.find(name); g != guests.end() && g->second.code == 0) {
      Guest gv = parse_guest(g->second.out);
      j["guest"] = {{"load", {gv.load.one, gv.load.five, gv.load.fifteen}},
                    {"mem_used_bytes", gv.mem.used()},
                    {"mem_free_bytes", gv.mem.free},
                    {"mem_total_bytes", gv.mem.total}};
      j["mounts"] = gv.mounts;
    }
    nodes.push_back(j);
  }
  return {{"cluster", b.status.value("cluster", "")},
          {"interval_s", secs},
          {"host", {{"cpu_percent", h.cpu_busy},
                    {"cores_percent", h.core_busy},
                    {"mem_used_bytes", h.mem_used},
                    {"mem_total_bytes", h.mem_total},
                    {"load", {h.load.one, h.load.five, h.load.fifteen}}}},
          {"nodes", nodes}};
}

std::string render(const nlohmann::json& f, char sort_key) {
  std::string s;
  auto& h = f["host"];
  s += fmt::format("umlcluster top: cluster {}   (q quit, c/m/n sort by cpu/memory/name)\n\n",
                   f.value("cluster", ""));
  s += "host  CPU";
  int i = 0;
  for (auto& c : h["cores_percent"]) s += fmt::format("  core{} {:5.1f}%", i++, c.get<double>());
  s += fmt::format("\n      memory {} / {} MB   load {:.2f} {:.2f} {:.2f}\n\n",
                   h["mem_used_bytes"].get<uint64_t>() >> 20, h["mem_total_bytes"].get<uint64_t>() >> 20,
                   h["load"][0].get<double>(), h["load"][1].get<double>(), h["load"][2].get<double>());
  s += fmt::format("{:<10} {:<9} {:>6} {:>9} {:>9} {:>9}  {:>14} {:>14}  {}\n", "NODE", "STATE", "CPU%",
                   "RSS MB", "PSS MB", "MEM MB", "GUEST LOAD", "GUEST USED/FREE", "VOLUMES");
  std::vector<nlohmann::json> rows(f["nodes"].begin(), f["nodes"].end());
  std::stable_sort(rows.begin(), rows.end(), [&](const nlohmann::json& a, const nlohmann::json& b) {
    if (sort_key == 'c') return a.value("cpu_percent", 0.0) > b.value("cpu_percent", 0.0);
    if (sort_key == 'm') return a.value("memory_bytes", uint64_t{0}) > b.value("memory_bytes", uint64_t{0});
    return a.value("name", "") < b.value("name", "");
  });
  for (auto& n : rows) {
    std::string load = "-", mem = "-", vols = "-";
    if (n.contains("guest")) {
      auto& g = n["guest"];
      load = fmt::format("{:.2f}", g["load"][0].get<double>());
      mem = fmt::format("{}/{} MB", g["mem_used_bytes"].get<uint64_t>() >> 20,
                        g["mem_free_bytes"].get<uint64_t>() >> 20);
    }
    if (n.contains("mounts") && !n["mounts"].empty()) {
      vols.clear();
      for (auto& m : n["mounts"]) vols += (vols.empty() ? "" : ",") + m.get<std::string>();
    }
    s += fmt::format("{:<10} {:<9} {:>6.1f} {:>9.1f} {:>9.1f} {:>9.1f}  {:>14} {:>14}  {}\n",
                     n.value("name", ""), n.value("state", ""), n.value("cpu_percent", 0.0),
                     n.value("rss_bytes", uint64_t{0}) / 1048576.0, n.value("pss_bytes", uint64_t{0}) / 1048576.0,
                     n.value("memory_bytes", uint64_t{0}) / 1048576.0, load, mem, vols);
  }
  return s;
}

// The terminal as top needs it: raw keys, alternate screen, no cursor; all undone at exit.
class Screen {
 public:
  Screen() {
    if (::tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios raw = saved_;
      raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
      raw.c_cc[VMIN] = 0;
      raw.c_cc[VTIME] = 0;
      active_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    fmt::print("\033[?1049h\033[?25l");
    std::fflush(stdout);
  }
  ~Screen() {
    fmt::print("\033[?25h\033[?1049l");
    std::fflush(stdout);
    if (active_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }

 private:
  termios saved_{};
  bool active_ = false;
};

}  // namespace

int cmd_top(const Globals& g, double interval, bool once) {
  int rc = 0;
  auto name = target_cluster(g, /*needs_root=*/true, &rc);
  if (!name) return rc;
  auto c = connect_supervisor(ClusterPaths(*name));
  if (!c) {
    print_error(fmt::format("cluster {} is not running (`umlcluster up` starts it)", *name));
    return kExitFailed;
  }
  if (interval < 0.2) interval = 0.2;
  auto wait_ms = static_cast<int>(interval * 1000);
  View prev = take(*c);
  if (once) {
    ::usleep(static_cast<useconds_t>(wait_ms) * 1000);  // CPU shares need an interval
    auto f = figures(*c, prev, take(*c));
    if (g.json) fmt::print("{}\n", f.dump(2));
    else fmt::print("{}", render(f, 'n'));
    return 0;
  }
  if (!::isatty(STDOUT_FILENO)) {
    print_error("top needs a terminal; use `umlcluster top --once --json` from scripts");
    return kExitFailed;
  }
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  Fd sigfd(::signalfd(-1, &set, SFD_CLOEXEC));
  Screen screen;
  fmt::print("\033[H\033[2Jumlcluster top: cluster {}: sampling...\n", *name);
  std::fflush(stdout);
  char sort_key = 'n';
  auto next = Clock::now() + std::chrono::milliseconds(wait_ms);
  nlohmann::json last;
  for (;;) {
    int left = static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count()));
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {sigfd.get(), POLLIN, 0}};
    ::poll(fds, 2, left);
    if (fds[1].revents) return 0;
    if (fds[0].revents) {
      char k = 0;
      if (::read(STDIN_FILENO, &k, 1) == 1) {
        if (k == 'q' || k == 'Q' || k == 3) return 0;
        if (k == 'c' || k == 'm' || k == 'n') sort_key = k;
        if (!last.is_null()) fmt::print("\033[H\033[2J{}", render(last, sort_key)), std::fflush(stdout);
      }
    }
    if (Clock::now() < next) continue;
    View cur = take(*c);
    last = figures(*c, prev, cur);
    prev = std::move(cur);
    fmt::print("\033[H\033[2J{}", render(last, sort_key));
    std::fflush(stdout);
    next = Clock::now() + std::chrono::milliseconds(wait_ms);
  }
}

}  // namespace uc::cli
