// What one node's dump of the verify directory holds, record by record: every line of
// log-NODE and shared, and every file under files/, sorted into records the checker can
// look up by id and lines that belong to no record. Pure, no syscalls.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "verify/record_format.h"
#include "verify/volume_dump.h"

namespace uc::verify {

// One copy of a record: a line of a log or of shared, or a whole created file.
struct Copy {
  Shape shape = Shape::broken;
  std::string where;  // "log-node1 line 7", "files/node1-5"
};

// A line or file that names no record of its place: unparseable, torn before its id, or a
// well-formed record of another node or kind than the file it sits in.
struct Stray {
  Kind kind = Kind::log;  // the kind of the file it sits in
  bool torn = false;
  std::string where;
  std::string why;  // "is not a record", "holds node2 shared record 3"
};

struct VolumeScan {
  std::map<RecordId, std::vector<Copy>> records;  // create: keyed by the file's name
  std::vector<Stray> strays;
  std::vector<std::string> temp_files;  // files/NODE-SEQ.tmp: a create cut short
  std::vector<std::string> unknown;     // names the worker never writes
  std::vector<std::string> unreadable;  // "NAME: MESSAGE"
};

VolumeScan scan_volume(const VolumeDump& dump);

}  // namespace uc::verify
