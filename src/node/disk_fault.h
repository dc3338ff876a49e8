// DiskFault: what is wrong with one node's path to the shared disks, and what that means
// for each of its kernel's I/O syscalls. Pure: DiskGate carries the verdicts out.
#pragma once

#include <cstdint>
#include <string>

namespace uc::node {

struct DiskFault {
  enum class Kind { kNone, kStall, kSlow, kError };
  Kind kind = Kind::kNone;
  uint32_t delay_ms = 0;  // kSlow: each I/O waits this long
};

enum class IoVerdict {
  kGo,     // runs now
  kHold,   // waits until the fault changes
  kDelay,  // runs after the fault's delay
  kFail,   // fails with EIO
};

// `on_shared_disk`: the syscall's file is one of the node's shared disks (its root disk
// and anything else always go on).
IoVerdict judge(const DiskFault& f, bool on_shared_disk);

const char* kind_name(DiskFault::Kind k);  // none, stall, slow, error

}  // namespace uc::node
