// The control protocol between the CLI and a cluster's supervisor, in one place: every
// request and reply as a struct with encode/decode. Frames carry them (wire/frame.h):
// kRequest (CLI -> supervisor), kReply (the answer), kEvent (progress of the nodes, to
// connections that subscribed). Decoding never throws; a bad request gets an error reply.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sys/result.h"

namespace uc::control {

enum class Op {
  kPing,       // is the supervisor there
  kStatus,     // the cluster and each node (NodeStatus below, as JSON)
  kSubscribe,  // progress events from now on; replies with the status
  kStart,      // start `nodes` (all when empty) that are stopped or failed
  kAddNode,    // `node` was added to the cluster's record: learn it, boot it
  kDown,       // stop every node; the reply comes when all are down
  kFreeze,     // `node`: mconsole stop (the whole kernel stops, nothing dies); `for_ms`
  kThaw,       // `node`: mconsole go
  kCrash,      // `node`: a power cut (every host process killed); `hold`: no restart
  kFaults,     // the active faults
  kClearFaults,  // end every active fault
  kPartition,  // `groups`: frames between them dropped by the switch; `one_way`; `for_ms`
  kHeal,       // end the partition and every slow link
  kNet,        // `node`'s link: `delay_ms`, `jitter_ms`, `loss_pct`; `for_ms`
  kDiskStall,  // `node`'s shared-disk I/O hangs; `for_ms`
  kDiskSlow,   // each of `node`'s shared-disk I/Os waits `delay_ms`; `for_ms`
  kDiskError,  // `node`'s shared-disk I/O fails with EIO; `for_ms`
  kRestart,    // `nodes`: a graceful stop, then a fresh boot (e.g. on a rebuilt kernel)
};
const char* op_name(Op op);

struct Request {
  Op op = Op::kPing;
  std::vector<std::string> nodes;  // kStart, kRestart
  std::string node;                // kAddNode, kFreeze, kThaw, kCrash, kNet, kDisk*
  int64_t for_ms = 0;              // kFreeze and later: end by itself after this long (0: never)
  bool hold = false;               // kCrash: keep it down (no restart)
  std::vector<std::vector<std::string>> groups;  // kPartition
  bool one_way = false;            // kPartition: only frames from the first group are dropped
  int64_t delay_ms = 0;            // kNet, kDiskSlow
  int64_t jitter_ms = 0;           // kNet
  double loss_pct = 0;             // kNet
};
std::string encode(const Request& r);
Result<Request> decode_request(std::string_view payload);

struct Reply {
  bool ok = true;
  std::string error;
  std::vector<std::string> started;  // kStart, kRestart
  nlohmann::json status;             // kStatus, kSubscribe, kStart, kAddNode: the cluster's status
  nlohmann::json faults;             // kFaults, kClearFaults: [{id, kind, node, started_at_ms, ends_at_ms}]
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
