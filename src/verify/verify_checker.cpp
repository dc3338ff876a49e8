// VerifyChecker: the worker streams and dumps in, the report out.
#include "verify/verify_checker.h"

#include <fmt/format.h>

#include "verify/record_judge.h"
#include "verify/worker_lines.h"

namespace uc::verify {
namespace {

// Every file that is not the same on all nodes: absent, unreadable, or other bytes.
void compare_nodes(const std::map<std::string, VolumeDump>& dumps, VerifyReport& r) {
  std::set<std::string> names;
  for (const auto& [node, d] : dumps)
    for (const auto& [name, f] : d.files) names.insert(name);
  for (const auto& name : names) {
    FileDisagreement dis{name, {}};
    std::vector<const std::string*> bytes;  // per version, when present
    for (const auto& [node, d] : dumps) {
      auto it = d.files.find(name);
      FileVersion v;
      const std::string* b = nullptr;
      if (it == d.files.end())
        v.state = "missing";
      else if (!it->second.readable)
        v.state = "unreadable";
      else {
        v.state = "present";
        v.size = it->second.bytes.size();
        b = &it->second.bytes;
      }
      size_t i = 0;
      while (i < dis.versions.size() &&
             !(dis.versions[i].state == v.state && (!b || *bytes[i] == *b)))
        ++i;
      if (i == dis.versions.size()) {
        dis.versions.push_back(v);
        bytes.push_back(b);
      }
      dis.versions[i].nodes.push_back(node);
    }
    if (dis.versions.size() < 2) continue;
    std::vector<std::string> parts;
    for (const auto& v : dis.versions) {
      parts.push_back(
          fmt::format("{}: {}", fmt::join(v.nodes, ", "),
                      v.state == "present" ? fmt::format("{} bytes", v.size) : v.state));
    }
    add_problem(r, fmt::format("{} differs between nodes ({})", name, fmt::join(parts, "; ")));
    r.disagreements.push_back(std::move(dis));
  }
  r.nodes_agree = r.disagreements.empty();
}

void summarize_workers(const std::map<std::string, WorkerSummary>& workers, VerifyReport& r) {
  r.workers = workers;
  for (const auto& [node, w] : workers) {
    if (!w.done) {
      add_note(
          r, fmt::format("{}: the worker never said done (stopped, or its output was cut)", node));
    } else if (*w.done != w.acks) {
      add_note(r, fmt::format("{}: the worker said done after {} acks but {} ack lines arrived",
                              node, *w.done, w.acks));
    }
  }
}

}  // namespace

void VerifyChecker::on_worker_line(const std::string& node, std::string_view line) {
  auto w = valid_node_name(node) ? parse_worker_line(line) : std::nullopt;
  if (!w) {
    malformed_++;
    return;
  }
  WorkerSummary& s = workers_[node];
  RecordId id{node, w->kind, w->seq};
  switch (w->type) {
    case WorkerLine::Type::start:
      break;
    case WorkerLine::Type::op:
      s.ops++;
      started_.insert(id);
      break;
    case WorkerLine::Type::ack:
      s.acks++;
      acked_.insert(id);
      break;
    case WorkerLine::Type::error:
      s.errors++;
      break;
    case WorkerLine::Type::done:
      s.done = w->seq;
      break;
  }
}

void VerifyChecker::load_worker_jsonl(std::string_view text) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty()) continue;
    auto saved = decode_worker_jsonl(line);
    if (saved)
      on_worker_line(saved->node, saved->line);
    else
      malformed_++;
  }
}

Status VerifyChecker::add_dump(const std::string& node, std::string_view dump) {
  if (!valid_node_name(node))
    return err(fmt::format("bad node name for a verify dump: '{}'", node));
  if (dumps_.count(node)) return err(fmt::format("the verify dump of {} was added twice", node));
  auto d = parse_dump(dump);
  if (!d) return err(fmt::format("{}: {}", node, d.error().message));
  scans_[node] = scan_volume(*d);
  dumps_[node] = std::move(*d);
  return {};
}

VerifyReport VerifyChecker::check() const {
  VerifyReport r;
  r.malformed_lines = malformed_;
  for (const auto& [node, d] : dumps_) r.dump_nodes.push_back(node);
  if (dumps_.empty()) {
    for (const auto& id : acked_) r.of(id.kind).acknowledged++;
    add_problem(r, "no dump of the verify directory was added: nothing was verified");
  } else {
    for (const auto& [node, scan] : scans_) {
      for (const auto& u : scan.unreadable) {
        r.unreadable_files++;
        add_problem(r, fmt::format("{} could not read {}", node, u));
      }
    }
    judge_records(Evidence{acked_, started_, scans_}, r);
    compare_nodes(dumps_, r);
  }
  summarize_workers(workers_, r);
  for (Kind k : kAllKinds) {
    const KindCounts& c = r.of(k);
    r.total.acknowledged += c.acknowledged;
    r.total.intact += c.intact;
    r.total.lost += c.lost;
    r.total.corrupt += c.corrupt;
    r.total.duplicated += c.duplicated;
    r.total.unexpected += c.unexpected;
  }
  return r;
}

}  // namespace uc::verify
