// The little HTTP/1.x the metrics endpoint speaks, as pure functions on bytes so that it is
// tested without sockets: find where a request's head ends, parse its request line, choose
// the answer (GET or HEAD of /metrics or / gets the text; other paths 404, other methods
// 405, anything unparsable 400) and encode it. Every answer closes the connection.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace uc::metrics {

inline constexpr std::string_view kExpositionType = "text/plain; version=0.0.4; charset=utf-8";

struct HttpResponse {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
  bool head_only = false;  // HEAD: Content-Length of the body, but no body
  std::string allow;       // 405: the methods that are allowed
};

// Bytes up to and including the blank line that ends the head, or npos while incomplete.
// Bare LF line ends are accepted, as RFC 9112 allows.
size_t request_head_end(std::string_view data);

// The answer to a complete request head. `render` gives the metrics text; if it throws,
// the answer is 500.
HttpResponse answer(std::string_view head, const std::function<std::string()>& render);

// The answer to a head that grew past the size limit.
HttpResponse too_large();

std::string encode(const HttpResponse& r);

}  // namespace uc::metrics
