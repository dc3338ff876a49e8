// The CLI's side of the supervisor's control socket.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sys/fd.h"
#include "sys/result.h"
#include "wire/control_protocol.h"
#include "wire/frame.h"

namespace uc {

class ControlClient {
 public:
  // Fails when no supervisor answers at `socket_path`.
  static Result<ControlClient> connect(const std::string& socket_path);
  Status send(FrameType t, uint32_t session, std::string_view payload);
  // Blocks for the next frame; empty when the supervisor closed the connection.
  // A timeout is an error, or, given `timed_out`, an empty result with *timed_out set.
  Result<std::optional<Frame>> read_frame(int timeout_ms = -1, bool* timed_out = nullptr);
  // One request, its reply (a refusal is an error with the supervisor's reason); progress
  // events that arrive meanwhile go to `on_event`. The whole exchange has a deadline.
  static constexpr int kRequestDeadlineMs = 30000;
  Result<control::Reply> request(const control::Request& req,
                                 const std::function<void(const control::Progress&)>& on_event = {},
                                 int timeout_ms = kRequestDeadlineMs);
  int fd() const { return fd_.get(); }
  FrameDecoder& decoder() { return decoder_; }

 private:
  Fd fd_;
  FrameDecoder decoder_{kMaxControlPayload};
};

}  // namespace uc
