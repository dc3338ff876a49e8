#include "wire/json_reader.h"

#include "sys/json_depth.h"

namespace uc::wire {

using json = nlohmann::json;

Result<json> parse_object(std::string_view payload, int max_depth) {
  // nlohmann's parser recurses once a level: a stranger's "[[[[..." must not reach it.
  if (!json_depth_within(payload, max_depth)) return err("nested too deeply");
  auto j = json::parse(payload, nullptr, false);
  if (j.is_discarded()) return err("not JSON");
  if (!j.is_object()) return err("not a JSON object");
  return j;
}

JsonReader::JsonReader(const json& j, std::string path) : j_(j), path_(std::move(path)) {}

const json* JsonReader::field(const char* key) const {
  if (!j_.is_object()) return nullptr;
  auto it = j_.find(key);
  return it == j_.end() ? nullptr : &*it;
}

bool JsonReader::has(const char* key) const { return field(key) != nullptr; }

std::string JsonReader::path(const char* key) const {
  return path_.empty() ? std::string(key) : path_ + "." + key;
}

std::string JsonReader::path(const char* key, size_t i) const {
  return path(key) + "[" + std::to_string(i) + "]";
}

void JsonReader::fail(const char* key, const std::string& why) {
  if (!error_) error_ = err(path(key) + ": " + why);
}

void JsonReader::fail(const Error& e) {
  if (!error_) error_ = e;
}

Status JsonReader::status() const {
  if (error_) return *error_;
  return {};
}

void JsonReader::get(const char* key, std::string* out) {
  const json* f = field(key);
  if (!f) return;
  if (!f->is_string()) return fail(key, "not a string");
  *out = f->get<std::string>();
}

void JsonReader::get(const char* key, bool* out) {
  const json* f = field(key);
  if (!f) return;
  if (!f->is_boolean()) return fail(key, "not true or false");
  *out = f->get<bool>();
}

void JsonReader::get(const char* key, double* out) {
  const json* f = field(key);
  if (!f) return;
  if (!f->is_number()) return fail(key, "not a number");
  *out = f->get<double>();
}

void JsonReader::get(const char* key, int64_t* out, int64_t lo, int64_t hi) {
  const json* f = field(key);
  if (!f) return;
  if (!f->is_number_integer()) return fail(key, "not an integer");
  // An unsigned value above INT64_MAX would wrap negative in get<int64_t>().
  bool too_big = f->is_number_unsigned() && f->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX);
  int64_t v = too_big ? INT64_MAX : f->get<int64_t>();
  if (too_big || v < lo || v > hi)
    return fail(key, "out of range (" + std::to_string(lo) + " to " + std::to_string(hi) + ")");
  *out = v;
}

void JsonReader::get(const char* key, int* out, int lo, int hi) {
  int64_t v = *out;
  get(key, &v, lo, hi);
  *out = static_cast<int>(v);
}

void JsonReader::get(const char* key, uint64_t* out) {
  const json* f = field(key);
  if (!f) return;
  if (!f->is_number_unsigned()) return fail(key, "not a count (an integer, 0 or more)");
  *out = f->get<uint64_t>();
}

void JsonReader::get(const char* key, std::vector<std::string>* out) {
  const json* f = field(key);
  if (!f) return;
  if (!f->is_array()) return fail(key, "not a list");
  std::vector<std::string> v;
  for (const auto& e : *f) {
    if (!e.is_string()) return fail(key, "holds something that is not a string");
    v.push_back(e.get<std::string>());
  }
  *out = std::move(v);
}

void JsonReader::get(const char* key, std::vector<int>* out) {
  const json* f = field(key);
  if (!f) return;
  if (!f->is_array()) return fail(key, "not a list");
  std::vector<int> v;
  for (const auto& e : *f) {
    if (!e.is_number_integer() || e.get<int64_t>() < INT32_MIN || e.get<int64_t>() > INT32_MAX ||
        (e.is_number_unsigned() && e.get<uint64_t>() > INT32_MAX))
      return fail(key, "holds something that is not an integer");
    v.push_back(e.get<int>());
  }
  *out = std::move(v);
}

void JsonReader::get(const char* key, std::map<std::string, std::string>* out) {
  const json* f = field(key);
  if (!f) return;
  if (!f->is_object()) return fail(key, "not an object");
  std::map<std::string, std::string> m;
  for (const auto& [k, v] : f->items()) {
    if (!v.is_string()) return fail(key, "\"" + k + "\" is not a string");
    m[k] = v.get<std::string>();
  }
  *out = std::move(m);
}

const json* JsonReader::object(const char* key) {
  const json* f = field(key);
  if (!f) return nullptr;
  if (!f->is_object()) {
    fail(key, "not an object");
    return nullptr;
  }
  return f;
}

const json* JsonReader::list(const char* key) {
  const json* f = field(key);
  if (!f) return nullptr;
  if (!f->is_array()) {
    fail(key, "not a list");
    return nullptr;
  }
  return f;
}

}  // namespace uc::wire
