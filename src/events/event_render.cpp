// render_event: an event as one line a person reads. The console's events get a sentence
// ("node0 sees node1 evicted from domain 5E3F..."); the supervisor's, their fields as
// key=value ("cause=crashed signal=9"), after a "message" field if there is one.
#include <fmt/format.h>

#include <functional>
#include <map>

#include "events/event.h"

namespace uc::cluster {
namespace {

using json = nlohmann::json;

std::string text(const json& f, const char* key) {
  auto it = f.find(key);
  return it != f.end() && it->is_string() ? it->get<std::string>() : "";
}

std::optional<int64_t> integer(const json& f, const char* key) {
  auto it = f.find(key);
  if (it == f.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<int64_t>();
}

std::optional<double> number(const json& f, const char* key) {
  auto it = f.find(key);
  if (it == f.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

// A node named by the line, or by the supervisor from its number, else by its number.
std::string who(const json& f, const char* name_key, const char* number_key) {
  std::string name = text(f, name_key);
  if (!name.empty()) return name;
  if (auto n = integer(f, number_key)) return fmt::format("node #{}", *n);
  return "a node";
}

std::string in_domain(const json& f) {
  std::string d = text(f, "domain");
  return d.empty() ? "" : " in domain " + d;
}

std::string after(const json& f, const char* what) {
  auto s = number(f, "seconds");
  return s ? fmt::format(" {} {:g}s", what, *s) : "";
}

std::string scalar(const json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    bool plain = !s.empty() && s.find_first_of(" \t\"=") == std::string::npos;
    return plain ? s : v.dump(-1, ' ', false, json::error_handler_t::replace);
  }
  return v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string key_values(const json& f) {
  std::string out = text(f, "message");
  for (const auto& [k, v] : f.items()) {
    if (k == "message") continue;
    if (!out.empty()) out += ' ';
    out += k + "=" + scalar(v);
  }
  return out;
}

using Phrase = std::function<std::string(const std::string& self, const json& f)>;

const std::map<std::string, Phrase>& phrases() {
  static const std::map<std::string, Phrase> m = {
      {"o2net_connected",
       [](auto& s, auto& f) {
         std::string a = text(f, "address");
         return s + " connected to " + who(f, "peer", "peer_number") +
                (a.empty() ? "" : " at " + a);
       }},
      {"o2net_lost",
       [](auto& s, auto& f) {
         return s + " lost its connection to " + who(f, "peer", "peer_number");
       }},
      {"o2net_shutdown",
       [](auto& s, auto& f) {
         auto c = integer(f, "code");
         return s + "'s connection to " + who(f, "peer", "peer_number") + " shut down" +
                (c ? fmt::format(" (socket state {})", *c) : "");
       }},
      {"o2net_idle",
       [](auto& s, auto& f) {
         return s + "'s connection to " + who(f, "peer", "peer_number") + " idle" + after(f, "for");
       }},
      {"o2net_no_connection",
       [](auto& s, auto& f) {
         return s + " could not connect to " + who(f, "peer", "peer_number") + after(f, "in");
       }},
      {"folded",
       [](auto& s, auto& f) {
         auto n = integer(f, "count");
         return fmt::format(
             "{}: {} more {} events in {} s (folded; the last is in the event's "
             "\"last\" field)",
             s, n ? *n : 0, text(f, "of"), scalar(f.value("seconds", json(0))));
       }},
      {"heartbeat_node_up",
       [](auto& s, auto& f) {
         return s + " sees " + who(f, "peer", "peer_number") + " heartbeat";
       }},
      {"heartbeat_node_down",
       [](auto& s, auto& f) {
         return s + " no longer sees " + who(f, "peer", "peer_number") + " heartbeat";
       }},
      {"heartbeat_started",
       [](auto& s, auto& f) { return s + " started heartbeating on region " + text(f, "domain"); }},
      {"heartbeat_stopped",
       [](auto& s, auto& f) { return s + " stopped heartbeating on region " + text(f, "domain"); }},
      {"heartbeat_write_timeout",
       [](auto& s, auto& f) {
         return s + "'s heartbeat write to " + text(f, "device") + " timed out" + after(f, "after");
       }},
      {"heartbeat_write_hung",
       [](auto& s, auto& f) {
         return s + "'s heartbeat write to " + text(f, "device") + " hung" + after(f, "for");
       }},
      {"quorum_lost", [](auto& s, auto&) { return s + " lost quorum and fences itself"; }},
      {"fence_reset", [](auto& s, auto&) { return s + " fences itself by restarting"; }},
      {"fence_panic", [](auto& s, auto&) { return s + " fences itself by panicking"; }},
      {"evicted",
       [](auto& s, auto& f) {
         std::string d = text(f, "domain");
         return s + " sees " + who(f, "peer", "peer_number") + " evicted" +
                (d.empty() ? "" : " from domain " + d);
       }},
      {"dlm_waiting_death",
       [](auto& s, auto& f) {
         return s + " waits for " + who(f, "peer", "peer_number") + " to be dead" + in_domain(f);
       }},
      {"dlm_waiting_recovery",
       [](auto& s, auto& f) {
         return s + " waits for the recovery of " + who(f, "peer", "peer_number") + in_domain(f);
       }},
      {"recovery_begin",
       [](auto& s, auto& f) {
         return s + " begins recovery of dead " + who(f, "peer", "peer_number") + in_domain(f);
       }},
      {"recovery_master",
       [](auto&, auto& f) {
         return "recovery master " + who(f, "master", "master_number") + " for dead " +
                who(f, "peer", "peer_number") + in_domain(f);
       }},
      {"recovery_end", [](auto& s, auto& f) { return s + " ends recovery" + in_domain(f); }},
      {"journal_replay_begin",
       [](auto& s, auto& f) {
         auto slot = integer(f, "slot");
         return s + " replays the journal of " + who(f, "peer", "peer_number") +
                (slot ? fmt::format(" (slot {})", *slot) : "") + " on device " + text(f, "device");
       }},
      {"journal_replay_end",
       [](auto& s, auto& f) {
         return s + " replayed the journal of " + who(f, "peer", "peer_number") + " on device " +
                text(f, "device");
       }},
      {"joined_domain", [](auto& s, auto& f) { return s + " joined domain " + text(f, "domain"); }},
      {"left_domain", [](auto& s, auto& f) { return s + " left domain " + text(f, "domain"); }},
      {"node_joined_domain",
       [](auto& s, auto& f) {
         return s + " sees " + who(f, "peer", "peer_number") + " join domain " + text(f, "domain");
       }},
      {"node_left_domain",
       [](auto& s, auto& f) {
         return s + " sees " + who(f, "peer", "peer_number") + " leave domain " + text(f, "domain");
       }},
      {"ocfs2_mounted",
       [](auto& s, auto& f) {
         auto slot = integer(f, "slot");
         return s + " mounted device " + text(f, "device") +
                (slot ? fmt::format(" in slot {}", *slot) : "");
       }},
      {"ocfs2_unmounted",
       [](auto& s, auto& f) { return s + " unmounted device " + text(f, "device"); }},
  };
  return m;
}

}  // namespace

std::string render_event(const Event& e) {
  const json& f = e.fields.is_object() ? e.fields : json::object();
  std::string self = e.node.empty() ? "the cluster" : e.node;
  std::string msg;
  if (auto it = phrases().find(e.type); it != phrases().end()) {
    msg = it->second(self, f);
  } else if (e.type == "panic" || e.type == "oops" || e.type == "hung_task") {
    msg = text(f, "line");  // the kernel's own words say it best
    if (msg.empty()) msg = key_values(f);
  } else {
    msg = key_values(f);
  }
  std::string line = fmt::format("{}  {:<9} {:<9} {}", human_time(e.ts_ms),
                                 e.node.empty() ? "-" : e.node, e.type, msg);
  while (!line.empty() && line.back() == ' ') line.pop_back();
  // A field may hold anything; the terminal gets one line and no control sequences.
  for (char& c : line)
    if ((c >= 0 && c < ' ') || c == 0x7f) c = '?';
  return line;
}

}  // namespace uc::cluster
