// HeartbeatWatch: the host's own evidence of which nodes OCFS2's survivors are about to
// declare dead, from each node's heartbeat block as the host reads it from the shared disk
// files (ocfs2/heartbeat_region.h), never from a line a guest prints. No syscalls: the
// supervisor feeds it what it read and when, and asks it whom to fence.
//
// The rule, per node and volume, within one life of the node (launch, or a new boot):
// - Its block as first read in a life is its previous life's (or mkfs's): counting starts at
//   the first beat of a new generation. A node waiting for its boot wave, not yet mounted,
//   or whose whole cluster crashed and left stale blocks, is not stalled: it never beat yet.
// - A generation of 0 is a clean stop's last beat (umount): the node left that region.
// - A heartbeat that has not moved for `fence_after_ms` (the dead time less a margin: the
//   survivors declare it dead after `dead_ms` unchanged) is stalled: fence it before they
//   replay its journal. Only on a fresh read: when the host could not read, it knows nothing.
// - One that moves again with the same generation after `dead_ms` (the survivors declared it
//   dead and recovered it) is a zombie: fence it at once.
// A block with a bad checksum is a missed beat, as the kernel counts it.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/cluster_spec.h"
#include "ocfs2/heartbeat_block.h"

namespace uc::cluster {

struct HeartbeatRules {
  int64_t dead_ms = 14000;         // O2CB: heartbeat_threshold rounds of 2 s
  int64_t fence_after_ms = 11500;  // dead_ms less the margin
  int64_t fresh_ms = 1500;         // a decision needs a read at most this old
  bool fence_stalls = true;        // manager.heartbeat_fence "on"
  bool fence_zombies = true;       // "on" or "zombie"
  static HeartbeatRules from(const O2cbSpec& o2cb, const std::string& heartbeat_fence = "on");
};

enum class HeartbeatVerdict { kStalled, kZombie };
const char* verdict_name(HeartbeatVerdict v);  // "heartbeat stalled", "zombie heartbeat"

struct HeartbeatDecision {
  std::string node;
  HeartbeatVerdict verdict;
  std::string volume;
  int64_t stalled_ms = 0;  // since its heartbeat last moved, as the host saw it
};

// A node's heartbeat as the host sees it, on the volume where it is oldest.
struct HeartbeatView {
  bool beating = false;  // a beat of this life seen on some volume
  uint64_t seq = 0, generation = 0;
  uint32_t dead_ms = 0;  // what its kernel wrote: the dead time it runs with
  int64_t age_ms = 0;    // since it last moved (0 unless beating)
};

class HeartbeatWatch {
 public:
  explicit HeartbeatWatch(HeartbeatRules r) : rules_(r) {}
  const HeartbeatRules& rules() const { return rules_; }

  // A new life: launched, or a new boot in the same process.
  void begin_life(const std::string& node);
  // Not watched until its next life (stopping, stopped, dead, or being powered off).
  void end_life(const std::string& node);
  // What the host read of the node's slot on `volume` at `now` (mono ms).
  void observe(const std::string& node, const std::string& volume, const ocfs2::HeartbeatBlock& b,
               int64_t now);
  // Whom to fence now; each verdict once a life.
  std::vector<HeartbeatDecision> decide(int64_t now);

  std::optional<HeartbeatView> view(const std::string& node, int64_t now) const;

 private:
  struct Slot {
    bool baseline_taken = false;
    uint64_t base_seq = 0, base_generation = 0;
    bool armed = false;  // a beat of this life seen
    uint64_t seq = 0, generation = 0;
    uint32_t dead_ms = 0;
    int64_t moved_at = 0, read_at = 0;
    bool declared_dead = false;  // unmoved for dead_ms: its survivors declared it dead
    bool zombie = false;         // moved after that, same generation
  };
  struct Life {
    std::map<std::string, Slot> volumes;
    bool stall_decided = false, zombie_decided = false;
  };
  HeartbeatRules rules_;
  std::map<std::string, Life> lives_;  // watched nodes only
};

}  // namespace uc::cluster
