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
// The "Anonymous:" figure of /proc/PID/smaps_rollup, in bytes (0 if gone).
uint64_t anonymous_bytes(pid_t pid);
uint64_t node_memory_bytes(pid_t root);

}  // namespace uc::node
