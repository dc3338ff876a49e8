// What opens and steers a session in a guest: the payloads of kExec, kResize and kSignal
// frames. The CLI sends them to the supervisor (an exec request names its node, which the
// supervisor takes off before it forwards the request to that node's agent); the
// supervisor sends its own (the O2CB steps) to the agent directly. What comes back (the
// exit, the hello, a read session's files) is in guest_messages.h. Decoding never throws.
//
// Every field but `node` is the agent's, and agents of every protocol version read them
// (one without read sessions, protocol < 3, answers a read request with code 126). A
// field left at its default is not sent: `tty` false and an absent `tty` mean the same to
// every agent.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/result.h"

namespace uc::session {

// A terminal's size: {rows, cols}, the payload of kResize.
struct WindowSize {
  int rows = 24;
  int cols = 80;

  bool operator==(const WindowSize&) const = default;
};
std::string encode(const WindowSize& w);
Result<WindowSize> decode_window_size(std::string_view payload);

// kExec: {argv, env, tty, rows, cols} runs a command; {read: [paths]} instead reads guest
// /proc files without starting a process (its stdout is one JSON object, path -> content:
// guest_messages.h, parse_guest_files).
struct ExecRequest {
  std::string node;  // CLI -> supervisor only
  std::vector<std::string> argv;
  std::vector<std::string> read;
  std::map<std::string, std::string> env;
  bool tty = false;
  std::optional<WindowSize> window;  // with tty: the terminal's size (the agent's default 24x80)

  bool operator==(const ExecRequest&) const = default;
};
std::string encode(const ExecRequest& r);
Result<ExecRequest> decode_exec(std::string_view payload);

// kSignal: {signal}, delivered to the session's processes.
struct SignalRequest {
  int signal = 9;  // SIGKILL, the agent's default

  bool operator==(const SignalRequest&) const = default;
};
std::string encode(const SignalRequest& s);
Result<SignalRequest> decode_signal(std::string_view payload);

}  // namespace uc::session
