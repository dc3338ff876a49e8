// The requests of the control protocol (CLI -> supervisor), by name. Apart from
// control_protocol.h so that the fault table (wire/fault.h) can say which request starts
// each fault without the two headers including each other.
#pragma once

#include <optional>
#include <string_view>

namespace uc::control {

enum class Op {
  kPing,         // is the supervisor there
  kStatus,       // the cluster and each node (ClusterStatus)
  kSubscribe,    // progress events from now on; replies with the status
  kStart,        // start `nodes` (all when empty) that are stopped or failed
  kAddNode,      // `node` was added to the cluster's record: learn it, boot it
  kDown,         // stop every node; the reply comes when all are down
  kFreeze,       // `node`: mconsole stop (the whole kernel stops, nothing dies); `for_ms`
  kThaw,         // `node`: mconsole go
  kCrash,        // `node`: a power cut (every host process killed); `hold`: no restart
  kFaults,       // the active faults
  kClearFaults,  // end every active fault
  kPartition,    // `groups`: frames between them dropped by the switch; `one_way`; `for_ms`
  kHeal,         // end the partition and every slow link
  kNet,          // `node`'s link: `delay_ms`, `jitter_ms`, `loss_pct`; `for_ms`
  kDiskStall,    // `node`'s shared-disk I/O hangs; `for_ms`
  kDiskSlow,     // each of `node`'s shared-disk I/Os waits `delay_ms`; `for_ms`
  kDiskError,    // `node`'s shared-disk I/O fails with EIO; `for_ms`
  kRestart,      // `nodes`: a graceful stop, then a fresh boot (e.g. on a rebuilt kernel)
};
// The op's name on the wire ("disk_stall"); "?" for a value outside the enum.
const char* op_name(Op op);
std::optional<Op> op_named(std::string_view name);

}  // namespace uc::control
