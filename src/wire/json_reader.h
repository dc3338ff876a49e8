// JsonReader: the fields of one JSON object, read with their types and ranges checked, for
// the decoders of wire/. It never throws. A field that is absent leaves the caller's
// default; the first field that is present but wrong is remembered with its path
// ("status.nodes[1].pid: not an integer") and the decoder returns it as its error.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/result.h"

namespace uc::wire {

// The payload as a JSON object, or why not; `max_depth` guards against hostile nesting.
Result<nlohmann::json> parse_object(std::string_view payload, int max_depth = 16);

class JsonReader {
 public:
  // `path` names the object in errors ("status", "status.nodes[1]"); "" for the top.
  JsonReader(const nlohmann::json& j, std::string path);

  bool has(const char* key) const;
  void get(const char* key, std::string* out);
  void get(const char* key, bool* out);
  void get(const char* key, double* out);
  // Integers within [lo, hi].
  void get(const char* key, int64_t* out, int64_t lo = INT64_MIN, int64_t hi = INT64_MAX);
  void get(const char* key, int* out, int lo = INT32_MIN, int hi = INT32_MAX);
  void get(const char* key, uint64_t* out);
  void get(const char* key, std::vector<std::string>* out);
  void get(const char* key, std::vector<int>* out);
  void get(const char* key, std::map<std::string, std::string>* out);
  // A field that must be there (with the type of get()).
  template <typename T>
  void need(const char* key, T* out) {
    if (!has(key)) return fail(key, "missing");
    get(key, out);
  }
  // An object or list field for a nested decoder; nullptr when absent or of the wrong type
  // (the latter recorded as an error).
  const nlohmann::json* object(const char* key);
  const nlohmann::json* list(const char* key);
  // "path.key" and "path.key[i]", for nested decoders' errors.
  std::string path(const char* key) const;
  std::string path(const char* key, size_t i) const;

  void fail(const char* key, const std::string& why);
  // A nested decoder's error, kept if it is the first.
  void fail(const Error& e);
  bool ok() const { return !error_; }
  Status status() const;

 private:
  const nlohmann::json* field(const char* key) const;
  const nlohmann::json& j_;
  std::string path_;
  std::optional<Error> error_;
};

}  // namespace uc::wire
