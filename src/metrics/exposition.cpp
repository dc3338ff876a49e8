#include "metrics/exposition.h"

#include <fmt/format.h>

#include <cmath>

namespace uc::metrics {

size_t Exposition::family(std::string name, std::string help, MetricType type) {
  for (size_t i = 0; i < families_.size(); ++i)
    if (families_[i].name == name) return i;
  families_.push_back({std::move(name), std::move(help), type, {}});
  return families_.size() - 1;
}

void Exposition::add(size_t family, const Labels& labels, double value) {
  add_sample(family, labels, format_value(value));
}

void Exposition::add(size_t family, const Labels& labels, uint64_t value) {
  add_sample(family, labels, fmt::format("{}", value));
}

void Exposition::add_sample(size_t family, const Labels& labels, const std::string& value) {
  Family& f = families_.at(family);
  std::string line = f.name;
  if (!labels.empty()) {
    line += '{';
    for (size_t i = 0; i < labels.size(); ++i) {
      if (i) line += ',';
      line += fmt::format("{}=\"{}\"", labels[i].first, escape_label_value(labels[i].second));
    }
    line += '}';
  }
  line += ' ';
  line += value;
  f.samples.push_back(std::move(line));
}

std::string Exposition::text() const {
  std::string out;
  for (const Family& f : families_) {
    if (f.samples.empty()) continue;
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", f.name, escape_help(f.help), f.name,
                       f.type == MetricType::counter ? "counter" : "gauge");
    for (const std::string& s : f.samples) {
      out += s;
      out += '\n';
    }
  }
  return out;
}

namespace {

// Backslash and newline escaped; double quotes too where the text sits between quotes.
std::string escape(std::string_view v, bool quotes) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"' && quotes)
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view v) { return escape(v, true); }

std::string escape_help(std::string_view v) { return escape(v, false); }

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // fmt's "{}" is the shortest round-trip form and never consults the locale.
  return fmt::format("{}", v);
}

}  // namespace uc::metrics
