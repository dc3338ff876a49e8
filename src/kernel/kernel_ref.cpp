#include "kernel/kernel_ref.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "sys/fnv_hash.h"

namespace uc::kernel {
namespace {

// Each part with its length in front, so that no two lists of parts hash alike.
std::string framed(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += std::to_string(p.size()) + ":" + p + ";";
  return s;
}

}  // namespace

std::optional<std::string> built_name(const std::string& kernel_field) {
  std::string p = kBuiltPrefix;
  if (kernel_field.rfind(p, 0) != 0) return std::nullopt;
  return kernel_field.substr(p.size());
}

bool valid_kernel_name(const std::string& name) {
  if (name.empty() || name.size() > 32) return false;
  if (!std::isalnum(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

std::string kernel_name_rule() {
  return "1-32 letters, digits, '.', '_' or '-', starting with a letter or digit";
}

std::string tree_key(const BuildInputs& in) {
  std::vector<std::string> parts = {"umlcluster-kernel-tree-1", in.source_id,
                                    std::to_string(in.heartbeat_ms)};
  for (const auto& p : in.patches) parts.push_back(p);
  return fnv1a_hex(framed(parts));
}

std::string build_key(const BuildInputs& in) {
  std::vector<std::string> parts = {"umlcluster-kernel-build-1", tree_key(in), in.config_kind,
                                    in.config_text};
  for (const auto& s : in.sets) parts.push_back(s.line());
  return fnv1a_hex(framed(parts));
}

}  // namespace uc::kernel
