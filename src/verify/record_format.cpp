// Record lines: checksum, parsing into intact / torn / broken, and building them for tests.
#include "verify/record_format.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace uc::verify {
namespace {

bool alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool node_char(char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool lower_hex(char c) { return digit(c) || (c >= 'a' && c <= 'f'); }
template <typename Pred>
bool all(std::string_view s, Pred p) {
  return std::all_of(s.begin(), s.end(), p);
}

constexpr std::array<std::string_view, 3> kRecordKinds = {"log", "shared", "create"};

// Field `i` of "R NODE SEQ KIND PAYLOAD CHK": whole and valid, or (complete == false) a
// valid beginning of one, as a write cut short leaves it.
bool field_ok(size_t i, std::string_view f, bool complete) {
  switch (i) {
    case 0:
      return complete ? f == "R" : std::string_view("R").starts_with(f);
    case 1:
      return complete ? valid_node_name(f) : f.size() <= kMaxNodeName && all(f, node_char);
    case 2:
      if (complete) return parse_seq(f).has_value();
      return f.empty() || (f.size() <= 19 && f[0] != '0' && all(f, digit));
    case 3:
      return std::any_of(kRecordKinds.begin(), kRecordKinds.end(),
                         [&](std::string_view k) { return complete ? k == f : k.starts_with(f); });
    case 4:
      if (f.size() > kMaxPayload || !all(f, alnum)) return false;
      return !complete || f.size() >= kMinPayload;
    case 5:
      return all(f, lower_hex) && (complete ? f.size() == 8 : f.size() < 8);
    default:
      return false;
  }
}

// Splits on single spaces; stops after 7 fields (more than a record ever has).
std::vector<std::string_view> fields(std::string_view s) {
  std::vector<std::string_view> out;
  while (out.size() < 7) {
    size_t sp = s.find(' ');
    out.push_back(s.substr(0, sp));
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

std::optional<RecordId> id_of(const std::vector<std::string_view>& f) {
  if (f.size() < 5) return std::nullopt;
  for (size_t i = 0; i < 4; ++i)
    if (!field_ok(i, f[i], true)) return std::nullopt;
  return RecordId{std::string(f[1]), *parse_kind(f[3]), *parse_seq(f[2])};
}

}  // namespace

std::string_view kind_name(Kind k) {
  switch (k) {
    case Kind::log:
      return "log";
    case Kind::shared:
      return "shared";
    case Kind::create:
      return "create";
    case Kind::unlink:
      return "unlink";
  }
  return "?";
}

std::optional<Kind> parse_kind(std::string_view s) {
  for (Kind k : kAllKinds)
    if (kind_name(k) == s) return k;
  return std::nullopt;
}

uint32_t fnv1a32(std::string_view bytes) {
  uint32_t h = 0x811c9dc5u;
  for (unsigned char c : bytes) h = (h ^ c) * 0x01000193u;
  return h;
}

bool valid_node_name(std::string_view s) {
  return !s.empty() && s.size() <= kMaxNodeName && all(s, node_char);
}

std::optional<uint64_t> parse_seq(std::string_view s) {
  if (s.empty() || s.size() > 19 || s[0] == '0' || !all(s, digit)) return std::nullopt;
  uint64_t v = 0;
  auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  if (r.ec != std::errc() || r.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool operator<(const RecordId& a, const RecordId& b) {
  if (a.node != b.node) return a.node < b.node;
  if (a.kind != b.kind) return a.kind < b.kind;
  return a.seq < b.seq;
}

std::string describe(const RecordId& id) {
  return fmt::format("{} {} record {}", id.node, kind_name(id.kind), id.seq);
}

ParsedLine parse_record_line(std::string_view line) {
  auto f = fields(line);
  ParsedLine out;
  out.id = id_of(f);
  if (out.id && f.size() == 6 && field_ok(4, f[4], true) && field_ok(5, f[5], true)) {
    std::string_view body = line.substr(2, line.size() - 2 - 9);
    if (fmt::format("{:08x}", fnv1a32(body)) == f[5]) {
      out.shape = Shape::intact;
      return out;
    }
  }
  // A crash can also leave the tail of a file as NULs: space reserved, data never written.
  size_t end = line.find_last_not_of('\0');
  std::string_view cut = line.substr(0, end == std::string_view::npos ? 0 : end + 1);
  auto t = fields(cut);
  bool torn = t.size() <= 6;
  for (size_t i = 0; torn && i < t.size(); ++i) torn = field_ok(i, t[i], i + 1 < t.size());
  if (torn) {
    out.shape = Shape::torn;
    out.id = id_of(t);
  }
  return out;
}

std::string make_record_line(const std::string& node, uint64_t seq, Kind kind,
                             std::string_view payload) {
  std::string body = fmt::format("{} {} {} {}", node, seq, kind_name(kind), payload);
  return fmt::format("R {} {:08x}\n", body, fnv1a32(body));
}

}  // namespace uc::verify
