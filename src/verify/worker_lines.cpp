// Worker stdout lines and their saved JSON Lines form.
#include "verify/worker_lines.h"

#include <nlohmann/json.hpp>

namespace uc::verify {
namespace {

constexpr size_t kMaxMessage = 200;

std::optional<uint64_t> parse_count(std::string_view s) {
  if (s == "0") return 0;
  return parse_seq(s);
}

}  // namespace

std::optional<WorkerLine> parse_worker_line(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.size() > kMaxWorkerLine) return std::nullopt;
  // Cuts the next word off `s`; `had_space` says whether a space followed it.
  auto word = [](std::string_view& s, bool& had_space) {
    size_t sp = s.find(' ');
    std::string_view w = s.substr(0, sp);
    had_space = sp != std::string_view::npos;
    s = had_space ? s.substr(sp + 1) : std::string_view{};
    return w;
  };
  bool more = false;
  std::string_view rest = line;
  std::string_view verb = word(rest, more);
  if (!more) return std::nullopt;
  WorkerLine w;
  if (verb == "start" || verb == "done") {
    w.type = verb == "start" ? WorkerLine::Type::start : WorkerLine::Type::done;
    auto n = w.type == WorkerLine::Type::start ? parse_seq(rest) : parse_count(rest);
    if (!n) return std::nullopt;
    w.seq = *n;
    return w;
  }
  if (verb == "op")
    w.type = WorkerLine::Type::op;
  else if (verb == "ack")
    w.type = WorkerLine::Type::ack;
  else if (verb == "error")
    w.type = WorkerLine::Type::error;
  else
    return std::nullopt;
  auto kind = parse_kind(word(rest, more));
  if (!kind || !more) return std::nullopt;
  auto seq = parse_seq(word(rest, more));
  if (!seq || (more && w.type != WorkerLine::Type::error)) return std::nullopt;
  w.kind = *kind;
  w.seq = *seq;
  for (char c : rest.substr(0, kMaxMessage)) w.message += (c >= 0x20 && c < 0x7f) ? c : '?';
  return w;
}

std::string encode_worker_jsonl(const std::string& node, std::string_view line) {
  nlohmann::json j{{"node", node}, {"line", std::string(line)}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::optional<SavedLine> decode_worker_jsonl(std::string_view text) {
  // The host wrote this file, but it may be cut short or edited: never throw on it.
  if (text.size() > 4 * kMaxWorkerLine) return std::nullopt;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  auto node = j.find("node");
  auto line = j.find("line");
  if (node == j.end() || line == j.end() || !node->is_string() || !line->is_string())
    return std::nullopt;
  return SavedLine{node->get<std::string>(), line->get<std::string>()};
}

}  // namespace uc::verify
