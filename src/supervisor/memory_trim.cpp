#include "supervisor/memory_trim.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <sstream>

#include "monitor/proc_parse.h"

namespace uc::cluster {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kMinMargin = 8 * kMiB;
constexpr double kIdleLoad = 0.5;
constexpr double kIdleCpu = 0.2;  // of a CPU, since the last sample
// Allocated per second above which a node is busy; an idle guest allocates about 70 KiB/s.
constexpr double kBusyAllocPerSecond = 1.0 * kMiB;
constexpr uint64_t kPage = 4096;
// Written per minute above which a node is busy: OCFS2's heartbeat writes one sector every
// 2 s, about 15 KiB a minute.
constexpr uint64_t kBusyWritePerMinute = 4 * kMiB;

std::optional<uint64_t> number(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// "MemFree:   92160 kB" -> 92160 (kB), from /proc/meminfo's text.
std::optional<uint64_t> meminfo_kb(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string k, v;
  while (in >> k >> v) {
    if (k == key + ":") return number(v);
    std::getline(in, k);
  }
  return std::nullopt;
}

// /proc/diskstats: field 10 (1-based, after major minor name) is sectors written.
std::optional<uint64_t> written_sectors(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  uint64_t total = 0;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    std::vector<std::string> f;
    std::string w;
    while (l >> w) f.push_back(w);
    if (f.empty()) continue;
    if (f.size() < 10) return std::nullopt;
    if (f[2].rfind("loop", 0) == 0 || f[2].rfind("ram", 0) == 0) continue;
    auto v = number(f[9]);
    if (!v) return std::nullopt;
    total += *v;
  }
  return total;
}

// /proc/stat's first line: "cpu user nice system idle iowait irq softirq steal ...".
bool cpu_jiffies(const std::string& text, GuestMemorySample& s) {
  std::istringstream in(text.substr(0, text.find('\n')));
  std::string label, w;
  if (!(in >> label) || label != "cpu") return false;
  std::vector<uint64_t> v;
  while (v.size() < 8 && in >> w) {
    auto n = number(w);
    if (!n || *n > (UINT64_MAX >> 8)) return false;
    v.push_back(*n);
  }
  if (v.size() < 8) return false;
  s.cpu_busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
  s.cpu_total = s.cpu_busy + v[3] + v[4];
  return true;
}

// The sum of /proc/vmstat's pgalloc_* counters.
std::optional<uint64_t> allocated_pages(const std::string& text) {
  std::istringstream in(text);
  std::string k, v;
  uint64_t total = 0;
  bool any = false;
  while (in >> k >> v) {
    if (k.rfind("pgalloc_", 0) != 0) continue;
    auto n = number(v);
    if (!n || *n > (UINT64_MAX >> 16)) return std::nullopt;
    total += *n;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

}  // namespace

std::vector<std::string> memory_sample_paths() {
  return {"/proc/meminfo",   "/proc/loadavg", "/proc/sys/vm/min_free_kbytes",
          "/proc/diskstats", "/proc/stat",    "/proc/vmstat"};
}

Result<GuestMemorySample> parse_memory_sample(const std::map<std::string, std::string>& files,
                                              uint64_t node_memory) {
  auto file = [&](const std::string& p) {
    auto it = files.find(p);
    return it == files.end() ? std::string() : it->second;
  };
  GuestMemorySample s;
  auto free_kb = meminfo_kb(file("/proc/meminfo"), "MemFree");
  if (!free_kb || *free_kb > node_memory / 1024)
    return err("memory trim: the guest's MemFree is missing or more than its memory");
  s.free_bytes = *free_kb * 1024;
  std::string min = file("/proc/sys/vm/min_free_kbytes");
  while (!min.empty() && (min.back() == '\n' || min.back() == ' ')) min.pop_back();
  auto min_kb = number(min);
  if (!min_kb || *min_kb > node_memory / 1024)
    return err("memory trim: the guest's min_free_kbytes is missing or out of range");
  s.min_free_bytes = *min_kb * 1024;
  auto load = monitor::parse_loadavg(file("/proc/loadavg"));
  if (!load || !(load->one >= 0) || load->one > 1e6)
    return err("memory trim: the guest's load average is missing or out of range");
  s.load1 = load->one;
  auto sectors = written_sectors(file("/proc/diskstats"));
  if (!sectors || *sectors > (UINT64_MAX >> 10)) return err("memory trim: bad /proc/diskstats");
  s.written_bytes = *sectors * 512;
  if (!cpu_jiffies(file("/proc/stat"), s)) return err("memory trim: bad /proc/stat");
  auto pages = allocated_pages(file("/proc/vmstat"));
  if (!pages) return err("memory trim: bad /proc/vmstat");
  s.allocated_pages = *pages;
  return s;
}

uint64_t trim_margin(uint64_t node_memory, uint64_t min_free_bytes) {
  return std::max({kMinMargin, node_memory / 16, 4 * min_free_bytes});
}

std::string busy_reason(const GuestMemorySample& now, const NodeActivity& a) {
  if (a.sessions_open) return "an exec session runs on it";
  if (now.load1 >= kIdleLoad) return fmt::format("its load is {:.2f}", now.load1);
  if (a.last && now.cpu_total > a.last->cpu_total && now.cpu_busy >= a.last->cpu_busy) {
    double cpu = static_cast<double>(now.cpu_busy - a.last->cpu_busy) /
                 static_cast<double>(now.cpu_total - a.last->cpu_total);
    if (cpu > kIdleCpu)
      return fmt::format("it used {:.0f}% of its CPU since the last look", cpu * 100);
  }
  if (a.last && a.seconds_since_last > 0 && now.allocated_pages >= a.last->allocated_pages) {
    double per_second =
        static_cast<double>((now.allocated_pages - a.last->allocated_pages) * kPage) /
        a.seconds_since_last;
    if (per_second > kBusyAllocPerSecond)
      return fmt::format("it allocated {:.1f} MiB a second since the last look", per_second / kMiB);
  }
  if (a.last && a.seconds_since_last > 0 && now.written_bytes >= a.last->written_bytes) {
    double per_minute =
        static_cast<double>(now.written_bytes - a.last->written_bytes) * 60 / a.seconds_since_last;
    if (per_minute > static_cast<double>(kBusyWritePerMinute))
      return fmt::format("it writes {:.1f} MiB a minute", per_minute / kMiB);
  }
  return "";
}

uint64_t next_trim_step(const GuestMemorySample& now, uint64_t node_memory) {
  uint64_t keep = trim_margin(node_memory, now.min_free_bytes);
  if (now.free_bytes <= keep + kMiB) return 0;
  return std::min(kTrimStep, (now.free_bytes - keep) / kMiB * kMiB);
}

}  // namespace uc::cluster
