// `umlcluster fault ...`: faults injected into a running cluster through its supervisor.
#include <fmt/format.h>

#include <chrono>

#include "cli/commands.h"

namespace uc::cli {
namespace {

std::optional<control::Reply> ask(const Globals& g, const control::Request& r, int* rc) {
  std::string name;
  auto c = connect_running(g, &name, rc);
  if (!c) return std::nullopt;
  auto reply = c->request(r);
  if (!reply) {
    print_error(reply.error().message);
    *rc = kExitFailed;
    return std::nullopt;
  }
  return std::move(*reply);
}

// A fault's parameters in a few words: "[node0] | [node1]", "delay 200 ms".
std::string details(const nlohmann::json& f) {
  const auto& p = f.contains("params") && f["params"].is_object() ? f["params"] : nlohmann::json::object();
  std::string out;
  if (p.contains("groups") && p["groups"].is_array()) {
    for (const auto& grp : p["groups"]) {
      if (!out.empty()) out += " | ";
      out += "[";
      for (size_t i = 0; grp.is_array() && i < grp.size(); ++i)
        if (grp[i].is_string()) out += (i ? "," : "") + grp[i].get<std::string>();
      out += "]";
    }
    if (p.value("one_way", false)) out += " one way";
  }
  if (p.value("delay_ms", 0) > 0) out += fmt::format("delay {} ms ", p.value("delay_ms", 0));
  if (p.value("jitter_ms", 0) > 0) out += fmt::format("jitter {} ms ", p.value("jitter_ms", 0));
  if (p.value("loss_pct", 0.0) > 0) out += fmt::format("loss {}% ", p.value("loss_pct", 0.0));
  return out;
}

void print_faults(const nlohmann::json& faults, bool json) {
  if (json) {
    fmt::print("{}\n", faults.is_array() ? faults.dump(2) : "[]");
    return;
  }
  if (!faults.is_array() || faults.empty()) {
    fmt::print("no active faults\n");
    return;
  }
  double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  fmt::print("{:<4} {:<11} {:<12} {:>10}  {:<26} {}\n", "ID", "KIND", "NODE", "FOR", "ENDS", "DETAILS");
  for (const auto& f : faults) {
    double started = f.value("started_at_ms", int64_t{0}) / 1000.0;
    std::string kind = f.value("kind", "");
    std::string ends = kind == "freeze"                     ? "at `fault thaw`"
                       : kind == "partition" || kind == "net" ? "at `fault heal`"
                                                              : "at `fault clear`";
    if (f.contains("ends_at_ms") && f["ends_at_ms"].is_number())
      ends = fmt::format("in {:.1f} s", f["ends_at_ms"].get<int64_t>() / 1000.0 - now);
    fmt::print("{:<4} {:<11} {:<12} {:>9.1f}s  {:<26} {}\n", f.value("id", 0), f.value("kind", ""),
               f.value("node", "").empty() ? "-" : f.value("node", ""), now - started, ends, details(f));
  }
}

}  // namespace

std::vector<std::vector<std::string>> split_groups(const std::vector<std::string>& args) {
  std::vector<std::vector<std::string>> out;
  for (const auto& a : args) {
    out.emplace_back();
    size_t start = 0;
    while (start <= a.size()) {
      size_t comma = a.find(',', start);
      std::string name = a.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!name.empty()) out.back().push_back(name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

int cmd_fault(const Globals& g, const FaultOptions& o) {
  control::Request r;
  r.node = o.node;
  r.for_ms = static_cast<int64_t>(o.for_s * 1000);
  r.delay_ms = o.delay_ms;
  r.jitter_ms = o.jitter_ms;
  r.loss_pct = o.loss_pct;
  if (o.action == "freeze") {
    r.op = control::Op::kFreeze;
  } else if (o.action == "partition") {
    r.op = control::Op::kPartition;
    r.groups = split_groups(o.groups);
    r.one_way = o.one_way;
  } else if (o.action == "heal") {
    r.op = control::Op::kHeal;
  } else if (o.action == "net") {
    r.op = control::Op::kNet;
  } else if (o.action == "disk-stall") {
    r.op = control::Op::kDiskStall;
  } else if (o.action == "disk-slow") {
    r.op = control::Op::kDiskSlow;
  } else if (o.action == "disk-error") {
    r.op = control::Op::kDiskError;
  } else if (o.action == "thaw") {
    r.op = control::Op::kThaw;
  } else if (o.action == "crash") {
    r.op = control::Op::kCrash;
    r.hold = o.no_restart;
  } else if (o.action == "list") {
    r.op = control::Op::kFaults;
  } else {
    r.op = control::Op::kClearFaults;
  }
  int rc = 0;
  auto reply = ask(g, r, &rc);
  if (!reply) return rc;
  if (o.action == "freeze")
    fmt::print("{} frozen (its kernel stopped){}\n", o.node,
               o.for_s > 0 ? fmt::format(" for {} s", o.for_s) : "; `umlcluster fault thaw` resumes it");
  else if (o.action == "thaw")
    fmt::print("{} thawed\n", o.node);
  else if (o.action == "crash")
    fmt::print("{} crashed (power cut){}\n", o.node,
               o.no_restart ? "; held down until `umlcluster up`" : "; its restart policy applies");
  else if (o.action == "partition")
    fmt::print("network partitioned{}; `umlcluster fault heal` ends it\n", o.for_s > 0 ? fmt::format(" for {} s", o.for_s) : "");
  else if (o.action == "heal")
    fmt::print("network healed ({} fault(s) ended)\n", reply->faults.is_array() ? reply->faults.size() : 0);
  else if (o.action == "net" || o.action.rfind("disk-", 0) == 0)
    fmt::print("{}: {} started{}; `umlcluster fault {}` ends it\n", o.node, o.action,
               o.for_s > 0 ? fmt::format(" for {} s", o.for_s) : "", o.action == "net" ? "heal" : "clear");
  else if (o.action == "list")
    print_faults(reply->faults, g.json);
  else
    fmt::print("{} fault(s) ended\n", reply->faults.is_array() ? reply->faults.size() : 0);
  return 0;
}

}  // namespace uc::cli
