// The record line the guest worker writes into its log, the shared file and each created
// file, and the checksum that guards it:
//   R NODE SEQ KIND PAYLOAD CHK\n
// KIND is log, shared or create; PAYLOAD is 8..200 alphanumerics; CHK is FNV-1a-32 over
// "NODE SEQ KIND PAYLOAD" as 8 lowercase hex digits. Pure functions, no syscalls; the perl
// in worker_script.cpp must stay byte-for-byte in step with this file.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace uc::verify {

enum class Kind { log, shared, create, unlink };
inline constexpr std::array<Kind, 4> kAllKinds = {Kind::log, Kind::shared, Kind::create,
                                                  Kind::unlink};
std::string_view kind_name(Kind k);
std::optional<Kind> parse_kind(std::string_view s);

inline constexpr size_t kMinPayload = 8;
inline constexpr size_t kMaxPayload = 200;
inline constexpr size_t kMaxNodeName = 64;

uint32_t fnv1a32(std::string_view bytes);
// [A-Za-z0-9_.-]{1,64}: what a node name may be wherever it appears in a record or path.
bool valid_node_name(std::string_view s);
// A sequence number as the worker prints it: 1..19 digits, no sign, no leading zero, > 0.
std::optional<uint64_t> parse_seq(std::string_view s);

struct RecordId {
  std::string node;
  Kind kind = Kind::log;
  uint64_t seq = 0;
  friend bool operator<(const RecordId& a, const RecordId& b);
  friend bool operator==(const RecordId& a, const RecordId& b) = default;
};
std::string describe(const RecordId& id);  // "node1 log record 42"

// intact: a whole record with the right checksum. torn: a strict prefix of a record
// (optionally followed by NUL bytes), what a write cut short by a crash leaves. broken:
// anything else, e.g. a whole record whose checksum does not match.
enum class Shape { intact, torn, broken };
struct ParsedLine {
  Shape shape = Shape::broken;
  std::optional<RecordId> id;  // when NODE, SEQ and KIND are there and well formed
};
// `line` without its newline.
ParsedLine parse_record_line(std::string_view line);

// The whole line, newline included.
std::string make_record_line(const std::string& node, uint64_t seq, Kind kind,
                             std::string_view payload);

}  // namespace uc::verify
