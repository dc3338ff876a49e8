/// Small helpers the unit tests share (one definition each: the unit tests build as unity
/// batches, where two files' helpers of the same name would collide).
#pragma once

#include <string>

#include "config/cluster_file.h"

namespace uc::test_support {

// How many times `what` occurs in `text`, counting overlaps.
inline int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// The paper's cluster: what an empty cluster file means.
inline ClusterSpec paper() { return parse_cluster_toml("", "t", false).value(); }

}  // namespace uc::test_support
