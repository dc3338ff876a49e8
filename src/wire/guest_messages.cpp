#include "wire/guest_messages.h"

#include <nlohmann/json.hpp>

#include "wire/json_reader.h"

namespace uc::cluster {
namespace {

using json = nlohmann::json;

Result<json> parse_object(std::string_view payload) {
  return wire::parse_object(payload, kMaxJsonDepth);
}

// An integer field within [lo, hi]; `absent` when missing.
Result<int64_t> int_field(const json& j, const char* key, int64_t lo, int64_t hi, int64_t absent) {
  auto it = j.find(key);
  if (it == j.end()) return absent;
  if (!it->is_number_integer()) return err(std::string(key) + " is not an integer");
  auto v = it->get<int64_t>();
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(hi))
    return err(std::string(key) + " out of range");
  if (v < lo || v > hi) return err(std::string(key) + " out of range");
  return v;
}

Result<std::string> string_field(const json& j, const char* key, size_t max_len) {
  auto it = j.find(key);
  if (it == j.end()) return std::string();
  if (!it->is_string()) return err(std::string(key) + " is not a string");
  auto s = it->get<std::string>();
  if (s.size() > max_len) return err(std::string(key) + " is too long");
  return s;
}

bool printable(const std::string& s, bool (*ok)(char)) {
  for (char c : s)
    if (!ok(c)) return false;
  return true;
}

}  // namespace

Result<AgentHello> parse_hello(std::string_view payload) {
  auto j = parse_object(payload);
  if (!j) return j.error();
  AgentHello h;
  auto version = int_field(*j, "version", 1, 1000, 1);
  if (!version) return version.error();
  h.version = static_cast<int>(*version);
  auto host = string_field(*j, "hostname", 64);
  if (!host) return host.error();
  h.hostname = *host;
  if (auto it = j->find("uptime_ms"); it != j->end()) {
    // Agents send it as a decimal string (older ones) or a number.
    if (it->is_string()) {
      auto s = it->get<std::string>();
      if (s.empty() || s.size() > 15 || !printable(s, [](char c) { return c >= '0' && c <= '9'; }))
        return err("uptime_ms is not a number of milliseconds");
      h.uptime_ms = std::stoll(s);
    } else {
      auto up = int_field(*j, "uptime_ms", 0, 999999999999999, -1);
      if (!up) return up.error();
      h.uptime_ms = *up;
    }
  }
  auto boot = string_field(*j, "boot_id", 64);
  if (!boot) return boot.error();
  if (!printable(*boot, [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == '-';
      }))
    return err("boot_id is not a UUID");
  h.boot_id = *boot;
  return h;
}

Result<SessionExit> parse_exit(std::string_view payload) {
  auto j = parse_object(payload);
  if (!j) return j.error();
  SessionExit e;
  auto code = int_field(*j, "code", -1, 255, -1);
  if (!code) return code.error();
  e.code = static_cast<int>(*code);
  auto sig = int_field(*j, "signal", 0, 64, 0);
  if (!sig) return sig.error();
  e.signal = static_cast<int>(*sig);
  auto error = string_field(*j, "error", 4096);
  if (!error) return error.error();
  e.error = *error;
  return e;
}

std::string encode_hello(const AgentHello& h) {
  json j{{"version", h.version}, {"hostname", h.hostname}, {"boot_id", h.boot_id}};
  if (h.uptime_ms >= 0) j["uptime_ms"] = h.uptime_ms;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string GuestFiles::operator[](const std::string& path) const {
  auto it = files.find(path);
  return it == files.end() ? "" : it->second;
}

Result<GuestFiles> parse_guest_files(std::string_view payload) {
  auto j = parse_object(payload);
  if (!j) return j.error();
  GuestFiles out;
  for (const auto& [path, content] : j->items()) {
    if (!content.is_string()) return err(path.substr(0, 64) + " is not a file's content");
    out.files[path] = content.get<std::string>();
  }
  return out;
}

std::string encode_exit(const SessionExit& e) {
  json j{{"code", e.code}, {"signal", e.signal}};
  if (!e.error.empty()) j["error"] = e.error;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace uc::cluster
