#include "metrics/http_exchange.h"

#include <fmt/format.h>

#include <exception>

namespace uc::metrics {
namespace {

HttpResponse plain(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

const char* reason(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 505:
      return "HTTP Version Not Supported";
  }
  return "Unknown";
}

// RFC 9110 token characters, which a method consists of.
bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (c <= 32 || c >= 127 || std::string_view("\"(),/:;<=>?@[\\]{}").find(c) != s.npos)
      return false;
  return true;
}

bool is_visible(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (c <= 32 || c >= 127) return false;
  return true;
}

HttpResponse route(std::string_view method, std::string_view path,
                   const std::function<std::string()>& render) {
  if (path != "/metrics" && path != "/")
    return plain(404, "Not found: the metrics are at /metrics\n");
  if (method != "GET" && method != "HEAD") {
    HttpResponse r = plain(405, "Method not allowed: use GET or HEAD\n");
    r.allow = "GET, HEAD";
    return r;
  }
  HttpResponse r;
  try {
    r.body = render();
  } catch (const std::exception& e) {
    return plain(500, fmt::format("The metrics could not be gathered: {}\n", e.what()));
  }
  r.content_type = kExpositionType;
  return r;
}

}  // namespace

size_t request_head_end(std::string_view data) {
  for (size_t i = data.find('\n'); i != std::string_view::npos; i = data.find('\n', i + 1)) {
    if (i + 1 < data.size() && data[i + 1] == '\n') return i + 2;
    if (i + 2 < data.size() && data[i + 1] == '\r' && data[i + 2] == '\n') return i + 3;
  }
  return std::string_view::npos;
}

HttpResponse answer(std::string_view head, const std::function<std::string()>& render) {
  std::string_view line = head.substr(0, head.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  // METHOD SP TARGET SP VERSION, single spaces.
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == line.npos ? line.npos : line.find(' ', sp1 + 1);
  if (sp2 == line.npos || line.find(' ', sp2 + 1) != line.npos)
    return plain(400, "Bad request: expected METHOD TARGET HTTP/1.x\n");
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method) || !is_visible(target) || target.front() != '/' ||
      version.substr(0, 5) != "HTTP/")
    return plain(400, "Bad request: expected METHOD TARGET HTTP/1.x\n");
  if (version != "HTTP/1.0" && version != "HTTP/1.1")
    return plain(505, "Only HTTP/1.0 and HTTP/1.1 are spoken here.\n");
  HttpResponse r = route(method, target.substr(0, target.find('?')), render);
  r.head_only = method == "HEAD";
  return r;
}

HttpResponse too_large() { return plain(431, "Request too large\n"); }

std::string encode(const HttpResponse& r) {
  std::string out = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n",
                                r.status, reason(r.status), r.content_type, r.body.size());
  if (!r.allow.empty()) out += fmt::format("Allow: {}\r\n", r.allow);
  out += "Connection: close\r\n\r\n";
  if (!r.head_only) out += r.body;
  return out;
}

}  // namespace uc::metrics
