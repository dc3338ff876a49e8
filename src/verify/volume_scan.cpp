// Sorting one dump's lines and files into records and strays.
#include "verify/volume_scan.h"

#include <fmt/format.h>

#include <optional>

namespace uc::verify {
namespace {

void scan_lines(VolumeScan& s, const std::string& name, std::string_view bytes, Kind kind,
                const std::optional<std::string>& node) {
  size_t pos = 0;
  for (size_t n = 1; pos < bytes.size(); ++n) {
    size_t nl = bytes.find('\n', pos);
    bool terminated = nl != std::string_view::npos;
    std::string_view line = bytes.substr(pos, terminated ? nl - pos : std::string_view::npos);
    pos = terminated ? nl + 1 : bytes.size();
    ParsedLine p = parse_record_line(line);
    // The worker writes line and newline in one write and acks only after fsync, so a
    // whole record without its newline is still a write that did not fully land.
    if (!terminated && p.shape == Shape::intact) p.shape = Shape::torn;
    std::string where = fmt::format("{} line {}", name, n);
    if (p.id && p.id->kind == kind && (!node || p.id->node == *node)) {
      s.records[*p.id].push_back(Copy{p.shape, std::move(where)});
    } else if (p.id) {
      s.strays.push_back(Stray{kind, false, std::move(where), "holds " + describe(*p.id)});
    } else {
      bool torn = p.shape == Shape::torn;
      s.strays.push_back(
          Stray{kind, torn, std::move(where), torn ? "is a torn write" : "is not a record"});
    }
  }
}

// files/NODE-SEQ must hold exactly the line of NODE's create record SEQ.
void scan_created(VolumeScan& s, const std::string& name, std::string_view seg,
                  std::string_view bytes) {
  bool temp = seg.ends_with(".tmp");
  if (temp) seg.remove_suffix(4);
  size_t dash = seg.rfind('-');
  std::string_view node = seg.substr(0, dash == std::string_view::npos ? 0 : dash);
  auto seq = dash == std::string_view::npos ? std::nullopt : parse_seq(seg.substr(dash + 1));
  if (!valid_node_name(node) || !seq) {
    s.unknown.push_back(name);
    return;
  }
  if (temp) {
    s.temp_files.push_back(name);
    return;
  }
  RecordId id{std::string(node), Kind::create, *seq};
  Shape shape = Shape::broken;
  if (bytes.ends_with('\n') && bytes.find('\n') == bytes.size() - 1) {
    ParsedLine p = parse_record_line(bytes.substr(0, bytes.size() - 1));
    if (p.shape == Shape::intact && p.id == id) shape = Shape::intact;
  }
  s.records[id].push_back(Copy{shape, name});
}

}  // namespace

VolumeScan scan_volume(const VolumeDump& dump) {
  VolumeScan s;
  for (const auto& [name, f] : dump.files) {
    if (!f.readable) {
      s.unreadable.push_back(name + ": " + f.error);
      continue;
    }
    std::string_view n = name;
    if (n == "shared") {
      scan_lines(s, name, f.bytes, Kind::shared, std::nullopt);
    } else if (n.starts_with("log-") && valid_node_name(n.substr(4))) {
      scan_lines(s, name, f.bytes, Kind::log, std::string(n.substr(4)));
    } else if (n.starts_with("files/")) {
      scan_created(s, name, n.substr(6), f.bytes);
    } else {
      s.unknown.push_back(name);
    }
  }
  for (const auto& u : dump.unlisted) s.unknown.push_back(u);
  return s;
}

}  // namespace uc::verify
