// `umlcluster top`: a live view of what the cluster costs the host, per node and for the
// whole host; `--once --json` prints one sample for scripts.
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <sstream>

#include "cli/commands.h"
#include "client/cluster_sample.h"
#include "client/cluster_target.h"
#include "client/top_view.h"
#include "sys/fd.h"
#include "sys/process.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_top {

using Clock = std::chrono::steady_clock;
using client::clamp_first;
using client::ClusterLook;
using client::decode_keys;
using client::scroll;
using client::TopKey;
using client::visible_rows;

double interval = 1.0;
bool once = false;
int count = 0;  // > 0: that many samples, printed, then exit; 0: the live view

// `first` and `visible`: the node rows shown (visible 0: all of them).
std::string render(const nlohmann::json& f, char sort_key, int first = 0, int visible = 0) {
  std::string s;
  auto& h = f["host"];
  const char* sorted = sort_key == 'c' ? "cpu" : sort_key == 'm' ? "memory" : "name";
  s += fmt::format(
      "umlcluster top: cluster {} at {}   sorted by {} (c/m/n; arrows, PgUp/PgDn scroll; q quits)  "
      " "
      "top's own CPU {:.1f}%\n\n",
      f.value("cluster", ""), f.value("taken_at", ""), sorted, f.value("sampler_cpu_percent", 0.0));
  s += "host  CPU";
  int i = 0;
  for (auto& c : h["cores_percent"]) s += fmt::format("  core{} {:5.1f}%", i++, c.get<double>());
  s += fmt::format("\n      memory {} / {} MB   load {:.2f} {:.2f} {:.2f}\n\n",
                   h["mem_used_bytes"].get<uint64_t>() >> 20,
                   h["mem_total_bytes"].get<uint64_t>() >> 20, h["load"][0].get<double>(),
                   h["load"][1].get<double>(), h["load"][2].get<double>());
  s +=
      fmt::format("{:<10} {:<9} {:>6} {:>9} {:>9} {:>9}  {:>14} {:>14}  {}\n", "NODE", "STATE",
                  "CPU%", "RSS MB", "PSS MB", "MEM MB", "GUEST LOAD", "GUEST USED/FREE", "VOLUMES");
  std::vector<nlohmann::json> rows(f["nodes"].begin(), f["nodes"].end());
  std::stable_sort(rows.begin(), rows.end(), [&](const nlohmann::json& a, const nlohmann::json& b) {
    if (sort_key == 'c') return a.value("cpu_percent", 0.0) > b.value("cpu_percent", 0.0);
    if (sort_key == 'm')
      return a.value("memory_bytes", uint64_t{0}) > b.value("memory_bytes", uint64_t{0});
    return a.value("name", "") < b.value("name", "");
  });
  int total = static_cast<int>(rows.size());
  int shown_from = 0, shown_to = total;
  if (visible > 0 && total > visible) {
    shown_from = clamp_first(first, total, visible);
    shown_to = shown_from + visible;
  }
  for (int i = shown_from; i < shown_to; ++i) {
    auto& n = rows[static_cast<size_t>(i)];
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
                     n.value("rss_bytes", uint64_t{0}) / 1048576.0,
                     n.value("pss_bytes", uint64_t{0}) / 1048576.0,
                     n.value("memory_bytes", uint64_t{0}) / 1048576.0, load, mem, vols);
  }
  if (shown_to - shown_from < total)
    s += fmt::format("nodes {}-{} of {}: {} above, {} below (arrows, PgUp/PgDn, Home/End)",
                     shown_from + 1, shown_to, total, shown_from, total - shown_to);
  return s;
}

int terminal_rows() {
  winsize w{};
  return ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &w) == 0 && w.ws_row > 0 ? w.ws_row : 24;
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

// One refresh: the figures since the previous look, with the guests' own view.
nlohmann::json refresh(ControlClient& c, ClusterLook& prev, double& prev_cpu,
                       monitor::NodeSampler& pss) {
  ClusterLook cur = client::look_at(c, pss, /*with_guests=*/true);
  auto f = client::figures(prev, cur);
  double secs = std::chrono::duration<double>(cur.sample.at - prev.sample.at).count();
  double cpu = client::own_cpu_seconds();
  f["sampler_cpu_percent"] = secs > 0 ? 100.0 * (cpu - prev_cpu) / secs : 0.0;
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char at[16];
  std::strftime(at, sizeof at, "%H:%M:%S", &tm);
  f["taken_at"] = at;
  prev_cpu = cpu;
  prev = std::move(cur);
  return f;
}

