// The Prometheus text exposition format (version 0.0.4), with nothing umlcluster-specific:
// metric families built up sample by sample, then written with each family's # HELP and
// # TYPE once, before its samples, and families that got no samples left out. Label
// values are escaped and numbers printed so Prometheus parses them, whatever the locale.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace uc::metrics {

enum class MetricType { counter, gauge };

using Labels = std::vector<std::pair<std::string, std::string>>;  // name, value; in order

class Exposition {
 public:
  // Declares a family; samples added later go under it. Declaring a name twice returns the
  // same family.
  size_t family(std::string name, std::string help, MetricType type);
  void add(size_t family, const Labels& labels, double value);
  void add(size_t family, const Labels& labels, uint64_t value);
  std::string text() const;

 private:
  struct Family {
    std::string name, help;
    MetricType type;
    std::vector<std::string> samples;  // "name{labels} value"
  };
  void add_sample(size_t family, const Labels& labels, const std::string& value);
  std::vector<Family> families_;
};

// Backslash, double quote and newline become \\, \" and \n.
std::string escape_label_value(std::string_view v);
// HELP text escapes backslash and newline only.
std::string escape_help(std::string_view v);
// Shortest text that reads back as the same double; NaN, +Inf and -Inf as Prometheus spells
// them.
std::string format_value(double v);

}  // namespace uc::metrics
