// The switch's control channel from the supervisor: a SOCK_SEQPACKET socket where each
// message is one whole NetRules JSON (replacing the rules in force; `{}` clears them) and
// each reply is "ok" or "error: <message>". This is the socket-free half: one message in,
// the reply text out.
#pragma once

#include <string>
#include <string_view>

#include "net/switch_core.h"

namespace uc::net {

inline constexpr size_t kMaxControlMessage = 256 * 1024;

// Applies one control message to `core`. On an error the rules in force stay unchanged.
std::string handle_control_message(SwitchCore& core, std::string_view message);
// The reply to a message longer than kMaxControlMessage, which the socket side cannot
// hand over whole.
std::string control_too_large(size_t bytes);

}  // namespace uc::net
