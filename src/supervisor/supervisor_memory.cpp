// Giving an idle node's unused memory back to the host (memory_trim.h), once it is ready and
// then every [manager] memory_trim_interval seconds, unless memory_trim = "off".
#include <fmt/format.h>

#include "supervisor/memory_trim.h"
#include "supervisor/supervisor_core.h"

namespace uc::cluster {
namespace {
// After ready, once more when the bring-up's last pages are freed, then now and again.
constexpr int64_t kSecondTrimMs = 20000;
constexpr int kMaxSteps = 64;  // a trim's unplug steps: a guard, the margin ends it first
constexpr const char* kDropCaches = "sync\necho 3 > /proc/sys/vm/drop_caches\n";
}  // namespace

void Supervisor::trim_due_nodes(int64_t now) {
  for (auto& n : nodes_) {
    if (n->next_trim_ms == 0 || now < n->next_trim_ms) continue;
    if (n->machine.state() != NodeState::kRunning) {
      n->next_trim_ms = 0;
      continue;
    }
    n->next_trim_ms = now + int64_t{spec_.manager.memory_trim_interval} * 1000;
    trim_memory(*n);
  }
}

ManagedNode* Supervisor::same_life(const std::string& name, const std::string& boot) {
  ManagedNode* m = find(name);
  return m && m->machine.alive() && m->machine.boot_id() == boot ? m : nullptr;
}

// The node, null if it is not the one asked any more (it died or rebooted); `sample` is set
// from the read session's answer if it checks out.
ManagedNode* Supervisor::take_trim_sample(const std::string& name, const std::string& boot,
                                          int code, const std::string& out,
                                          std::optional<GuestMemorySample>& sample) {
  ManagedNode* m = same_life(name, boot);
  if (!m || code != 0) return m;
  auto files = parse_guest_files(out);
  if (!files) {
    logf(name + ": memory trim: " + files.error().message);
    return m;
  }
  auto s = parse_memory_sample(files->files, m->spec.memory);
  if (!s) {
    logf(name + ": " + s.error().message);
    return m;
  }
  sample = *s;
  return m;
}

// The node's last sample, which the next look compares with (busy_reason).
void Supervisor::keep_trim_sample(ManagedNode& n, const GuestMemorySample& s) {
  n.trim_sample = s;
  n.trim_sample_ms = mono_ms();
  n.trim_sample_boot = n.machine.boot_id();
}

// Reads how busy the node is and what it has free, then trims it only if it is idle.
void Supervisor::trim_memory(ManagedNode& n) {
  if (spec_.manager.memory_trim == "off") return;
  // While a large cluster comes up every node takes part in each mount (the DLM asks it):
  // no trim until the last has mounted; a look again in 20 s.
  if (bringup_->bringing_up()) {
    n.next_trim_ms = mono_ms() + kSecondTrimMs;
    return;
  }
  if (n.next_trim_ms == 0) n.next_trim_ms = mono_ms() + kSecondTrimMs;
  std::string name = n.spec.name, boot = n.machine.boot_id();
  n.link.read_job(memory_sample_paths(), [this, name, boot](int code, const std::string& out,
                                                            const std::string&) {
    std::optional<GuestMemorySample> s;
    ManagedNode* m = take_trim_sample(name, boot, code, out, s);
    if (!m || !s) return;
    NodeActivity a;
    a.sessions_open = m->link.routed_sessions() > 0;
    if (m->trim_sample && m->trim_sample_boot == boot) {
      a.last = m->trim_sample;
      a.seconds_since_last = static_cast<double>(mono_ms() - m->trim_sample_ms) / 1000;
    }
    // Kept for the next look; a trim keeps its last step's instead (unplugging allocates).
    keep_trim_sample(*m, *s);
    std::string busy = busy_reason(*s, a);
    if (!busy.empty()) return logf(name + ": memory trim skipped: " + busy);
    if (next_trim_step(*s, m->spec.memory) == 0) return;
    m->link.run_job({"/bin/sh", "-c", kDropCaches},
                    [this, name, boot](int c, const std::string&, const std::string&) {
                      if (c == 0) trim_step(name, boot, 0, 0);
                    });
  });
}

void Supervisor::trim_step(const std::string& name, const std::string& boot, uint64_t taken,
                           int steps) {
  ManagedNode* n = same_life(name, boot);
  if (!n) return;
  if (steps >= kMaxSteps) return trim_finish(name, boot, taken);
  n->link.read_job(
      memory_sample_paths(),
      [this, name, boot, taken, steps](int code, const std::string& out, const std::string&) {
        std::optional<GuestMemorySample> s;
        ManagedNode* m = take_trim_sample(name, boot, code, out, s);
        if (!m) return;
        uint64_t step = s ? next_trim_step(*s, m->spec.memory) : 0;
        if (s) keep_trim_sample(*m, *s);
        if (step == 0) return trim_finish(name, boot, taken);
        host_->mconsole(name, fmt::format("config mem=-{}K", step / 1024), 20000,
                        [this, name, boot, taken, step, steps](Result<std::string> r) {
                          if (r) return trim_step(name, boot, taken + step, steps + 1);
                          logf(name + ": config mem=-: " + r.error().message);
                          trim_finish(name, boot, taken);
                        });
      });
}

// Straight back: the guest keeps all its memory; the host pays for what it touches again.
void Supervisor::trim_finish(const std::string& name, const std::string& boot, uint64_t taken) {
  if (taken == 0 || !same_life(name, boot)) return;
  uint64_t kib = taken / 1024;
  host_->mconsole(
      name, fmt::format("config mem=+{}K", kib), 20000, [this, name, kib](Result<std::string> r) {
        if (!r)
          return logf(name + ": config mem=+ (the guest is short of memory until it reboots): " +
                      r.error().message);
        record(name, "memory_returned", {{"bytes", kib * 1024}},
               fmt::format("{} MiB of unused guest memory returned to the host", kib / 1024));
      });
}

}  // namespace uc::cluster
