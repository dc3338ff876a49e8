// `top`'s keys and scrolling, without the terminal: the raw bytes a terminal sends for
// letters, arrows and paging keys, decoded; and which rows of nodes fit on the screen.
#pragma once

#include <string_view>
#include <vector>

namespace uc::client {

enum class TopKey {
  kUp,
  kDown,
  kPageUp,
  kPageDown,
  kHome,
  kEnd,
  kQuit,
  kSortCpu,
  kSortMemory,
  kSortName
};

// Every key in `bytes` (one read of raw input may hold several); unknown bytes are skipped.
std::vector<TopKey> decode_keys(std::string_view bytes);

// The first node row shown after `k`, with `total` rows and room for `visible` of them.
int scroll(int first, TopKey k, int total, int visible);
// `first` kept inside the rows (after the number of nodes or the terminal changed).
int clamp_first(int first, int total, int visible);
// Node rows that fit in a terminal of `rows` lines: the header takes 6, the footer 1.
int visible_rows(int terminal_rows);

}  // namespace uc::client
