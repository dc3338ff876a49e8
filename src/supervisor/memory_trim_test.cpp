#include "supervisor/memory_trim.h"

#include <gtest/gtest.h>

namespace uc::cluster {
namespace {

constexpr uint64_t kMiB = 1024 * 1024;

std::map<std::string, std::string> files(const std::string& free_kb, const std::string& load,
                                         const std::string& min_kb = "1024",
                                         const std::string& written_sectors = "2048") {
  return {{"/proc/meminfo",
           "MemTotal:  131072 kB\nMemFree:   " + free_kb + " kB\nMemAvailable: 100000 kB\n"},
          {"/proc/loadavg", load + " 0.20 0.10 1/60 123\n"},
          {"/proc/sys/vm/min_free_kbytes", min_kb + "\n"},
          {"/proc/diskstats", "  98       0 ubda 100 0 2000 50 10 0 " + written_sectors +
                                  " 5 0 40 55 0 0 0 0\n   7  0 loop0 1 0 2 0 0 0 99999 0 0 0 0\n"},
          {"/proc/stat", "cpu  100 5 50 8000 20 3 2 0 0 0\ncpu0 100 5 50 8000 20 3 2 0 0 0\n"},
          {"/proc/vmstat",
           "nr_free_pages 23000\npgalloc_dma 10\npgalloc_normal 54546\n"
           "pgalloc_movable 0\npgfree 76807\n"}};
}

TEST(MemoryTrim, ReadsFreeMemoryLoadAndDiskWritingFromProc) {
  auto s = parse_memory_sample(files("92160", "0.05"), 128 * kMiB);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->free_bytes, 90 * kMiB);
  EXPECT_EQ(s->min_free_bytes, 1 * kMiB);
  EXPECT_DOUBLE_EQ(s->load1, 0.05);
  EXPECT_EQ(s->written_bytes, 2048u * 512);  // loop devices are not the node's disks
  EXPECT_EQ(s->cpu_busy, 160u);
  EXPECT_EQ(s->cpu_total, 8180u);
  EXPECT_EQ(s->allocated_pages, 54556u);
  auto f = files("92160", "0.05");
  f["/proc/stat"] = "cpu 1 2 3\n";
  EXPECT_FALSE(parse_memory_sample(f, 128 * kMiB));
  f = files("92160", "0.05");
  f["/proc/vmstat"] = "pgfree 10\n";
  EXPECT_FALSE(parse_memory_sample(f, 128 * kMiB));
}

TEST(MemoryTrim, WhatIsNotProcsIsRefused) {
  EXPECT_FALSE(parse_memory_sample({}, 128 * kMiB));
  EXPECT_FALSE(parse_memory_sample(files("-5", "0.1"), 128 * kMiB));
  EXPECT_FALSE(parse_memory_sample(files("999999999", "0.1"), 128 * kMiB));  // more than it has
  EXPECT_FALSE(parse_memory_sample(files("18446744073709551616", "0.1"), 128 * kMiB));
  EXPECT_FALSE(parse_memory_sample(files("92160", "x"), 128 * kMiB));
  EXPECT_FALSE(parse_memory_sample(files("92160", "-1"), 128 * kMiB));
  EXPECT_FALSE(parse_memory_sample(files("92160", "0.1", "oops"), 128 * kMiB));
  EXPECT_FALSE(parse_memory_sample(files("92160", "0.1", "1024", "many"), 128 * kMiB));
}

TEST(MemoryTrim, StepsLeaveAMarginFreeAndTakeAtMostAStep) {
  // 128 MiB node: the margin is 8 MiB (more than 128/16 and 4 x 1 MiB).
  EXPECT_EQ(trim_margin(128 * kMiB, 1 * kMiB), 8 * kMiB);
  EXPECT_EQ(trim_margin(1024 * kMiB, 1 * kMiB), 64 * kMiB);  // a 16th of a large node
  EXPECT_EQ(trim_margin(128 * kMiB, 16 * kMiB), 64 * kMiB);  // 4 x a large min_free_kbytes
  GuestMemorySample s;
  s.min_free_bytes = 1 * kMiB;
  s.free_bytes = 90 * kMiB;
  EXPECT_EQ(next_trim_step(s, 128 * kMiB), kTrimStep);
  s.free_bytes = 20 * kMiB + 512 * 1024;
  EXPECT_EQ(next_trim_step(s, 128 * kMiB), 12 * kMiB);  // whole MiB above the margin
  s.free_bytes = 9 * kMiB;
  EXPECT_EQ(next_trim_step(s, 128 * kMiB), 0u);
  // A 1 GiB node that an fstests run left 982 MiB free keeps 64 MiB whatever happens.
  s.free_bytes = 982 * kMiB;
  uint64_t taken = 0;
  for (int i = 0; i < 100; ++i) {
    uint64_t step = next_trim_step(s, 1024 * kMiB);
    if (step == 0) break;
    taken += step;
    s.free_bytes -= step;
  }
  EXPECT_EQ(s.free_bytes, 64 * kMiB);
  EXPECT_EQ(taken, 918 * kMiB);
}

TEST(MemoryTrim, OnlyAnIdleNodeIsTrimmed) {
  GuestMemorySample s;
  s.load1 = 0.1;
  s.written_bytes = 100 * kMiB;
  NodeActivity a;
  EXPECT_EQ(busy_reason(s, a), "");
  s.load1 = 1.3;  // a compiler, a test harness
  EXPECT_EQ(busy_reason(s, a), "its load is 1.30");
  s.load1 = 0.1;
  a.sessions_open = true;
  EXPECT_EQ(busy_reason(s, a), "an exec session runs on it");
  a.sessions_open = false;
  // 60 MiB written in the 300 s since the last trim: 12 MiB a minute.
  GuestMemorySample before = s;
  before.written_bytes = 40 * kMiB;
  a.last = before;
  a.seconds_since_last = 300;
  EXPECT_EQ(busy_reason(s, a), "it writes 12.0 MiB a minute");
  // A workload started since the last look: load1 has not caught up, its CPU use has.
  before.written_bytes = s.written_bytes;
  before.cpu_busy = 1000;
  before.cpu_total = 10000;
  s.cpu_busy = 1900;
  s.cpu_total = 11000;
  a.last = before;
  EXPECT_EQ(busy_reason(s, a), "it used 90% of its CPU since the last look");
  s.cpu_busy = 1020;
  EXPECT_EQ(busy_reason(s, a), "");
  // Little CPU, much memory: 48 MiB taken and given back five times a second.
  s.allocated_pages = before.allocated_pages + 300 * 5 * 48 * 256;
  EXPECT_EQ(busy_reason(s, a), "it allocated 240.0 MiB a second since the last look");
  s.allocated_pages = before.allocated_pages + 300 * 18;  // an idle guest's 70 KiB/s
  EXPECT_EQ(busy_reason(s, a), "");
  // OCFS2's heartbeat alone (a sector every 2 s) is idle.
  before.written_bytes = s.written_bytes - 150 * 512;
  a.last = before;
  EXPECT_EQ(busy_reason(s, a), "");
}

}  // namespace
}  // namespace uc::cluster
