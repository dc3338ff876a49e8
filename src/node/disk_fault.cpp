#include "node/disk_fault.h"

namespace uc::node {

IoVerdict judge(const DiskFault& f, bool on_shared_disk) {
  if (!on_shared_disk) return IoVerdict::kGo;
  switch (f.kind) {
    case DiskFault::Kind::kNone:
      return IoVerdict::kGo;
    case DiskFault::Kind::kStall:
      return IoVerdict::kHold;
    case DiskFault::Kind::kSlow:
      return f.delay_ms ? IoVerdict::kDelay : IoVerdict::kGo;
    case DiskFault::Kind::kError:
      return IoVerdict::kFail;
  }
  return IoVerdict::kGo;
}

const char* kind_name(DiskFault::Kind k) {
  switch (k) {
    case DiskFault::Kind::kNone:
      return "none";
    case DiskFault::Kind::kStall:
      return "stall";
    case DiskFault::Kind::kSlow:
      return "slow";
    case DiskFault::Kind::kError:
      return "error";
  }
  return "?";
}

}  // namespace uc::node
