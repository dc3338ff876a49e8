#include "supervisor/memory_trim.h"

#include <algorithm>
#include <charconv>
#include <sstream>

namespace uc::cluster {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;
constexpr uint64_t kMinReserve = 4 * kMiB;

std::optional<uint64_t> number(const std::string& s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::string memory_trim_script() {
  return "sync\necho 3 > /proc/sys/vm/drop_caches\n"
         "while read -r k v u; do [ \"$k\" = MemFree: ] && echo \"free $v\"; done < /proc/meminfo\n"
         "read -r m < /proc/sys/vm/min_free_kbytes; echo \"min $m\"\n";
}

std::optional<uint64_t> memory_trim_bytes(const std::string& output, uint64_t node_memory) {
  std::optional<uint64_t> free_kb, min_kb;
  std::istringstream in(output);
  std::string key, value;
  while (in >> key >> value) {
    auto v = number(value);
    if (!v) return std::nullopt;
    if (key == "free")
      free_kb = v;
    else if (key == "min")
      min_kb = v;
    else
      return std::nullopt;
  }
  if (!free_kb || !min_kb) return std::nullopt;
  uint64_t free = *free_kb * 1024, reserve = std::max(kMinReserve, 3 * *min_kb * 1024);
  if (*free_kb > node_memory / 1024 || *min_kb > node_memory / 1024) return std::nullopt;
  if (free <= reserve + kMiB) return 0;
  return (free - reserve) / kMiB * kMiB;
}

}  // namespace uc::cluster
