// The local end of a session in a node (`exec`, `console`): the request goes to the
// supervisor, which relays it to the node's agent; the command's stdout and stderr come back
// apart, stdin and the terminal's size go the other way, and the session ends with the
// command's exit code.
#pragma once

#include <termios.h>

#include <string>

#include "client/control_client.h"
#include "sys/result.h"
#include "wire/session_messages.h"

namespace uc::client {

// The local terminal in raw mode (keys pass through, the node's terminal echoes) for the
// life of this object; nothing when stdin is not a terminal.
class RawTerminal {
 public:
  RawTerminal();
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  termios saved_{};
  bool active_ = false;
};

struct SessionOptions {
  bool forward_stdin = false;  // else the command gets EOF at once
  double timeout_s = 0;        // > 0: the command is killed after this long
  // The local ends: stdin (also the terminal whose size a tty session follows), the
  // command's stdout and stderr.
  int in_fd = 0, out_fd = 1, err_fd = 2;
};

inline constexpr int kExitTimedOut = 124;  // as coreutils timeout(1)

struct SessionEnd {
  int code = 0;           // the command's exit code; kExitTimedOut; 0 when detached
  std::string message;    // for the user: why umlcluster ended it, or the supervisor's reason
  bool detached = false;  // the user pressed Ctrl-] in a tty session
};

// Runs the session to its end. An error (code kCannotRun) when umlcluster could not run
// the command or lost it: the request could not be sent, the connection went away.
Result<SessionEnd> run_session(ControlClient& c, session::ExecRequest req, const SessionOptions& o);

}  // namespace uc::client
