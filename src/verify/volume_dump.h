// The dump that the worker's `dump DIR` mode prints: every regular file under DIR, framed
// so that the host parses it exactly whatever bytes the files hold.
//   F NAME LENGTH\n<LENGTH bytes>\n    a file and its bytes
//   E NAME MESSAGE\n                   NAME ("." for DIR itself, "files", or a file) unreadable
//   U HEXNAME\n                        an entry the worker never makes (not a regular file, or
//                                      an odd name): its name relative to DIR, in hex
//   END\n                              the end; nothing may follow
// NAME is SEG or files/SEG with SEG = [A-Za-z0-9_.-]{1,255}, neither "." nor "..".
// Entries come in any order, each name at most once. Pure, no syscalls.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sys/result.h"

namespace uc::verify {

struct DumpFile {
  bool readable = true;
  std::string bytes;
  std::string error;  // when not readable: printable ASCII, at most 200 bytes
};

struct VolumeDump {
  std::map<std::string, DumpFile> files;
  std::vector<std::string> unlisted;  // U names, non-printable bytes shown as '?'
};

// Refuses the whole dump on the first fault (a truncated dump says nothing about what is
// missing), with the byte offset where it went wrong.
Result<VolumeDump> parse_dump(std::string_view text);
std::string encode_dump(const VolumeDump& d);

}  // namespace uc::verify
