// ConsoleWatch: follows a node's console log (the file its UML kernel appends to) and
// yields the whole lines written since the last look. Reads are bounded, so a guest that
// floods its console cannot hold the supervisor's loop.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "ocfs2/console_events.h"
#include "sys/fd.h"

namespace uc::cluster {

class ConsoleWatch {
 public:
  // From the file's current end: what earlier boots wrote is not news.
  void open(const std::string& path);
  void close() { fd_.reset(); }
  std::vector<std::string> read_new();

 private:
  Fd fd_;
  off_t offset_ = 0;
  ConsoleLineSplitter splitter_;
};

}  // namespace uc::cluster
