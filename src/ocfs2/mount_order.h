// MountOrder: how a large cluster's nodes reach their volumes without a thundering herd.
// OCFS2 lets one node at a time join a volume's DLM domain (the others are refused and
// back off for up to 600 ms, again and again), and a node's heartbeat only settles after
// three rounds (2 s each) in which no node appears: while nodes keep arriving, nobody
// settles. So: nodes that are online wait until no node is still booting, then start their
// heartbeats in waves of at most kWaveMax, highest node numbers first, each wave once the
// last is steady (o2net connects every new node to every other at once, the higher
// number calling the lower, and refuses a call from a node it does not yet see beat: at
// 128 nodes a single wave left mounts waiting past OCFS2's 60 s connection check).
// Once every heartbeat beats, they mount one at a time, lowest node number first, the
// next starting when the last has joined its domain.
// No syscalls; times are milliseconds on any monotonic clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace uc::ocfs2 {

class MountOrder {
 public:
  // A wave starts anyway once its first node has waited this long for the others to boot.
  static constexpr int64_t kWaveWaitMs = 30000;
  static constexpr size_t kWaveMax = 32;

  void starting(const std::string& node, int number);  // launched, or waiting to boot
  void gone(const std::string& node);                  // died, failed or stopped: waits for nothing
  void online(const std::string& node);                // O2CB online: no longer booting

  // It is online with its volumes formatted, and its heartbeat has not started.
  void wants_heartbeat(const std::string& node, int number, int64_t now);
  // The nodes whose heartbeat starts now (in ascending order), once the last wave is steady
  // and no volume is being formatted: the kWaveMax highest-numbered of those waiting, all
  // above every node still booting (nodes boot highest numbers first, so the first wave
  // beats while the rest boot), or fewer once none boots or the first has waited kWaveWaitMs.
  std::vector<std::string> wave(int64_t now, bool formatting);
  void heartbeat_steady(const std::string& node);

  // Its heartbeat beats: it may mount `disk` when its turn comes.
  void wants_mount(const std::string& node, int number, const std::string& disk);
  // The next mount to start, if none is under way and every heartbeat beats: {node, disk}.
  std::optional<std::pair<std::string, std::string>> next_mount();
  void mount_done(const std::string& node);
  // Its kernel says it joined the volume's DLM domain: the next node may start joining
  // while this one finishes its mount (taking its first locks asks every node in turn,
  // seconds at a hundred nodes, and needs no turn of its own).
  // Not with kernels that ask a journal's owner first (kernel/patches/
  // ocfs2-mount-master-hint.patch): their mounts take their locks in a fraction of a second,
  // and a join under way restarts every lock mastery in flight ("node N up while
  // restarting"): at 128 nodes, joins every 0.3 s kept a mount's masteries restarting for
  // minutes. There the next node starts once the last has mounted.
  void joined(const std::string& node) {
    if (!whole_mounts_) mount_done(node);
  }
  void one_mount_at_a_time(bool on) { whole_mounts_ = on; }
  bool mounting() const { return !mounting_.empty(); }
  // Nothing boots, waits for or starts its heartbeat, waits to mount or mounts.
  bool settled() const {
    return booting_.empty() && hb_waiting_.empty() && hb_starting_.empty() && mounts_.empty() &&
           mounting_.empty();
  }

  std::optional<int64_t> next_deadline() const;
  size_t booting() const { return booting_.size(); }

 private:
  int64_t oldest_wait() const;          // when the longest-waiting node asked for its heartbeat
  std::map<std::string, int> booting_;  // node -> number
  struct Waiting {
    int number = 0;
    int64_t since = 0;
  };
  std::map<std::string, Waiting> hb_waiting_;
  std::set<std::string> hb_starting_;  // in the current wave, not steady yet
  std::set<std::tuple<int, std::string, std::string>> mounts_;  // number, node, disk
  std::string mounting_;                                        // the node mounting now, or ""
  bool whole_mounts_ = false;
};

// Whether every node's kernel carries the master-hint patch (by the patch files its build
// applied, as the kernel cache records them): then mounts go one at a time, whole.
bool kernels_hint_masters(const std::vector<std::vector<std::string>>& patches_of_each_node);

}  // namespace uc::ocfs2
