// Memory a guest holds but does not use goes back to the host. A UML guest's memory is a
// file on the host's tmpfs; what the guest once touched stays there even when the guest
// frees it (its page cache after boot and mount, mostly). After a node is ready the host
// has it drop its clean caches, then unplugs its free memory through mconsole
// (`config mem=-N`: the kernel punches the pages out of the file) and plugs it straight
// back (`config mem=+N`): the guest has all its memory again, and the host pays only for
// the pages it touches from then on.
// No syscalls: the job's output (a stranger's) is parsed and checked here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace uc::cluster {

// The guest job: drop clean caches, then print MemFree and min_free_kbytes.
std::string memory_trim_script();

// How much to unplug, from the job's output and the node's memory: its free memory less a
// reserve (the kernel's atomic allocations, network buffers among them, must still find
// pages), in whole MiB. Nothing if the output is not what the script prints or is out of range.
std::optional<uint64_t> memory_trim_bytes(const std::string& output, uint64_t node_memory);

}  // namespace uc::cluster
