#include "node/disk_fault.h"

#include <gtest/gtest.h>

namespace uc::node {
namespace {

TEST(DiskFault, OnlyTheSharedDiskIsTouched) {
  for (auto k : {DiskFault::Kind::kNone, DiskFault::Kind::kStall, DiskFault::Kind::kSlow,
                 DiskFault::Kind::kError})
    EXPECT_EQ(judge(DiskFault{k, 100}, false), IoVerdict::kGo) << kind_name(k);
}

TEST(DiskFault, EachKindsVerdict) {
  EXPECT_EQ(judge({}, true), IoVerdict::kGo);
  EXPECT_EQ(judge({DiskFault::Kind::kStall, 0}, true), IoVerdict::kHold);
  EXPECT_EQ(judge({DiskFault::Kind::kSlow, 50}, true), IoVerdict::kDelay);
  EXPECT_EQ(judge({DiskFault::Kind::kSlow, 0}, true), IoVerdict::kGo);
  EXPECT_EQ(judge({DiskFault::Kind::kError, 0}, true), IoVerdict::kFail);
}

}  // namespace
}  // namespace uc::node
