// What a node's memory is made of, as the monitor (monitor/sampler.h) counts it.
// A node is several host processes (the UML kernel and its helpers) that all map the
// guest's RAM from one file in the node's private /dev/shm. Summing their RSS counts that
// RAM once per process; the monitor counts it once: the tmpfs's used bytes, plus each
// address space's private anonymous memory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <vector>

namespace uc::node {

// One pid per address space among `pids`: UML's helper threads are processes of their own
// (clone with CLONE_VM, not CLONE_THREAD) that share the kernel's memory, so their
// smaps repeat the kernel's. Memory figures count each address space once.
std::vector<pid_t> distinct_address_spaces(const std::vector<pid_t>& pids);
// Guest RAM the node has touched: the used bytes of its private /dev/shm.
uint64_t guest_ram_bytes(pid_t root);

}  // namespace uc::node
