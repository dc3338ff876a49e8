// The control protocol between the CLI and a cluster's supervisor, in one place: every
// request and reply as a struct with encode/decode. Frames carry them (wire/frame.h):
// kRequest (CLI -> supervisor), kReply (the answer), kEvent (progress of the nodes, to
// connections that subscribed). Decoding never throws; a bad request gets an error reply,
// and a reply with a bad field is an error naming it. The sessions that kExec opens carry
// their own messages (wire/session_messages.h).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sys/result.h"
#include "wire/cluster_status.h"
#include "wire/control_op.h"
#include "wire/fault.h"

namespace uc::control {

struct Request {
  Op op = Op::kPing;
  std::vector<std::string> nodes;  // kStart, kRestart
  std::string node;                // kAddNode, kFreeze, kThaw, kCrash, kNet, kDisk*
  int64_t for_ms = 0;              // kFreeze and later: end by itself after this long (0: never)
  bool hold = false;               // kCrash: keep it down (no restart)
  std::vector<std::vector<std::string>> groups;  // kPartition
  bool one_way = false;   // kPartition: only frames from the first group are dropped
  int64_t delay_ms = 0;   // kNet, kDiskSlow
  int64_t jitter_ms = 0;  // kNet
  double loss_pct = 0;    // kNet
};
std::string encode(const Request& r);
Result<Request> decode_request(std::string_view payload);

// A fault as the request that starts it, and back (the supervisor's side); the request's
// op must start a fault (fault_kind_of).
Request request_for(const Fault& f);
Result<Fault> fault_of(const Request& r);

struct Reply {
  bool ok = true;
  std::string error;
  std::vector<std::string> started;     // kStart, kRestart
  std::optional<ClusterStatus> status;  // kStatus, kSubscribe, kStart, kAddNode, kRestart
  std::optional<std::vector<FaultRecord>> faults;  // kFaults; kClearFaults, kHeal: those ended
};
std::string encode(const Reply& r);
Result<Reply> decode_reply(std::string_view payload);

// A node's progress, sent to subscribers: its state after the event and what happened.
struct Progress {
  std::string node;
  std::string state;    // stopped, starting, running, hung, stopping, restarting, failed
  std::string type;     // the event log's type (booted, died, ...), "" for plain progress
  std::string message;  // one line for a person
};
std::string encode(const Progress& p);
Result<Progress> decode_progress(std::string_view payload);

}  // namespace uc::control
