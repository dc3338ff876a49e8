// What a guest's agent sends the host, parsed once, with every field checked. A guest is a
// stranger: any JSON it sends may have wrong types, missing fields, huge numbers or deep
// nesting. These functions never throw; a message that does not check out is refused with
// the reason (the caller logs it and drops the frame).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "sys/json_depth.h"
#include "sys/result.h"

namespace uc::cluster {

inline constexpr int kMaxJsonDepth = 8;

// The agent's greeting, once per boot: {version, hostname, uptime_ms, boot_id}.
struct AgentHello {
  int version = 1;
  std::string hostname;
  int64_t uptime_ms = -1;  // -1: not said
  std::string boot_id;     // the guest kernel's random boot id ("" from old agents)
};
Result<AgentHello> parse_hello(std::string_view payload);
// The agent's side; uptime_ms is sent as a number (-1: not said, then left out).
std::string encode_hello(const AgentHello& h);

// The end of a session: {code, signal}, and from the supervisor {error}.
struct SessionExit {
  int code = 0;
  int signal = 0;
  std::string error;
};
Result<SessionExit> parse_exit(std::string_view payload);
std::string encode_exit(const SessionExit& e);

// A read session's stdout (session_messages.h, ExecRequest::read): one JSON object, each
// path the agent could read -> its content. Every value must be a string; the whole is
// bounded by what the caller collected.
struct GuestFiles {
  std::map<std::string, std::string> files;
  // The file's content, "" if the agent did not send it.
  std::string operator[](const std::string& path) const;
};
Result<GuestFiles> parse_guest_files(std::string_view payload);

}  // namespace uc::cluster
