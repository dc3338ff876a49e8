// Tolerant reads of a report's JSON: a field that is missing or of the wrong type reads as
// absent, never as an exception, so a partial report still renders what it has.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace uc::report {

inline constexpr double kMiB = 1048576.0;  // bytes in the MiB a report shows

// j[key] if j is an object holding a number there.
std::optional<double> number_field(const nlohmann::json& j, const char* key);
// j[key] if j is an object holding a string there, else "".
std::string text_field(const nlohmann::json& j, const char* key);
// j[key] if j is an object holding an array there, else an empty array.
const nlohmann::json& array_field(const nlohmann::json& j, const char* key);
// j[key] if j is an object holding an object there, else an empty object.
const nlohmann::json& object_field(const nlohmann::json& j, const char* key);
// The elements of an array as numbers, with non-numbers as absent.
std::vector<std::optional<double>> numbers_of(const nlohmann::json& array);

}  // namespace uc::report
