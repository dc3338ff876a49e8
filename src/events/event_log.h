// The typed event log of a cluster: ClusterPaths::events(), one JSON object a line (see
// event.h), kept across supervisor restarts and `down`/`up`, rotated to events.jsonl.1, .2,
// ... Writers append whole lines under an flock, so the supervisor and a command may both
// write; readers skip what they cannot parse.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "events/event.h"
#include "sys/fd.h"
#include "sys/result.h"

namespace uc::cluster {

// The size a log of a cluster of `nodes` rotates at: 4 MiB, more for a large cluster so
// that a whole bring-up fits in the files kept (each node logs about two events for each
// peer as they connect and heartbeat: some 32,000 lines at 128 nodes).
uint64_t event_log_rotate_bytes(size_t nodes);

class EventLog {
 public:
  explicit EventLog(std::string path, uint64_t rotate_bytes = 4 << 20, int keep = 3);
  // One write(2) of one line, O_APPEND, mode 0600. Before it, a file that the line would
  // take past rotate_bytes moves to path.1 (path.1 to path.2, ... the oldest past `keep` goes).
  // The file stays open between lines; it is opened again when another writer rotated it.
  Status append(const Event& e);
  const std::string& path() const { return path_; }

 private:
  Status rotate();
  std::string path_;
  uint64_t rotate_bytes_;
  int keep_;
  Fd fd_;  // the file last appended to
};

// The log's files, oldest first: path.N, ..., path.1, then path (each only if it exists).
std::vector<std::string> event_log_files(const std::string& path);
// The matching events of `files` in order; lines that are not events are skipped. A file
// that does not exist is empty; one that cannot be read is an error.
Result<std::vector<Event>> read_events(const std::vector<std::string>& files, const EventFilter& f);
Result<std::vector<Event>> read_events(const std::string& path, const EventFilter& f);

// Follows a log as it grows (--follow): each poll() returns the complete lines appended
// since the last, the first poll everything the file holds. It survives rotation (the path
// names a new inode: the old file is read to its end, then the new one from its start) and
// truncation (the file got shorter: read again from the start). It cannot see a truncation
// that was refilled past the old size, nor a whole file rotated away between two polls.
class EventTail {
 public:
  explicit EventTail(std::string path) : path_(std::move(path)) { reopen(); }
  std::vector<std::string> poll();
  // Whether `file` is the file this tail reads (so a reader of the rotated files skips it).
  bool holds(const std::string& file) const;

 private:
  bool reopen();
  void drain(std::vector<std::string>& out);
  std::string path_;
  Fd fd_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  off_t offset_ = 0;
  std::string partial_;
};

}  // namespace uc::cluster
