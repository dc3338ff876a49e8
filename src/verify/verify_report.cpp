// The verify report as JSON and as a short table for a terminal.
#include "verify/verify_report.h"

#include <fmt/format.h>

#include <algorithm>

namespace uc::verify {
namespace {

nlohmann::json counts_json(const KindCounts& c) {
  return {
      {"acknowledged", c.acknowledged}, {"intact", c.intact},         {"lost", c.lost},
      {"corrupt", c.corrupt},           {"duplicated", c.duplicated}, {"unexpected", c.unexpected}};
}

std::string counts_row(std::string_view label, const KindCounts& c) {
  return fmt::format("{:<8}{:>8}{:>8}{:>8}{:>8}{:>8}{:>12}\n", label, c.acknowledged, c.intact,
                     c.lost, c.corrupt, c.duplicated, c.unexpected);
}

}  // namespace

nlohmann::json to_json(const VerifyReport& r) {
  nlohmann::json kinds = nlohmann::json::object();
  for (Kind k : kAllKinds) kinds[std::string(kind_name(k))] = counts_json(r.of(k));
  nlohmann::json dis = nlohmann::json::array();
  for (const auto& d : r.disagreements) {
    nlohmann::json versions = nlohmann::json::array();
    for (const auto& v : d.versions)
      versions.push_back({{"nodes", v.nodes}, {"state", v.state}, {"size", v.size}});
    dis.push_back({{"file", d.file}, {"versions", versions}});
  }
  nlohmann::json workers = nlohmann::json::object();
  for (const auto& [node, w] : r.workers) {
    workers[node] = {{"ops", w.ops},
                     {"acks", w.acks},
                     {"errors", w.errors},
                     {"done", w.done ? nlohmann::json(*w.done) : nlohmann::json(nullptr)}};
  }
  return {{"passed", r.passed()},
          {"kinds", kinds},
          {"total", counts_json(r.total)},
          {"dump_nodes", r.dump_nodes},
          {"nodes_agree", r.nodes_agree},
          {"disagreements", dis},
          {"unreadable_files", r.unreadable_files},
          {"malformed_lines", r.malformed_lines},
          {"workers", workers},
          {"problems", r.problems},
          {"problem_count", r.problem_count},
          {"notes", r.notes},
          {"note_count", r.note_count}};
}

std::string render_text(const VerifyReport& r) {
  std::string out = fmt::format("{:<8}{:>8}{:>8}{:>8}{:>8}{:>8}{:>12}\n", "kind", "acked", "intact",
                                "lost", "corrupt", "dup", "unexpected");
  for (Kind k : kAllKinds) out += counts_row(kind_name(k), r.of(k));
  out += counts_row("total", r.total);
  out += fmt::format(
      "\ndumps from: {}; nodes agree: {}", fmt::join(r.dump_nodes, ", "),
      r.nodes_agree ? "yes" : fmt::format("no ({} files differ)", r.disagreements.size()));
  out += fmt::format("; malformed worker lines: {}\n", r.malformed_lines);
  auto list = [&](std::string_view title, const std::vector<std::string>& v, uint64_t n,
                  size_t most) {
    if (n == 0) return;
    size_t shown = std::min(v.size(), most);
    out +=
        fmt::format("\n{} ({}{}):\n", title, n, n > shown ? fmt::format(", first {}", shown) : "");
    for (size_t i = 0; i < shown; ++i) out += "  " + v[i] + "\n";
  };
  list("problems", r.problems, r.problem_count, kMaxListed);
  // Notes are legal (in-flight writes at a crash): a few here, all of them in the JSON.
  list("notes", r.notes, r.note_count, 10);
  if (r.passed()) return out + "\nPASS\n";
  return out +
         fmt::format("\nFAIL: {} problem{}\n", r.problem_count, r.problem_count == 1 ? "" : "s");
}

}  // namespace uc::verify
