// Planning a chaos run from its options and seed: the faults, their times and targets.
#include "chaos/chaos_schedule.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <numeric>
#include <set>

#include "chaos/chaos_rng.h"

namespace uc::chaos {
namespace {

constexpr double kStartJitter = 0.25;   // of the interval
constexpr double kRecoveryShare = 0.3;  // of the interval, after each fault
constexpr double kMaxShare = 0.6;       // of the interval: the longest fault
constexpr double kMinFaultS = 4, kMaxFaultS = 15;
// A long fault (a third of those that can fence) outlasts the default dead time (14 s) by
// enough to be fenced: it takes the next slot's room too, and that slot has no fault.
constexpr double kLongMinS = 18, kLongMaxS = 30;
constexpr uint32_t kMinDelayMs = 50, kMaxDelayMs = 400;
constexpr double kMaxLossPct = 20;

// Times in tenths of a second read well in a report; the epsilon keeps 20.000000001 (an
// artefact of k * interval) from rounding up to 20.1.
double ceil_tenth(double s) { return std::ceil(s * 10 - 1e-6) / 10; }
double floor_tenth(double s) { return std::floor(s * 10 + 1e-6) / 10; }
double round_tenth(double s) { return std::round(s * 10) / 10; }

std::vector<std::string> distinct(const std::vector<std::string>& v) {
  std::vector<std::string> out;
  for (const auto& s : v)
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  return out;
}

template <typename T>
void shuffle(std::vector<T>& v, SplitMix64& rng) {
  for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[rng.below(i)]);
}

// A random non-empty proper subset against the rest, each group in node order, the group
// holding the first node first.
std::vector<std::vector<std::string>> split_nodes(const std::vector<std::string>& nodes,
                                                  SplitMix64& rng) {
  std::vector<size_t> order(nodes.size());
  std::iota(order.begin(), order.end(), 0);
  shuffle(order, rng);
  size_t size = 1 + rng.below(nodes.size() - 1);
  std::vector<bool> chosen(nodes.size(), false);
  for (size_t i = 0; i < size; ++i) chosen[order[i]] = true;
  std::vector<std::string> a, b;
  for (size_t i = 0; i < nodes.size(); ++i) (chosen[i] == chosen[0] ? a : b).push_back(nodes[i]);
  return {a, b};
}

// The fault in slot k: it may start up to kStartJitter late and must end kRecoveryShare
// before slot k + 1 begins.
PlannedFault plan_slot(const ChaosOptions& o, size_t k, const std::string& kind, bool long_fault,
                       SplitMix64& rng) {
  double interval = o.interval_s;
  double slot = static_cast<double>(k) * interval;
  PlannedFault f;
  f.kind = kind;
  f.at_s = ceil_tenth(slot + rng.between(0, kStartJitter * interval));
  if (long_fault) {
    double room = slot + (2 - kRecoveryShare) * interval - f.at_s;
    f.for_s = floor_tenth(rng.between(kLongMinS, std::min(kLongMaxS, room)));
  } else if (kind != "crash") {
    double room = slot + (1 - kRecoveryShare) * interval - f.at_s;
    double longest = std::min({kMaxFaultS, kMaxShare * interval, room});
    f.for_s = floor_tenth(rng.between(kMinFaultS, longest));
  }
  if (kind == "partition") {
    f.groups = split_nodes(o.nodes, rng);
  } else {
    f.node = o.nodes[rng.below(o.nodes.size())];
  }
  if (kind == "net") {
    f.delay_ms = kMinDelayMs + static_cast<uint32_t>(rng.below(kMaxDelayMs - kMinDelayMs + 1));
    f.jitter_ms = static_cast<uint32_t>(rng.below(f.delay_ms / 4 + 1));
    f.loss_pct = round_tenth(rng.between(0, kMaxLossPct));
  }
  return f;
}

Status validate_nodes(const ChaosOptions& o) {
  if (o.nodes.empty()) return err("the cluster has no nodes to put faults on");
  std::set<std::string> seen;
  for (const auto& n : o.nodes) {
    if (n.empty()) return err("a node has an empty name");
    if (!seen.insert(n).second) return err(fmt::format("node \"{}\" is listed twice", n));
  }
  return {};
}

Status validate_times(const ChaosOptions& o) {
  if (!std::isfinite(o.duration_s) || o.duration_s <= 0)
    return err(
        fmt::format("--duration must be a positive number of seconds, not {}", o.duration_s));
  if (!std::isfinite(o.interval_s) || o.interval_s <= 0)
    return err(
        fmt::format("--interval must be a positive number of seconds, not {}", o.interval_s));
  if (o.duration_s > kMaxDurationS)
    return err(fmt::format("--duration {} s is more than a week ({} s); give a shorter run",
                           o.duration_s, kMaxDurationS));
  if (o.interval_s > o.duration_s)
    return err(
        fmt::format("--interval {} s is longer than --duration {} s", o.interval_s, o.duration_s));
  if (o.interval_s < kMinIntervalS)
    return err(fmt::format(
        "--interval {} s is too short: a fault lasts 4 s or more and leaves 30% of its interval "
        "for recovery; use --interval {} or more",
        o.interval_s, kMinIntervalS));
  if (fault_slots(o) == 0)
    return err(
        fmt::format("--duration {} s leaves no room for a fault with --interval {} s: the first "
                    "fault comes after "
                    "one interval of undisturbed work and each takes a whole interval; use "
                    "--duration {} or more",
                    o.duration_s, o.interval_s, 2 * o.interval_s));
  return {};
}

// A word the shell reads back as it is: plain ones bare, others in single quotes.
std::string shell_word(const std::string& s) {
  bool plain = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

Status validate(const ChaosOptions& o) {
  UC_TRY(validate_nodes(o));
  if (o.faults.empty())
    return err(
        fmt::format("no fault kinds: give --faults with one or more of {}", fault_kinds_list()));
  for (const auto& kind : o.faults)
    if (!is_fault_kind(kind))
      return err(fmt::format("unknown fault kind \"{}\" in --faults (known: {})", kind,
                             fault_kinds_list()));
  bool partition = std::find(o.faults.begin(), o.faults.end(), "partition") != o.faults.end();
  if (partition && o.nodes.size() < 2)
    return err(
        fmt::format("a partition needs 2 nodes or more and the cluster has {}; leave partition out "
                    "of --faults",
                    o.nodes.size()));
  return validate_times(o);
}

size_t fault_slots(const ChaosOptions& o) {
  if (!std::isfinite(o.duration_s) || !std::isfinite(o.interval_s) || o.interval_s <= 0 ||
      o.duration_s <= 0 || o.duration_s > kMaxDurationS)
    return 0;
  // The epsilon: 0.3 / 0.1 is 2.9999999999999996 in doubles.
  double whole = std::floor(o.duration_s / o.interval_s + 1e-9);
  return whole >= 2 ? static_cast<size_t>(whole) - 1 : 0;
}

std::vector<PlannedFault> plan_chaos(const ChaosOptions& o) {
  if (!validate(o).ok()) return {};
  std::vector<std::string> kinds = distinct(o.faults);
  SplitMix64 rng(o.seed);
  std::vector<std::string> deck;
  size_t next = 0;
  std::vector<PlannedFault> plan;
  size_t slots = fault_slots(o);
  for (size_t k = 1; k <= slots; ++k) {
    // A fresh shuffled deck of all kinds each round: every kind comes once before any twice.
    if (next == deck.size()) {
      deck = kinds;
      shuffle(deck, rng);
      next = 0;
    }
    const std::string& kind = deck[next++];
    // A long fault needs the next slot's room: there must be one, and the interval must
    // leave room for kLongMinS across both.
    bool long_fault = can_fence(kind) && k < slots &&
                      (2 - kRecoveryShare - kStartJitter) * o.interval_s >= kLongMinS &&
                      rng.below(3) == 0;
    plan.push_back(plan_slot(o, k, kind, long_fault, rng));
    if (long_fault) ++k;
  }
  return plan;
}

nlohmann::json to_json(const ChaosOptions& o) {
  return {{"duration_s", o.duration_s},
          {"interval_s", o.interval_s},
          {"faults", o.faults},
          {"seed", o.seed},
          {"nodes", o.nodes}};
}

std::string reproduce_command(const ChaosOptions& o, const std::string& cluster) {
  std::string faults;
  for (const auto& f : o.faults) faults += (faults.empty() ? "" : ",") + f;
  std::string name = cluster.empty() ? "" : " -n " + shell_word(cluster);
  return fmt::format("umlcluster chaos{} --duration {} --interval {} --faults {} --seed {}", name,
                     o.duration_s, o.interval_s, faults, o.seed);
}

}  // namespace uc::chaos
