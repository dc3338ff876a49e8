#include "wire/session_messages.h"

#include <nlohmann/json.hpp>

#include "wire/json_reader.h"

namespace uc::session {
namespace {

using json = nlohmann::json;

// Terminal sizes: what a struct winsize holds (unsigned short).
constexpr int kMaxWindow = 65535;

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string encode(const WindowSize& w) { return dump({{"rows", w.rows}, {"cols", w.cols}}); }

Result<WindowSize> decode_window_size(std::string_view payload) {
  auto j = wire::parse_object(payload);
  if (!j) return j.error();
  wire::JsonReader r(*j, "");
  WindowSize w;
  r.get("rows", &w.rows, 0, kMaxWindow);
  r.get("cols", &w.cols, 0, kMaxWindow);
  UC_TRY(r.status());
  return w;
}

std::string encode(const ExecRequest& e) {
  json j = json::object();
  if (!e.node.empty()) j["node"] = e.node;
  if (!e.argv.empty()) j["argv"] = e.argv;
  if (!e.read.empty()) j["read"] = e.read;
  if (!e.env.empty()) j["env"] = e.env;
  if (e.tty) j["tty"] = true;
  if (e.window) {
    j["rows"] = e.window->rows;
    j["cols"] = e.window->cols;
  }
  return dump(j);
}

Result<ExecRequest> decode_exec(std::string_view payload) {
  auto j = wire::parse_object(payload);
  if (!j) return j.error();
  wire::JsonReader r(*j, "");
  ExecRequest e;
  r.get("node", &e.node);
  r.get("argv", &e.argv);
  r.get("read", &e.read);
  r.get("env", &e.env);
  r.get("tty", &e.tty);
  if (r.has("rows") || r.has("cols")) {
    WindowSize w;
    r.get("rows", &w.rows, 0, kMaxWindow);
    r.get("cols", &w.cols, 0, kMaxWindow);
    e.window = w;
  }
  UC_TRY(r.status());
  return e;
}

std::string encode(const SignalRequest& s) { return dump({{"signal", s.signal}}); }

Result<SignalRequest> decode_signal(std::string_view payload) {
  auto j = wire::parse_object(payload);
  if (!j) return j.error();
  wire::JsonReader r(*j, "");
  SignalRequest s;
  r.get("signal", &s.signal, 1, 64);
  UC_TRY(r.status());
  return s;
}

}  // namespace uc::session
