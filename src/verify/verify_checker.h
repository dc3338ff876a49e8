// VerifyChecker: the host side of `umlcluster verify`. It takes what each node's worker
// printed (see worker_lines.h) and each node's dump of the verify directory (see
// volume_dump.h), and decides whether every acknowledged operation survived, intact, on
// every node. Pure: no syscalls, no clock; the guest's output is parsed defensively and
// nothing it sends can make it throw.
//
// Semantics, per record id (NODE, KIND, SEQ):
// - log/shared: intact if a line with that id and a right checksum exists; corrupt if the
//   only lines with that id are broken or torn; duplicated if the id is on more than one line.
//   Any other line in log-NODE or shared that is not a torn write is corrupt.
// - A torn line (a strict prefix of a record, maybe NUL-padded: a write cut short by a crash,
//   which the worker ends with a newline before its next append) is legal only if its record
//   was never acknowledged; then it counts as unexpected. An acknowledged record that is torn
//   is corrupt: its ack came after fsync.
// - create: intact if files/NODE-SEQ holds exactly its record line; if an unlink of it was
//   acknowledged (or was in flight) the file may be gone. unlink: intact if the file is gone
//   on every node, lost if it is still there.
// - Records that were never acknowledged but are there are unexpected: legal, in flight.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>

#include "sys/result.h"
#include "verify/record_format.h"
#include "verify/verify_report.h"
#include "verify/volume_dump.h"
#include "verify/volume_scan.h"

namespace uc::verify {

class VerifyChecker {
 public:
  // One line the worker on `node` printed (with or without its newline). Lines that are not
  // of the grammar, or come with a bad node name, are counted as malformed and ignored.
  void on_worker_line(const std::string& node, std::string_view line);
  // acks.jsonl as the host saved it (encode_worker_jsonl per line), replayed line by line;
  // a line that does not decode counts as malformed. Empty lines are skipped.
  void load_worker_jsonl(std::string_view text);
  // The dump of the verify directory as read on `node`. Refused whole if it does not parse,
  // if the node name is bad, or if that node's dump was already added.
  Status add_dump(const std::string& node, std::string_view dump);
  VerifyReport check() const;

 private:
  std::map<std::string, WorkerSummary> workers_;
  std::set<RecordId> acked_;
  std::set<RecordId> started_;
  std::map<std::string, VolumeDump> dumps_;
  std::map<std::string, VolumeScan> scans_;
  uint64_t malformed_ = 0;
};

}  // namespace uc::verify
