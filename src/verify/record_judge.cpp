// Per-record verdicts: each acknowledged or sighted id, then the lines and files that
// belong to no record.
#include "verify/record_judge.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace uc::verify {
namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// How one id fares in each node's dump.
struct Sighting {
  std::vector<std::string> present;  // nodes with at least one copy
  std::vector<std::string> missing;
  std::vector<std::string> damaged;  // "node0 (shared line 9, torn)": no intact copy there
  std::vector<std::string> dups;     // "node0 (shared line 4, shared line 9)"
  bool broken = false;               // some damaged copy is not merely torn
};

Sighting sight(const RecordId& id, const std::map<std::string, VolumeScan>& scans) {
  Sighting s;
  for (const auto& [node, scan] : scans) {
    auto it = scan.records.find(id);
    if (it == scan.records.end() || it->second.empty()) {
      s.missing.push_back(node);
      continue;
    }
    const auto& copies = it->second;
    s.present.push_back(node);
    auto is = [&](Shape sh) {
      return std::any_of(copies.begin(), copies.end(),
                         [&](const Copy& c) { return c.shape == sh; });
    };
    if (!is(Shape::intact)) {
      bool torn_only = !is(Shape::broken);
      s.broken |= !torn_only;
      s.damaged.push_back(
          fmt::format("{} ({}, {})", node, copies.front().where, torn_only ? "torn" : "bad bytes"));
    }
    if (copies.size() > 1) {
      std::vector<std::string> wheres;
      for (const auto& c : copies) wheres.push_back(c.where);
      s.dups.push_back(fmt::format("{} ({})", node, join(wheres)));
    }
  }
  return s;
}

std::string_view flight(const Evidence& e, const RecordId& id) {
  return e.started.count(id) ? "in flight" : "its op line never arrived";
}

// log, shared and create records; a create may be gone if its unlink was acked or started.
void judge_record(const Evidence& e, const RecordId& id, VerifyReport& r) {
  KindCounts& c = r.of(id.kind);
  Sighting s = sight(id, e.scans);
  RecordId unlink{id.node, Kind::unlink, id.seq};
  bool may_be_gone = id.kind == Kind::create && (e.acked.count(unlink) || e.started.count(unlink));
  std::string what = describe(id);
  if (e.acked.count(id)) {
    c.acknowledged++;
    if (!s.damaged.empty()) {
      c.corrupt++;
      add_problem(r, fmt::format("{}: acknowledged but damaged on {}", what, join(s.damaged)));
    } else if (!s.missing.empty() && !may_be_gone) {
      c.lost++;
      add_problem(r, fmt::format("{}: acknowledged but missing on {}", what, join(s.missing)));
    } else {
      c.intact++;
    }
  } else if (s.broken) {
    c.corrupt++;
    add_problem(r, fmt::format("{}: never acknowledged, and damaged on {}", what, join(s.damaged)));
  } else if (!s.present.empty()) {
    c.unexpected++;
    add_note(r,
             fmt::format("{}: on {} but never acknowledged ({}){}", what, join(s.present),
                         flight(e, id), s.damaged.empty() ? "" : "; torn on " + join(s.damaged)));
  }
  if (!s.dups.empty()) {
    c.duplicated++;
    add_problem(
        r, fmt::format("{}: written once but found on several lines on {}", what, join(s.dups)));
  }
}

void judge_unlink(const Evidence& e, const RecordId& id, VerifyReport& r) {
  KindCounts& c = r.of(Kind::unlink);
  c.acknowledged++;
  Sighting s = sight(RecordId{id.node, Kind::create, id.seq}, e.scans);
  if (s.present.empty()) {
    c.intact++;
    return;
  }
  c.lost++;
  add_problem(r, fmt::format("{}: acknowledged but files/{}-{} is still there on {}", describe(id),
                             id.node, id.seq, join(s.present)));
}

// Strays, leftover .tmp files and unknown names, each listed once with the nodes that saw it.
void judge_leftovers(const Evidence& e, VerifyReport& r) {
  std::map<std::pair<std::string, std::string>, std::pair<Stray, std::vector<std::string>>> strays;
  std::map<std::string, std::vector<std::string>> temps, unknown;
  for (const auto& [node, scan] : e.scans) {
    for (const auto& st : scan.strays) {
      auto& slot = strays[{st.where, st.why}];
      slot.first = st;
      slot.second.push_back(node);
    }
    for (const auto& t : scan.temp_files) temps[t].push_back(node);
    for (const auto& u : scan.unknown) unknown[u].push_back(node);
  }
  for (const auto& [key, v] : strays) {
    const auto& [st, nodes] = v;
    if (st.torn) {
      r.of(st.kind).unexpected++;
      add_note(r, fmt::format("{} {} on {}, never acknowledged", st.where, st.why, join(nodes)));
    } else {
      r.of(st.kind).corrupt++;
      add_problem(r, fmt::format("{} {} on {}", st.where, st.why, join(nodes)));
    }
  }
  for (const auto& [name, nodes] : temps) {
    r.of(Kind::create).unexpected++;
    add_note(r, fmt::format("{}: a create cut short, left on {}", name, join(nodes)));
  }
  for (const auto& [name, nodes] : unknown)
    add_note(r, fmt::format("{} on {}: not something the worker writes", name, join(nodes)));
}

}  // namespace

void judge_records(const Evidence& e, VerifyReport& r) {
  std::set<RecordId> ids = e.acked;
  for (const auto& [node, scan] : e.scans)
    for (const auto& [id, copies] : scan.records) ids.insert(id);
  for (const auto& id : ids) {
    if (id.kind == Kind::unlink)
      judge_unlink(e, id, r);
    else
      judge_record(e, id, r);
  }
  judge_leftovers(e, r);
}

void add_problem(VerifyReport& r, std::string sentence) {
  if (r.problems.size() < kMaxListed) r.problems.push_back(std::move(sentence));
  r.problem_count++;
}

void add_note(VerifyReport& r, std::string sentence) {
  if (r.notes.size() < kMaxListed) r.notes.push_back(std::move(sentence));
  r.note_count++;
}

}  // namespace uc::verify
