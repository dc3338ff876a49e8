#include "monitor/proc_parse.h"

#include <sstream>

namespace uc::monitor {
namespace {

// "Key:   123 kB" -> bytes.
bool kb_field(const std::string& line, const char* key, uint64_t& out) {
  size_t n = std::char_traits<char>::length(key);
  if (line.compare(0, n, key) != 0 || line.size() <= n || line[n] != ':') return false;
  std::istringstream in(line.substr(n + 1));
  uint64_t v = 0;
  if (!(in >> v)) return false;
  std::string unit;
  in >> unit;
  out = unit == "kB" ? v * 1024 : v;
  return true;
}

}  // namespace

std::optional<ProcStat> parse_proc_stat(const std::string& text) {
  ProcStat s;
  bool have_all = false;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("cpu", 0) != 0) continue;
    std::istringstream l(line);
    std::string name;
    CpuTimes t;
    l >> name >> t.user >> t.nice >> t.system >> t.idle >> t.iowait >> t.irq >> t.softirq >>
        t.steal;
    if (!l && !l.eof()) return std::nullopt;
    if (name == "cpu") {
      s.all = t;
      have_all = true;
    } else {
      s.cores.push_back(t);
    }
  }
  if (!have_all) return std::nullopt;
  return s;
}

double busy_percent(const CpuTimes& a, const CpuTimes& b) {
  if (b.total() <= a.total()) return 0.0;
  double busy = static_cast<double>(b.busy() >= a.busy() ? b.busy() - a.busy() : 0);
  return 100.0 * busy / static_cast<double>(b.total() - a.total());
}

uint64_t MemInfo::used() const {
  uint64_t cache = cached > shmem ? cached - shmem : 0;
  uint64_t reclaim = free + buffers + cache;
  return total > reclaim ? total - reclaim : 0;
}

std::optional<MemInfo> parse_meminfo(const std::string& text) {
  MemInfo m;
  std::istringstream in(text);
  std::string line;
  bool total = false;
  while (std::getline(in, line)) {
    total |= kb_field(line, "MemTotal", m.total);
    kb_field(line, "MemFree", m.free);
    kb_field(line, "MemAvailable", m.available);
    kb_field(line, "Buffers", m.buffers);
    kb_field(line, "Cached", m.cached);
    kb_field(line, "Shmem", m.shmem);
  }
  if (!total) return std::nullopt;
  return m;
}

std::optional<LoadAvg> parse_loadavg(const std::string& text) {
  std::istringstream in(text);
  LoadAvg l;
  if (!(in >> l.one >> l.five >> l.fifteen)) return std::nullopt;
  return l;
}

std::optional<PidStat> parse_pid_stat(const std::string& text) {
  auto open = text.find('(');
  auto close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  PidStat p;
  try {
    p.pid = std::stoi(text.substr(0, open));
  } catch (...) {
    return std::nullopt;
  }
  p.comm = text.substr(open + 1, close - open - 1);
  std::istringstream in(text.substr(close + 1));
  // Fields 3.. : state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt
  // utime stime cutime cstime priority nice num_threads itrealvalue starttime vsize rss
  std::string skip;
  uint64_t u64;
  in >> p.state >> p.ppid;
  for (int i = 0; i < 9; ++i) in >> skip;
  in >> p.utime >> p.stime;
  in >> p.cutime >> p.cstime;
  for (int i = 0; i < 2; ++i) in >> u64;  // priority nice
  in >> p.num_threads >> u64 >> p.starttime;
  in >> u64;  // vsize
  in >> p.rss_pages;
  if (!in) return std::nullopt;
  return p;
}

std::optional<SmapsRollup> parse_smaps_rollup(const std::string& text) {
  SmapsRollup s;
  std::istringstream in(text);
  std::string line;
  bool any = false;
  while (std::getline(in, line)) {
    any |= kb_field(line, "Rss", s.rss);
    kb_field(line, "Pss", s.pss);
    kb_field(line, "Anonymous", s.anonymous);
    kb_field(line, "Shared_Clean", s.shared_clean);
    kb_field(line, "Shared_Dirty", s.shared_dirty);
  }
  if (!any) return std::nullopt;
  return s;
}

std::optional<PidStatm> parse_pid_statm(const std::string& text) {
  std::istringstream in(text);
  PidStatm m;
  if (!(in >> m.size >> m.resident >> m.shared)) return std::nullopt;
  return m;
}

}  // namespace uc::monitor
