// Parsing and writing the framed dump of a verify directory.
#include "verify/volume_dump.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace uc::verify {
namespace {

constexpr size_t kMaxText = 200;

bool valid_segment(std::string_view s) {
  if (s.empty() || s.size() > 255 || s == "." || s == "..") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

bool valid_name(std::string_view s) {
  if (s.starts_with("files/")) return valid_segment(s.substr(6));
  return valid_segment(s);
}

std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, kMaxText)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  return out;
}

std::optional<std::string> unhex(std::string_view h) {
  if (h.empty() || h.size() % 2 != 0 || h.size() > 2 * 4096) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < h.size(); i += 2) {
    unsigned v = 0;
    auto r = std::from_chars(h.data() + i, h.data() + i + 2, v, 16);
    if (r.ec != std::errc() || r.ptr != h.data() + i + 2) return std::nullopt;
    out += static_cast<char>(v);
  }
  return out;
}

Error fault(size_t at, std::string_view what) {
  return err(fmt::format("bad verify dump at byte {}: {}", at, what));
}

}  // namespace

Result<VolumeDump> parse_dump(std::string_view text) {
  VolumeDump d;
  size_t pos = 0;
  while (true) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) return fault(pos, "cut short (no END line)");
    std::string_view line = text.substr(pos, nl - pos);
    size_t at = pos;
    pos = nl + 1;
    if (line == "END") {
      if (pos != text.size()) return fault(pos, "bytes after END");
      return d;
    }
    if (line.size() < 3 || line[1] != ' ') return fault(at, "unknown entry");
    std::string_view rest = line.substr(2);
    if (line[0] == 'U') {
      auto name = unhex(rest);
      if (!name) return fault(at, "U entry without a hex name");
      d.unlisted.push_back(printable(*name));
      continue;
    }
    size_t sp = rest.find(' ');
    if (sp == std::string_view::npos) return fault(at, "entry without a name and a value");
    std::string name(rest.substr(0, sp));
    std::string_view value = rest.substr(sp + 1);
    bool dir_error = line[0] == 'E' && (name == "." || name == "files");
    if (!dir_error && !valid_name(name)) return fault(at, "bad file name");
    if (d.files.count(name)) return fault(at, "file " + name + " listed twice");
    if (line[0] == 'E') {
      d.files[name] = DumpFile{false, "", printable(value)};
      continue;
    }
    if (line[0] != 'F') return fault(at, "unknown entry");
    uint64_t len = 0;
    auto r = std::from_chars(value.data(), value.data() + value.size(), len);
    if (value.empty() || value.size() > 12 || r.ec != std::errc() ||
        r.ptr != value.data() + value.size())
      return fault(at, "bad length for " + name);
    if (len >= text.size() - pos || text[pos + len] != '\n')
      return fault(pos, "file " + name + " cut short");
    d.files[name] = DumpFile{true, std::string(text.substr(pos, len)), ""};
    pos += len + 1;
  }
}

std::string encode_dump(const VolumeDump& d) {
  std::string out;
  for (const auto& name : d.unlisted) {
    out += "U ";
    for (unsigned char c : name) out += fmt::format("{:02x}", c);
    out += "\n";
  }
  for (const auto& [name, f] : d.files) {
    if (f.readable)
      out += fmt::format("F {} {}\n{}\n", name, f.bytes.size(), f.bytes);
    else
      out += fmt::format("E {} {}\n", name, f.error);
  }
  return out + "END\n";
}

}  // namespace uc::verify
