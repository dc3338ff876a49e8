// Reading a cluster file (TOML) into a validated ClusterSpec.
// Every error names the file, the line and the field; nothing here touches the disk.
#pragma once

#include <optional>
#include <string>

#include "config/cluster_spec.h"
#include "sys/result.h"

namespace uc {

// Parses and validates. `path` empty or absent means the paper's default cluster.
Result<ClusterSpec> load_cluster_file(const std::string& path);
// Same, from text; `source` is the name used in messages.
Result<ClusterSpec> parse_cluster_toml(const std::string& text, const std::string& source,
                                       bool check_kernel_exists = true);

// "128M", "1G", "512MiB" or a bare number of MiB.
// "128M", "1G", "2T", "512K" (a bare number is MiB). nullopt if it is not a size; a size
// past kMaxSize sets *too_large.
inline constexpr uint64_t kMaxSize = uint64_t{1} << 50;  // 1P
std::optional<uint64_t> parse_size(const std::string& s, bool* too_large = nullptr);
std::string format_size(uint64_t bytes);
bool is_valid_hostname(const std::string& s);
bool is_valid_cluster_name(const std::string& s);

}  // namespace uc
