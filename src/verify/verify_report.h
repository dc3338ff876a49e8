// The verdict of `umlcluster verify`: per kind of operation, how many acknowledged records
// survived, and whether every node reads the same bytes; as JSON and as a terminal table.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "verify/record_format.h"

namespace uc::verify {

inline constexpr size_t kMaxListed = 50;

// acknowledged = intact + lost + corrupt. corrupt, duplicated and unexpected also count
// records that were never acknowledged (a line with a bad checksum is corrupt whoever wrote
// it); unexpected ones (in flight at a crash, torn tails, leftover .tmp files) are legal.
struct KindCounts {
  uint64_t acknowledged = 0;
  uint64_t intact = 0;
  uint64_t lost = 0;
  uint64_t corrupt = 0;
  uint64_t duplicated = 0;
  uint64_t unexpected = 0;
};

struct FileVersion {
  std::vector<std::string> nodes;
  std::string state;  // "present", "missing" or "unreadable"
  uint64_t size = 0;
};
struct FileDisagreement {
  std::string file;
  std::vector<FileVersion> versions;  // two or more
};

struct WorkerSummary {
  uint64_t ops = 0;
  uint64_t acks = 0;
  uint64_t errors = 0;
  std::optional<uint64_t> done;  // N of its "done N", when it said it
};

struct VerifyReport {
  std::array<KindCounts, kAllKinds.size()> by_kind{};
  KindCounts total;
  std::vector<std::string> dump_nodes;
  bool nodes_agree = true;
  std::vector<FileDisagreement> disagreements;
  uint64_t unreadable_files = 0;
  uint64_t malformed_lines = 0;
  std::map<std::string, WorkerSummary> workers;
  std::vector<std::string> problems;  // the first kMaxListed failures, one sentence each
  uint64_t problem_count = 0;
  std::vector<std::string> notes;  // the first kMaxListed legal oddities
  uint64_t note_count = 0;

  const KindCounts& of(Kind k) const { return by_kind[static_cast<size_t>(k)]; }
  KindCounts& of(Kind k) { return by_kind[static_cast<size_t>(k)]; }
  // Duplicates fail too: the worker never writes an id twice, so a second copy is the
  // filesystem's doing. With no dump at all nothing was verified.
  bool passed() const {
    return !dump_nodes.empty() && total.lost == 0 && total.corrupt == 0 && total.duplicated == 0 &&
           nodes_agree && unreadable_files == 0;
  }
};

nlohmann::json to_json(const VerifyReport& r);
std::string render_text(const VerifyReport& r);

}  // namespace uc::verify
