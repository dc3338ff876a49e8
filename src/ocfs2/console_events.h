// Reads one line of a UML guest's kernel console (Linux 6.1) into a typed event: what
// OCFS2's o2net, o2hb, o2quo, o2dlm and journal recovery, and the kernel itself, say about
// cluster membership, recovery and death. Pure: no I/O, no clock. The console is a
// stranger's output: any byte sequence is accepted, and anything that is not exactly one of
// the known printk formats yields nothing.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace uc::cluster {

enum class ConsoleEventType {
  kO2netConnected,         // o2net: Connected to / Accepted connection from node ...
  kO2netLost,              // o2net: No longer connected to node ...
  kO2netShutdown,          // o2net: Connection to node ... shutdown, state N (also failed connects)
  kO2netIdle,              // o2net: Connection to node ... has been idle for S secs.
  kO2netNoConnection,      // o2net: No connection established with node N after S seconds
  kHeartbeatNodeUp,        // o2hb: Add node N to live nodes bitmap (only with ML_HEARTBEAT logging)
  kHeartbeatNodeDown,      // o2hb: Remove node N from live nodes bitmap (likewise)
  kHeartbeatStarted,       // o2hb: Heartbeat started on region R (dev) (global heartbeat only)
  kHeartbeatStopped,       // o2hb: Heartbeat stopped on region R (dev) (global heartbeat only)
  kHeartbeatWriteTimeout,  // ERROR: Heartbeat write timeout to device D after N milliseconds
  kHeartbeatWriteHung,     // o2hb: node N hb write hung for Ss on region R (dev)
  kQuorumLost,             // ERROR: fencing this node because it is only connected to ...
  kFenceReset,             // *** ocfs2 is very sorry to be fencing this system by restarting ***
  kFencePanic,             // Kernel panic - not syncing: *** ocfs2 is very sorry ... panicing ***
  kEvicted,                // o2cb: o2dlm has evicted node N from domain D
  kDlmWaitingDeath,        // o2dlm: Waiting on the death of node N in domain D
  kDlmWaitingRecovery,     // o2dlm: Waiting on the recovery of node N in domain D
  kRecoveryBegin,          // o2dlm: Begin recovery on domain D for node N
  kRecoveryMaster,         // o2dlm: Node M (me|he) is the Recovery Master for the dead node N ...
  kRecoveryEnd,            // o2dlm: End recovery on domain D
  kJournalReplayBegin,     // ocfs2: Begin replay journal (node N, slot S) on device (M,m)
  kJournalReplayEnd,       // ocfs2: End replay journal (node N, slot S) on device (M,m)
  kJoinedDomain,           // o2dlm: Joining domain D   (this node)
  kLeftDomain,             // o2dlm: Leaving domain D   (this node)
  kNodeJoinedDomain,       // o2dlm: Node N joins domain D
  kNodeLeftDomain,         // o2dlm: Node N leaves domain D
  kVolumeMounted,          // ocfs2: Mounting device (M,m) on (node N, slot S) with ... data mode.
  kVolumeUnmounted,        // ocfs2: Unmounting device (M,m) on (node N)
  kPanic,                  // Kernel panic - not syncing: ...
  kOops,                   // kernel BUG at ..., BUG: ..., Oops: ...
  kHungTask,               // INFO: task T:pid blocked for more than S seconds.
};

// The snake_case name the event log uses: "o2net_lost", "evicted", "recovery_begin", ...
const char* type_name(ConsoleEventType t);
// The inverse of type_name; nothing for a name that is not a console event type.
std::optional<ConsoleEventType> console_type_from_name(std::string_view name);

struct ConsoleEvent {
  ConsoleEventType type = ConsoleEventType::kPanic;
  std::optional<double> kernel_time;  // seconds since the guest booted, from "[  12.345678] "
  std::string peer_name;              // o2net lines name the peer: "node1"
  int peer_number = -1;               // the node the line is about (the dead one in recovery)
  int master_number = -1;             // the recovery master
  std::string domain;                 // dlm domain (a volume's UUID) or heartbeat region
  std::string device;                 // "8,16" or "ubdb"
  int slot = -1;                      // OCFS2 slot
  std::string address;                // the peer's "192.168.0.116:7777"
  double seconds = -1;                // idle time, connect timeout, write timeout, hung time
  int code = -1;                      // the socket state of an o2net shutdown
  std::string detail;                 // the line, trimmed, non-printable bytes replaced by '?'
};

std::optional<ConsoleEvent> parse_console_line(std::string_view line);

// Splits a growing byte stream into lines (without "\n" or a trailing "\r") and keeps the
// partial tail for the next feed. printk never writes a record over 1 KiB, so a line that
// grows past kMaxLine is not the kernel's: it is dropped whole, up to its newline.
class ConsoleLineSplitter {
 public:
  static constexpr size_t kMaxLine = 4096;
  std::vector<std::string> feed(std::string_view bytes);
  const std::string& pending() const { return tail_; }

 private:
  std::string tail_;
  bool dropping_ = false;
};

}  // namespace uc::cluster
