#include "supervisor/memory_trim.h"

#include <gtest/gtest.h>

namespace uc::cluster {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

TEST(MemoryTrim, UnplugsFreeMemoryLessTheReserveInWholeMiB) {
  // 90 MiB free, min_free 1 MiB: the reserve is 3 x 1 = 3 MiB, raised to 4 MiB.
  EXPECT_EQ(memory_trim_bytes("free 92160\nmin 1024\n", 128 * kMiB), 86 * kMiB);
  // A large min_free raises the reserve: 3 x 4 MiB.
  EXPECT_EQ(memory_trim_bytes("free 92160\nmin 4096\n", 128 * kMiB), 78 * kMiB);
}

TEST(MemoryTrim, LittleFreeMemoryMeansNothingToTrim) {
  EXPECT_EQ(memory_trim_bytes("free 4000\nmin 1024\n", 128 * kMiB), 0u);
}

TEST(MemoryTrim, OutputThatIsNotTheScriptsIsRefused) {
  EXPECT_FALSE(memory_trim_bytes("", 128 * kMiB));
  EXPECT_FALSE(memory_trim_bytes("free 92160\n", 128 * kMiB));
  EXPECT_FALSE(memory_trim_bytes("free -5\nmin 2048\n", 128 * kMiB));
  EXPECT_FALSE(memory_trim_bytes("free 92160\nmin 2048\nrm -rf /\n", 128 * kMiB));
  EXPECT_FALSE(memory_trim_bytes("free 999999999999\nmin 2048\n", 128 * kMiB));  // more than it has
  EXPECT_FALSE(memory_trim_bytes("free 18446744073709551616\nmin 1\n", 128 * kMiB));  // overflows
}

}  // namespace
}  // namespace uc::cluster
