// What a running node costs the host, read from /proc.
// A node is several host processes (the UML kernel and its helpers) that all map the
// guest's RAM from one file in the node's private /dev/shm. Summing their RSS counts that
// RAM once per process; we count it once: the tmpfs's used bytes, plus each process's
// private anonymous memory.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

namespace uc::node {

// `root` and every descendant (from /proc/PID/task/TID/children).
std::vector<pid_t> process_tree(pid_t root);
// One pid per address space among `pids`: UML's helper threads are processes of their own
// (clone with CLONE_VM, not CLONE_THREAD) that share the kernel's memory, so their
// smaps repeat the kernel's. Memory figures count each address space once.
std::vector<pid_t> distinct_address_spaces(const std::vector<pid_t>& pids);
// The "Anonymous:" figure of /proc/PID/smaps_rollup, in bytes (0 if gone).
uint64_t anonymous_bytes(pid_t pid);
// Guest RAM the node has touched: the used bytes of its private /dev/shm.
uint64_t guest_ram_bytes(pid_t root);
uint64_t node_memory_bytes(pid_t root);

}  // namespace uc::node
