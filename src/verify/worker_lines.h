// What the guest worker prints on stdout, one line each, parsed with every field checked
// (the guest is a stranger: any line may be junk), and the JSON Lines form the host saves
// them in (acks.jsonl) so that a check can be run again later.
//   start SEQ                  first sequence number of this run
//   op KIND SEQ                an operation begins (in flight until ack or error)
//   ack KIND SEQ               it is durable: fsync (and the directory's) returned
//   error KIND SEQ MESSAGE     it failed; the worker goes on after 100 ms
//   done N                     the run ended after N acks
// KIND is log, shared, create or unlink (SEQ of an unlink is the seq of the removed file).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "verify/record_format.h"

namespace uc::verify {

inline constexpr size_t kMaxWorkerLine = 1024;

struct WorkerLine {
  enum class Type { start, op, ack, error, done };
  Type type = Type::op;
  Kind kind = Kind::log;  // op, ack, error
  uint64_t seq = 0;       // the SEQ, or N of done
  std::string message;    // error: printable ASCII, at most 200 bytes
};
// `line` may end in "\n" or "\r\n". nullopt: not a line of the grammar above.
std::optional<WorkerLine> parse_worker_line(std::string_view line);

// One line of acks.jsonl, newline included: {"node": NODE, "line": LINE}. Bytes that are
// not UTF-8 become U+FFFD (such a line is malformed anyway).
std::string encode_worker_jsonl(const std::string& node, std::string_view line);
struct SavedLine {
  std::string node;
  std::string line;
};
// nullopt: not JSON, not an object, or "node"/"line" missing or not strings.
std::optional<SavedLine> decode_worker_jsonl(std::string_view text);

}  // namespace uc::verify
