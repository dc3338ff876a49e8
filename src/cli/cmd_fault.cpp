// `umlcluster fault ...`: faults injected into a running cluster through its supervisor:
// `fault freeze|crash|net|disk-stall|disk-slow|disk-error NODE`, `fault partition GROUP
// GROUP...` (wire/fault.h names them), and `fault thaw NODE`, `heal`, `list`, `clear`.
#include <fmt/format.h>

#include <chrono>

#include "cli/commands.h"
#include "client/cluster_target.h"

namespace uc::cli {
// Named, not anonymous: unity builds put several commands in one translation unit.
namespace cmd_fault {

using control::FaultKind;
using control::FaultRecord;

struct FaultOptions {
  std::string action;  // a fault's name, or thaw, heal, list, clear
  std::string node;
  double for_s = 0;                     // end by itself after this long
  bool no_restart = false;              // crash: keep it down
  std::vector<std::string> groups;      // partition: "node0" "node1,node2"
  bool one_way = false;                 // partition
  int64_t delay_ms = 0, jitter_ms = 0;  // net, disk-slow
  double loss_pct = 0;                  // net
} o;

std::vector<std::vector<std::string>> split_groups(const std::vector<std::string>& args) {
  std::vector<std::vector<std::string>> out;
  for (const auto& a : args) {
    out.emplace_back();
    size_t start = 0;
    while (start <= a.size()) {
      size_t comma = a.find(',', start);
      std::string name =
          a.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      if (!name.empty()) out.back().push_back(name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

// The request the action makes: a fault's (from the fault table), or one of the others.
control::Request request_of(const FaultOptions& f) {
  if (auto kind = control::fault_kind_named(f.action)) {
    control::Fault fault{*kind,
                         f.node,
                         static_cast<int64_t>(f.for_s * 1000),
                         f.no_restart,
                         {split_groups(f.groups), f.one_way, f.delay_ms, f.jitter_ms, f.loss_pct}};
    return control::request_for(fault);
  }
  control::Request r;
  r.node = f.node;
  r.op = f.action == "thaw"   ? control::Op::kThaw
         : f.action == "heal" ? control::Op::kHeal
         : f.action == "list" ? control::Op::kFaults
                              : control::Op::kClearFaults;
  return r;
}

// A fault's parameters in a few words: "[node0] | [node1]", "delay 200 ms".
std::string details(const FaultRecord& f) {
  const auto& p = f.params;
  std::string out;
  if (f.kind == FaultKind::kPartition) {
    for (const auto& grp : p.groups) {
      if (!out.empty()) out += " | ";
      out += "[";
      for (size_t i = 0; i < grp.size(); ++i) out += (i ? "," : "") + grp[i];
      out += "]";
    }
    if (p.one_way) out += " one way";
  }
  if (p.delay_ms > 0) out += fmt::format("delay {} ms ", p.delay_ms);
  if (p.jitter_ms > 0) out += fmt::format("jitter {} ms ", p.jitter_ms);
  if (p.loss_pct > 0) out += fmt::format("loss {}% ", p.loss_pct);
  return out;
}

void print_faults(const std::vector<FaultRecord>& faults, bool json) {
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& f : faults) out.push_back(to_json(f));
    fmt::print("{}\n", out.dump(2));
    return;
  }
  if (faults.empty()) {
    fmt::print("no active faults\n");
    return;
  }
  double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  fmt::print("{:<4} {:<11} {:<12} {:>10}  {:<26} {}\n", "ID", "KIND", "NODE", "FOR", "ENDS",
             "DETAILS");
  for (const auto& f : faults) {
    double started = f.started_at_ms / 1000.0;
    std::string ends = fmt::format("at `{}`", control::fault_info(f.kind).ended_by);
    if (f.ends_at_ms) ends = fmt::format("in {:.1f} s", *f.ends_at_ms / 1000.0 - now);
    fmt::print("{:<4} {:<11} {:<12} {:>9.1f}s  {:<26} {}\n", f.id, control::fault_name(f.kind),
               f.node.empty() ? "-" : f.node, now - started, ends, details(f));
  }
}

std::string for_text(double for_s) { return fmt::format(" for {} s", for_s); }

// What the user is told once the supervisor said yes.
void print_done(const FaultOptions& f, const control::Reply& reply, bool json) {
  size_t ended = reply.faults ? reply.faults->size() : 0;
  auto kind = control::fault_kind_named(f.action);
  if (f.action == "freeze")
    fmt::print("{} frozen (its kernel stopped){}\n", f.node,
               f.for_s > 0 ? for_text(f.for_s) : "; `umlcluster fault thaw` resumes it");
  else if (f.action == "thaw")
    fmt::print("{} thawed\n", f.node);
  else if (f.action == "crash")
    fmt::print("{} crashed (power cut){}\n", f.node,
               f.no_restart ? "; held down until `umlcluster up`" : "; its restart policy applies");
  else if (f.action == "partition")
    fmt::print("network partitioned{}; `umlcluster fault heal` ends it\n",
               f.for_s > 0 ? for_text(f.for_s) : "");
  else if (f.action == "heal")
    fmt::print("network healed ({} fault(s) ended)\n", ended);
  else if (kind)  // net, disk-*
    fmt::print("{}: {} started{}; `umlcluster {}` ends it\n", f.node, f.action,
               f.for_s > 0 ? for_text(f.for_s) : "", control::fault_info(*kind).ended_by);
  else if (f.action == "list")
    print_faults(reply.faults.value_or(std::vector<FaultRecord>{}), json);
  else
    fmt::print("{} fault(s) ended\n", ended);
}

void add_action(CLI::App& fault, Globals& g, const char* action, const char* help, bool takes_node,
                CLI::App** out = nullptr) {
  auto* sub = fault.add_subcommand(action, help);
  name_option(*sub, g);
  if (takes_node) sub->add_option("node", o.node, "node name")->required();
  sub->callback([action] { o.action = action; });
  if (out) *out = sub;
}

void for_option(CLI::App* sub, const char* what) {
  sub->add_option("--for", o.for_s, what)->check(CLI::PositiveNumber);
}

void define(CLI::App& cmd, Globals& g) {
  cmd.require_subcommand(1);
  CLI::App *freeze, *crash, *part, *net, *stall, *slow, *eio, *list;
  add_action(cmd, g, "freeze", "stop the whole node without killing it (UML's mconsole stop)", true,
             &freeze);
  for_option(freeze, "thaw it by itself after S seconds");
  add_action(cmd, g, "thaw", "resume a frozen node (mconsole go)", true);
  add_action(cmd, g, "crash",
             "a power cut: every host process of the node killed at once; its "
             "restart policy applies",
             true, &crash);
  crash->add_flag("--no-restart", o.no_restart, "keep it down (until `umlcluster up`)");
  add_action(cmd, g, "partition",
             "cut the network between groups of nodes in the switch, e.g. "
             "`partition node0 node1,node2`",
             false, &part);
  part->add_option("groups", o.groups, "two or more groups, each a comma-separated list of nodes")
      ->required()
      ->expected(2, 256);
  part->add_flag("--one-way", o.one_way, "drop only the frames from the first group to the others");
  for_option(part, "heal by itself after S seconds");
  add_action(cmd, g, "heal", "end the partition and every slow link", false);
  add_action(cmd, g, "net", "a slow or lossy link: the switch delays or drops the node's frames",
             true, &net);
  net->add_option("--delay", o.delay_ms, "added delay in ms (0-60000)")
      ->check(CLI::Range(0, 60000));
  net->add_option("--jitter", o.jitter_ms, "random +/- ms around the delay (0-60000)")
      ->check(CLI::Range(0, 60000));
  net->add_option("--loss", o.loss_pct, "percent of frames dropped (0-100)")
      ->check(CLI::Range(0.0, 100.0));
  for_option(net, "end by itself after S seconds");
  add_action(cmd, g, "disk-stall", "the node's I/O to the shared disk hangs; other nodes' goes on",
             true, &stall);
  for_option(stall, "let it go on after S seconds");
  add_action(cmd, g, "disk-slow", "each of the node's shared-disk I/Os waits --delay ms first",
             true, &slow);
  slow->add_option("--delay", o.delay_ms, "ms added to each I/O (1-60000)")
      ->required()
      ->check(CLI::Range(1, 60000));
  for_option(slow, "end by itself after S seconds");
  add_action(cmd, g, "disk-error", "the node's shared-disk I/O fails with EIO", true, &eio);
  for_option(eio, "end by itself after S seconds");
  add_action(cmd, g, "list", "the active faults and when they end", false, &list);
  json_option(*list, g);
  add_action(cmd, g, "clear", "end every active fault", false);
}

int run(const Globals& g) {
  auto c = client::connect_running(g.name, g.file);
  if (!c) return fail(c.error());
  auto reply = c->control.request(request_of(o));
  if (!reply) return fail(reply.error());
  print_done(o, *reply, g.json);
  return 0;
}

}  // namespace cmd_fault

const Command kFault{"fault", "break a running cluster on purpose (see `umlcluster events`)",
                     cmd_fault::define, cmd_fault::run};

}  // namespace uc::cli
