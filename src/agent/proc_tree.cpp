#include "agent/proc_tree.h"

#include <charconv>
#include <map>
#include <set>

#include "sys/files.h"

namespace uc::agent {
namespace {

template <typename T>
bool parse_number(std::string_view s, T* out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

// The next space-separated field of `rest`, consumed.
std::string_view next_field(std::string_view* rest) {
  size_t b = rest->find_first_not_of(' ');
  if (b == std::string_view::npos) return *rest = {}, std::string_view();
  size_t e = rest->find_first_of(" \n", b);
  std::string_view f = rest->substr(b, e == std::string_view::npos ? e : e - b);
  *rest = e == std::string_view::npos ? std::string_view() : rest->substr(e);
  return f;
}

}  // namespace

std::optional<ProcEntry> parse_proc_stat(std::string_view stat) {
  ProcEntry e;
  size_t open = stat.find(" (");
  size_t close = stat.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  if (!parse_number(stat.substr(0, open), &e.pid) || e.pid <= 0) return std::nullopt;
  // proc(5): after the name, field 3 is the state, 4 the parent, 22 the start time.
  std::string_view rest = stat.substr(close + 1);
  std::string_view state = next_field(&rest);
  if (state.size() != 1) return std::nullopt;
  e.state = state[0];
  if (!parse_number(next_field(&rest), &e.ppid) || e.ppid < 0) return std::nullopt;
  std::string_view f;
  for (int field = 5; field <= 22; ++field) f = next_field(&rest);
  if (!parse_number(f, &e.start)) return std::nullopt;
  return e;
}

std::vector<ProcEntry> descendants(const std::vector<ProcEntry>& snapshot, pid_t root) {
  std::multimap<pid_t, const ProcEntry*> children;
  for (const auto& e : snapshot) children.emplace(e.ppid, &e);
  std::vector<ProcEntry> out;
  std::set<pid_t> seen{root};  // a torn snapshot could show a loop; never walk one twice
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    pid_t parent = todo.back();
    todo.pop_back();
    auto [b, e] = children.equal_range(parent);
    for (auto it = b; it != e; ++it) {
      if (!seen.insert(it->second->pid).second) continue;
      out.push_back(*it->second);
      todo.push_back(it->second->pid);
    }
  }
  return out;
}

std::vector<ProcEntry> read_proc_snapshot(const std::string& proc_dir) {
  std::vector<ProcEntry> out;
  for (const auto& name : list_dir(proc_dir)) {
    pid_t pid = 0;
    if (!parse_number(std::string_view(name), &pid)) continue;
    auto text = read_file(proc_dir + "/" + name + "/stat");
    if (!text) continue;  // it ended since the directory was listed
    if (auto e = parse_proc_stat(*text)) out.push_back(*e);
  }
  return out;
}

}  // namespace uc::agent
