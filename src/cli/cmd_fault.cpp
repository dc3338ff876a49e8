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
  fmt::print("{:<4} {:<8} {:<12} {:>10}  {}\n", "ID", "KIND", "NODE", "FOR", "ENDS");
  for (const auto& f : faults) {
    double started = f.value("started_at_ms", int64_t{0}) / 1000.0;
    std::string ends = "at `fault thaw` or `fault clear`";
    if (f.contains("ends_at_ms") && f["ends_at_ms"].is_number())
      ends = fmt::format("in {:.1f} s", f["ends_at_ms"].get<int64_t>() / 1000.0 - now);
    fmt::print("{:<4} {:<8} {:<12} {:>9.1f}s  {}\n", f.value("id", 0), f.value("kind", ""),
               f.value("node", ""), now - started, ends);
  }
}

}  // namespace

int cmd_fault(const Globals& g, const FaultOptions& o) {
  control::Request r;
  r.node = o.node;
  if (o.action == "freeze") {
    r.op = control::Op::kFreeze;
    r.for_ms = static_cast<int64_t>(o.for_s * 1000);
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
  else if (o.action == "list")
    print_faults(reply->faults, g.json);
  else
    fmt::print("{} fault(s) ended\n", reply->faults.is_array() ? reply->faults.size() : 0);
  return 0;
}

}  // namespace uc::cli