// A fixed number of samples, for scripts: one JSON object a line.
int print_samples(ControlClient& c, ClusterLook& prev, double& prev_cpu, monitor::NodeSampler& pss,
                  int wait_ms, bool json) {
  for (int i = 0; i < count; ++i) {
    ::usleep(static_cast<useconds_t>(wait_ms) * 1000);  // CPU shares need an interval
    auto f = refresh(c, prev, prev_cpu, pss);
    if (json)
      fmt::print("{}\n", count == 1 ? f.dump(2) : f.dump());
    else
      fmt::print("{}{}", i ? "\n" : "", render(f, 'n'));
    std::fflush(stdout);
  }
  return 0;
}

// The live view until q, Ctrl-C or SIGTERM.
int live_view(ControlClient& c, const std::string& name, ClusterLook& prev, double& prev_cpu,
              monitor::NodeSampler& pss, int wait_ms) {
  Fd sigfd = signal_fd({SIGINT, SIGTERM});
  Screen screen;
  fmt::print("\033[H\033[2Jumlcluster top: cluster {}: sampling...\n", name);
  std::fflush(stdout);
  char sort_key = 'n';
  int first = 0;
  auto next = Clock::now() + std::chrono::milliseconds(wait_ms);
  nlohmann::json last;
  auto draw = [&] {
    int visible = visible_rows(terminal_rows());
    int total = last.contains("nodes") ? static_cast<int>(last["nodes"].size()) : 0;
    first = clamp_first(first, total, visible);
    fmt::print("\033[H\033[2J{}", render(last, sort_key, first, visible));
    std::fflush(stdout);
  };
  for (;;) {
    int left = static_cast<int>(std::max<int64_t>(
        0, std::chrono::duration_cast<std::chrono::milliseconds>(next - Clock::now()).count()));
    pollfd fds[2] = {{STDIN_FILENO, POLLIN, 0}, {sigfd.get(), POLLIN, 0}};
    ::poll(fds, 2, left);
    if (fds[1].revents) return 0;
    if (fds[0].revents) {
      char buf[64];
      ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
      int total = last.contains("nodes") ? static_cast<int>(last["nodes"].size()) : 0;
      for (TopKey k : decode_keys(std::string_view(buf, n > 0 ? static_cast<size_t>(n) : 0))) {
        if (k == TopKey::kQuit) return 0;
        if (k == TopKey::kSortCpu)
          sort_key = 'c';
        else if (k == TopKey::kSortMemory)
          sort_key = 'm';
        else if (k == TopKey::kSortName)
          sort_key = 'n';
        else
          first = scroll(first, k, total, visible_rows(terminal_rows()));
      }
      if (!last.is_null()) draw();
    }
    if (Clock::now() < next) continue;
    last = refresh(c, prev, prev_cpu, pss);
    draw();
    next = Clock::now() + std::chrono::milliseconds(wait_ms);
  }
}

void define(CLI::App& cmd, Globals& g) {
  name_option(cmd, g);
  json_option(cmd, g);
  cmd.add_option("--interval", interval, "seconds between samples (default 1)");
  cmd.add_flag("--once", once, "print one sample (over one interval) and exit");
  cmd.add_option("--count", count, "print N samples and exit (with --json: one JSON object a line)")
      ->check(CLI::PositiveNumber);
}

int run(const Globals& g) {
  if (once) count = 1;
  auto rc = client::connect_running(g.name, g.file);
  if (!rc) return fail(rc.error());
  const std::string& name = rc->name;
  ControlClient* c = &rc->control;
  if (interval < 0.2) interval = 0.2;
  auto wait_ms = static_cast<int>(interval * 1000);
  double prev_cpu = client::own_cpu_seconds();
  // One sample: every node's PSS. Repeated samples: as many as 2 ms a sample allows (a
  // reading walks the node's page tables), the oldest first; `pss_age_s` says how old.
  monitor::NodeSampler pss(std::chrono::microseconds(count == 1 ? 0 : 2000));
  ClusterLook prev = client::look_at(*c, pss);
  if (count > 0) return print_samples(*c, prev, prev_cpu, pss, wait_ms, g.json);
  if (!::isatty(STDOUT_FILENO))
    return fail(err("top needs a terminal; use `umlcluster top --once --json` from scripts"));
  return live_view(*c, name, prev, prev_cpu, pss, wait_ms);
}

}  // namespace cmd_top

const Command kTop{"top", "live view of what each node costs the host (q quits)", cmd_top::define,
                   cmd_top::run};

}  // namespace uc::cli
