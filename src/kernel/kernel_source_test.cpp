#include "kernel/kernel_source.h"

#include <gtest/gtest.h>

namespace uc::kernel {
namespace {

TEST(KernelSource, TheLabHeartbeatChangesOnlyTheConstant) {
  std::string h =
      "#define O2HB_HB_FOO 3\n#define O2HB_REGION_TIMEOUT_MS\t\t2000\n\n#define O2HB_MAX 10\n";
  auto out = with_heartbeat_interval(h, 500);
  ASSERT_TRUE(out);
  EXPECT_EQ(
      *out,
      "#define O2HB_HB_FOO 3\n#define O2HB_REGION_TIMEOUT_MS\t\t500\n\n#define O2HB_MAX 10\n");
}

TEST(KernelSource, ATreeWithoutTheConstantIsAnError) {
  auto out = with_heartbeat_interval("#define SOMETHING 2000\n", 500);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("O2HB_REGION_TIMEOUT_MS"), std::string::npos);
}

}  // namespace
}  // namespace uc::kernel
