// Giving an idle node's unused memory back to the host (memory_trim.h), once it is ready.
#include <fmt/format.h>

#include "supervisor/memory_trim.h"
#include "supervisor/supervisor_core.h"

namespace uc::cluster {
namespace {
// After ready, once more when the bring-up's last pages are freed, then now and again.
constexpr int64_t kSecondTrimMs = 20000;
constexpr int64_t kTrimEveryMs = 300000;
}  // namespace

void Supervisor::trim_due_nodes(int64_t now) {
  for (auto& n : nodes_) {
    if (n->next_trim_ms == 0 || now < n->next_trim_ms) continue;
    if (n->machine.state() != NodeState::kRunning) {
      n->next_trim_ms = 0;
      continue;
    }
    n->next_trim_ms = now + kTrimEveryMs;
    trim_memory(*n);
  }
}

void Supervisor::trim_memory(ManagedNode& n) {
  if (n.next_trim_ms == 0) n.next_trim_ms = mono_ms() + kSecondTrimMs;
  std::string name = n.spec.name, boot = n.machine.boot_id();
  uint64_t memory = n.spec.memory;
  auto same_boot = [this, name, boot] {
    ManagedNode* m = find(name);
    return m && m->machine.alive() && m->machine.boot_id() == boot;
  };
  n.link.run_job({"/bin/sh", "-c", memory_trim_script()}, [this, name, memory, same_boot](
                                                              int code, const std::string& out,
                                                              const std::string&) {
    if (code != 0 || !same_boot()) return;
    auto bytes = memory_trim_bytes(out, memory);
    if (!bytes)
      return logf(name + ": memory trim: its answer is not the script's; nothing returned");
    if (*bytes == 0) return;
    uint64_t kib = *bytes / 1024;
    host_->mconsole(
        name, fmt::format("config mem=-{}K", kib), 20000,
        [this, name, kib, same_boot](Result<std::string> r) {
          if (!r) return logf(name + ": config mem=-: " + r.error().message);
          if (!same_boot()) return;
          // Straight back: the guest keeps all its memory; the host pays for what it touches again.
          host_->mconsole(
              name, fmt::format("config mem=+{}K", kib), 20000,
              [this, name, kib](Result<std::string> r2) {
                if (!r2)
                  return logf(name +
                              ": config mem=+ (the guest is short of memory until it reboots): " +
                              r2.error().message);
                record(
                    name, "memory_returned", {{"bytes", kib * 1024}},
                    fmt::format("{} MiB of unused guest memory returned to the host", kib / 1024));
              });
        });
  });
}

}  // namespace uc::cluster
