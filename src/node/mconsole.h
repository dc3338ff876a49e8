// UML's management console protocol (arch/um/include/shared/mconsole.h): datagrams on a
// unix socket at UML_DIR/UMID/mconsole. A request is a command line; the reply may come
// in several datagrams (`more` set on all but the last).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sys/fd.h"
#include "sys/result.h"

namespace uc::node {

inline constexpr uint32_t kMconsoleMagic = 0xcafebabe;
inline constexpr uint32_t kMconsoleVersion = 2;
inline constexpr size_t kMconsoleMaxData = 512;
inline constexpr size_t kMconsoleHeader = 12;

struct MconsoleReply {
  uint32_t err = 0;   // non-zero: the kernel refused the command
  bool more = false;  // further datagrams follow
  std::string data;
};

// Empty if the command does not fit in one request.
std::optional<std::string> encode_mconsole_request(std::string_view command);
std::optional<MconsoleReply> decode_mconsole_reply(std::string_view datagram);
// Test side of the protocol: what UML would read.
std::optional<std::string> decode_mconsole_request(std::string_view datagram);
std::string encode_mconsole_reply(const MconsoleReply& r);

// One command in flight, for a poll loop that must never wait on a node: start() sends it
// (non-blocking), on_readable() gathers the reply's datagrams; the caller keeps the deadline.
class MconsoleCall {
 public:
  static Result<MconsoleCall> start(const std::string& socket_path, const std::string& command);
  int fd() const { return fd_.get(); }
  const std::string& command() const { return command_; }
  // True once the reply is whole (or broken): then reply() or error() says which.
  bool on_readable();
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }
  const MconsoleReply& reply() const { return reply_; }

 private:
  Fd fd_;
  std::string path_, command_, error_;
  MconsoleReply reply_;
};

}  // namespace uc::node
