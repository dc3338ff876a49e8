// The per-record half of VerifyChecker::check (see verify_checker.h for the semantics):
// sets each id's verdict from what was acknowledged and what each node's dump holds, and
// words the problems and notes. Internal to src/verify.
#pragma once

#include <map>
#include <set>
#include <string>

#include "verify/record_format.h"
#include "verify/verify_report.h"
#include "verify/volume_scan.h"

namespace uc::verify {

struct Evidence {
  const std::set<RecordId>& acked;
  const std::set<RecordId>& started;               // an op line was seen
  const std::map<std::string, VolumeScan>& scans;  // by the node that read the dump
};

void judge_records(const Evidence& e, VerifyReport& r);

void add_problem(VerifyReport& r, std::string sentence);
void add_note(VerifyReport& r, std::string sentence);

}  // namespace uc::verify
