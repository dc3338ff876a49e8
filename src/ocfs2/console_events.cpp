// The console parser: strips the kernel's prefixes, then matches the message against the
// printk formats of fs/ocfs2 and the kernel, written as patterns with named placeholders.
#include "ocfs2/console_events.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace uc::cluster {
namespace {

using T = ConsoleEventType;

constexpr size_t kMaxToken = 128;  // node names are <= 64 bytes, domains 32 hex digits
constexpr size_t kMaxDetail = 512;
constexpr int kMatchBudget = 20000;  // pattern steps per line: bounds hostile input

struct Name {
  T type;
  const char* name;
};
constexpr Name kNames[] = {
    {T::kO2netConnected, "o2net_connected"},
    {T::kO2netLost, "o2net_lost"},
    {T::kO2netShutdown, "o2net_shutdown"},
    {T::kO2netIdle, "o2net_idle"},
    {T::kO2netNoConnection, "o2net_no_connection"},
    {T::kHeartbeatNodeUp, "heartbeat_node_up"},
    {T::kHeartbeatNodeDown, "heartbeat_node_down"},
    {T::kHeartbeatStarted, "heartbeat_started"},
    {T::kHeartbeatStopped, "heartbeat_stopped"},
    {T::kHeartbeatWriteTimeout, "heartbeat_write_timeout"},
    {T::kHeartbeatWriteHung, "heartbeat_write_hung"},
    {T::kQuorumLost, "quorum_lost"},
    {T::kFenceReset, "fence_reset"},
    {T::kFencePanic, "fence_panic"},
    {T::kEvicted, "evicted"},
    {T::kDlmWaitingDeath, "dlm_waiting_death"},
    {T::kDlmWaitingRecovery, "dlm_waiting_recovery"},
    {T::kRecoveryBegin, "recovery_begin"},
    {T::kRecoveryMaster, "recovery_master"},
    {T::kRecoveryEnd, "recovery_end"},
    {T::kJournalReplayBegin, "journal_replay_begin"},
    {T::kJournalReplayEnd, "journal_replay_end"},
    {T::kJoinedDomain, "joined_domain"},
    {T::kLeftDomain, "left_domain"},
    {T::kNodeJoinedDomain, "node_joined_domain"},
    {T::kNodeLeftDomain, "node_left_domain"},
    {T::kVolumeMounted, "ocfs2_mounted"},
    {T::kVolumeUnmounted, "ocfs2_unmounted"},
    {T::kPanic, "panic"},
    {T::kOops, "oops"},
    {T::kHungTask, "hung_task"},
};

// Placeholders: {peer} {addr} {domain} {device} {_} a run of printable non-space bytes;
// {num} {master} {slot} {code} {ms} a decimal; {secs} "S" or "S.F"; {*} any bytes, the
// shortest that lets the rest match. Literal text compares ASCII case-insensitively (older
// kernels wrote "o2net: connected to"). The first pattern that matches the whole message wins.
struct Rule {
  T type;
  std::string_view pattern;
};
constexpr Rule kRules[] = {
    // fs/ocfs2/cluster/tcp.c; SC_NODEF_FMT is "node %s (num %u) at %pI4:%u"
    {T::kO2netConnected, "o2net: Connected to node {peer} (num {num}) at {addr}"},
    {T::kO2netConnected, "o2net: Accepted connection from node {peer} (num {num}) at {addr}"},
    {T::kO2netLost, "o2net: No longer connected to node {peer} (num {num}) at {addr}"},
    {T::kO2netShutdown,
     "o2net: Connection to node {peer} (num {num}) at {addr} shutdown, state {code}"},
    // 6.1 ends "secs."; older kernels "seconds, shutting it down."
    {T::kO2netIdle,
     "o2net: Connection to node {peer} (num {num}) at {addr} has been idle for {secs} sec{*}"},
    {T::kO2netNoConnection,
     "o2net: No connection established with node {num} after {secs} seconds{*}"},
    // fs/ocfs2/cluster/heartbeat.c
    {T::kHeartbeatNodeUp, "o2hb: Add node {num} to live nodes bitmap"},
    {T::kHeartbeatNodeDown, "o2hb: Remove node {num} from live nodes bitmap"},
    {T::kHeartbeatStarted, "o2hb: Heartbeat started on region {domain} ({device})"},
    {T::kHeartbeatStopped, "o2hb: Heartbeat stopped on region {domain} ({device})"},
    {T::kHeartbeatWriteTimeout,
     "Heartbeat write timeout to device {device} after {ms} milliseconds"},
    {T::kHeartbeatWriteHung,
     "o2hb: node {_} hb write hung for {secs}s on region {domain} ({device}){*}"},
    // fs/ocfs2/cluster/quorum.c (the panic variant comes back through panic())
    {T::kQuorumLost, "fencing this node because it is {*}"},
    {T::kFenceReset, "*** ocfs2 is very sorry to be fencing this system by restarting ***"},
    {T::kFencePanic,
     "Kernel panic - not syncing: *** ocfs2 is very sorry to be fencing this system by panic{*}"},
    // fs/ocfs2/stack_o2cb.c (6.1), and its older mlog form
    {T::kEvicted, "o2cb: o2dlm has evicted node {num} from domain {domain}"},
    {T::kEvicted, "o2dlm has evicted node {num} from group {domain}"},
    // fs/ocfs2/dlm/dlmrecovery.c
    {T::kDlmWaitingDeath, "o2dlm: Waiting on the death of node {num} in domain {domain}"},
    {T::kDlmWaitingRecovery, "o2dlm: Waiting on the recovery of node {num} in domain {domain}"},
    {T::kRecoveryBegin, "o2dlm: Begin recovery on domain {domain} for node {num}"},
    {T::kRecoveryMaster,
     "o2dlm: Node {master} ({_}) is the Recovery Master for the dead node {num} in domain "
     "{domain}"},
    {T::kRecoveryEnd, "o2dlm: End recovery on domain {domain}"},
    // fs/ocfs2/journal.c (6.1), and the older mlog form
    {T::kJournalReplayBegin,
     "ocfs2: Begin replay journal (node {num}, slot {slot}) on device ({device})"},
    {T::kJournalReplayBegin, "Recovering node {num} from slot {slot} on device ({device})"},
    {T::kJournalReplayEnd,
     "ocfs2: End replay journal (node {num}, slot {slot}) on device ({device})"},
    // fs/ocfs2/dlm/dlmdomain.c: these end with a space, then the domain's nodes follow as
    // separate console records "(", "0", ..., ") 2 nodes" since printk needs KERN_CONT
    {T::kJoinedDomain, "o2dlm: Joining domain {domain}{*}"},
    {T::kLeftDomain, "o2dlm: Leaving domain {domain}"},
    {T::kNodeJoinedDomain, "o2dlm: Node {num} joins domain {domain}{*}"},
    {T::kNodeLeftDomain, "o2dlm: Node {num} leaves domain {domain}{*}"},
    // fs/ocfs2/super.c
    {T::kVolumeMounted, "ocfs2: Mounting device ({device}) on (node {_}, slot {slot}) with {*}"},
    {T::kVolumeUnmounted, "ocfs2: Unmounting device ({device}) on (node {_})"},
    // kernel/panic.c, lib/bug.c, arch fault handlers, kernel/hung_task.c
    {T::kPanic, "Kernel panic - not syncing: {*}"},
    {T::kOops, "kernel BUG at {*}"},
    {T::kOops, "BUG: {*}"},
    {T::kOops, "watchdog: BUG: {*}"},
    {T::kOops, "Oops: {*}"},
    {T::kHungTask, "INFO: task {*} blocked for more than {secs} seconds."},
};

enum Slot {
  kPeer,
  kNum,
  kAddr,
  kMaster,
  kDomain,
  kDevice,
  kSlotNo,
  kCode,
  kSecs,
  kMs,
  kIgnore,
  kRest,
  kSlots
};

Slot slot_of(std::string_view name) {
  static constexpr std::pair<std::string_view, Slot> kSlotNames[] = {
      {"peer", kPeer},     {"num", kNum},       {"addr", kAddr},   {"master", kMaster},
      {"domain", kDomain}, {"device", kDevice}, {"slot", kSlotNo}, {"code", kCode},
      {"secs", kSecs},     {"ms", kMs},         {"_", kIgnore},    {"*", kRest}};
  for (auto [n, s] : kSlotNames)
    if (n == name) return s;
  return kIgnore;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool allowed(Slot s, char c) {
  switch (s) {
    case kNum:
    case kMaster:
    case kSlotNo:
    case kCode:
    case kMs:
      return is_digit(c);
    case kSecs:
      return is_digit(c) || c == '.';
    default:
      return c > ' ' && c < 0x7f;
  }
}

// A backtracking matcher: word placeholders try their longest run first, {*} its shortest.
class Matcher {
 public:
  explicit Matcher(std::string_view text) : text_(text) {}
  bool match(std::string_view pat) { return step(pat, 0); }
  std::array<std::string_view, kSlots> cap{};

 private:
  bool next_fits(std::string_view rest, size_t ti) const {
    if (rest.empty() || rest[0] == '{') return true;
    return ti < text_.size() && lower(text_[ti]) == lower(rest[0]);
  }

  bool step(std::string_view pat, size_t ti) {
    if (--budget_ < 0) return false;
    size_t pi = 0;
    for (; pi < pat.size() && pat[pi] != '{'; ++pi, ++ti)
      if (ti >= text_.size() || lower(pat[pi]) != lower(text_[ti])) return false;
    if (pi == pat.size()) return ti == text_.size();
    size_t close = pat.find('}', pi);
    Slot slot = slot_of(pat.substr(pi + 1, close - pi - 1));
    std::string_view rest = pat.substr(close + 1);
    if (slot == kRest) {
      for (size_t len = 0; ti + len <= text_.size(); ++len) {
        if (!next_fits(rest, ti + len)) continue;
        if (step(rest, ti + len)) {
          cap[kRest] = text_.substr(ti, len);
          return true;
        }
        if (budget_ < 0) return false;
      }
      return false;
    }
    size_t max = 0;
    while (ti + max < text_.size() && max < kMaxToken && allowed(slot, text_[ti + max])) ++max;
    for (size_t len = max; len >= 1; --len) {
      if (!next_fits(rest, ti + len)) continue;
      if (step(rest, ti + len)) {
        cap[slot] = text_.substr(ti, len);
        return true;
      }
      if (budget_ < 0) return false;
    }
    return false;
  }

  std::string_view text_;
  int budget_ = kMatchBudget;
};

std::optional<int> to_int(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// o2net prints "%lu.%lu" of msecs / 1000 and msecs % 1000: the part after the dot is a count
// of milliseconds, not a decimal fraction ("30.5" is 30.005 s).
std::optional<double> to_seconds(std::string_view s) {
  size_t dot = s.find('.');
  auto whole = to_int(s.substr(0, dot));
  if (!whole) return std::nullopt;
  if (dot == std::string_view::npos) return *whole;
  auto ms = to_int(s.substr(dot + 1));
  if (!ms || *ms > 999) return std::nullopt;
  return *whole + *ms / 1000.0;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// "[  12.345678] " (CONFIG_PRINTK_TIME), optionally followed by a caller id "[    T1] ".
std::string_view strip_time(std::string_view s, std::optional<double>* time) {
  if (s.empty() || s[0] != '[') return s;
  size_t close = s.find(']');
  if (close == std::string_view::npos || close > 24) return s;
  std::string_view in = trim(s.substr(1, close - 1));
  size_t dot = in.find('.');
  if (dot == std::string_view::npos) return s;
  std::string_view sec = in.substr(0, dot), frac = in.substr(dot + 1);
  if (!all_digits(sec) || sec.size() > 10 || !all_digits(frac) || frac.size() > 9) return s;
  double t = 0;
  for (char c : sec) t = t * 10 + (c - '0');
  double scale = 0.1;
  for (char c : frac) t += (c - '0') * scale, scale /= 10;
  *time = t;
  s = trim(s.substr(close + 1));
  if (s.size() > 2 && s[0] == '[' && (s[1] == 'T' || s[1] == 'C' || s[1] == ' ')) {
    size_t c2 = s.find(']');
    if (c2 != std::string_view::npos && c2 < 16) {
      std::string_view id = trim(s.substr(1, c2 - 1));
      if (id.size() > 1 && (id[0] == 'T' || id[0] == 'C') && all_digits(id.substr(1)))
        s = trim(s.substr(c2 + 1));
    }
  }
  return s;
}

// mlog()'s "(comm,pid,cpu):function:line " (and "ERROR: " for ML_ERROR); comm may hold
// anything, so the pid and cpu are found from the right.
std::string_view strip_mlog(std::string_view s) {
  if (s.empty() || s[0] != '(') return s;
  size_t close = s.find("):");
  if (close == std::string_view::npos || close > 64) return s;
  std::string_view in = s.substr(1, close - 1);
  size_t c2 = in.rfind(',');
  if (c2 == std::string_view::npos || !all_digits(in.substr(c2 + 1))) return s;
  size_t c1 = in.rfind(',', c2 == 0 ? 0 : c2 - 1);
  if (c1 != std::string_view::npos && c1 < c2 && !all_digits(in.substr(c1 + 1, c2 - c1 - 1)))
    return s;
  std::string_view rest = s.substr(close + 2);
  size_t sp = rest.find(' ');
  if (sp == std::string_view::npos) return s;
  rest = rest.substr(sp + 1);
  if (!rest.empty() && rest[0] == '[') {  // "%pS" kernels: "func+0x1c/0x40 [module] "
    size_t e = rest.find("] ");
    if (e != std::string_view::npos && e < 64) rest = rest.substr(e + 2);
  }
  if (rest.substr(0, 7) == "ERROR: ") rest.remove_prefix(7);
  return trim(rest);
}

std::string printable(std::string_view s) {
  std::string out;
  out.reserve(std::min(s.size(), kMaxDetail));
  for (char c : s.substr(0, kMaxDetail)) out += (c >= ' ' && c < 0x7f) ? c : '?';
  return out;
}

bool fill(ConsoleEvent& e, const std::array<std::string_view, kSlots>& cap) {
  e.peer_name = std::string(cap[kPeer]);
  e.address = std::string(cap[kAddr]);
  e.domain = std::string(cap[kDomain]);
  e.device = std::string(cap[kDevice]);
  auto num = [&](Slot s, int* out) {
    if (cap[s].empty()) return true;
    auto v = to_int(cap[s]);
    if (v) *out = *v;
    return v.has_value();
  };
  if (!num(kNum, &e.peer_number) || !num(kMaster, &e.master_number) || !num(kSlotNo, &e.slot) ||
      !num(kCode, &e.code))
    return false;
  if (!cap[kSecs].empty()) {
    auto s = to_seconds(cap[kSecs]);
    if (!s) return false;
    e.seconds = *s;
  }
  if (!cap[kMs].empty()) {
    auto ms = to_int(cap[kMs]);
    if (!ms) return false;
    e.seconds = *ms / 1000.0;
  }
  return true;
}

}  // namespace

const char* type_name(ConsoleEventType t) {
  for (const auto& n : kNames)
    if (n.type == t) return n.name;
  return "unknown";
}

std::optional<ConsoleEventType> console_type_from_name(std::string_view name) {
  for (const auto& n : kNames)
    if (name == n.name) return n.type;
  return std::nullopt;
}

std::optional<ConsoleEvent> parse_console_line(std::string_view line) {
  if (line.size() > ConsoleLineSplitter::kMaxLine) return std::nullopt;
  std::string_view s = trim(line);
  std::optional<double> time;
  if (s.size() > 3 && s[0] == '<' && is_digit(s[1])) {  // a syslog level, "<5>"
    size_t gt = s.find('>');
    if (gt != std::string_view::npos && gt <= 4 && all_digits(s.substr(1, gt - 1)))
      s = s.substr(gt + 1);
  }
  s = strip_mlog(strip_time(s, &time));
  if (s.empty()) return std::nullopt;
  for (const auto& rule : kRules) {
    Matcher m(s);
    if (!m.match(rule.pattern)) continue;
    ConsoleEvent e;
    e.type = rule.type;
    if (!fill(e, m.cap)) continue;
    e.kernel_time = time;
    e.detail = printable(trim(line));
    return e;
  }
  return std::nullopt;
}

std::vector<std::string> ConsoleLineSplitter::feed(std::string_view bytes) {
  std::vector<std::string> lines;
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    std::string_view part = bytes.substr(0, nl);
    if (!dropping_) {
      if (tail_.size() + part.size() > kMaxLine) {
        tail_.clear();
        dropping_ = true;
      } else {
        tail_.append(part);
      }
    }
    if (nl == std::string_view::npos) break;
    if (!dropping_) {
      if (!tail_.empty() && tail_.back() == '\r') tail_.pop_back();
      lines.push_back(std::move(tail_));
    }
    tail_.clear();
    dropping_ = false;
    bytes.remove_prefix(nl + 1);
  }
  return lines;
}

}  // namespace uc::cluster
