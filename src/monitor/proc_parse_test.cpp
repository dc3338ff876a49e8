#include "monitor/proc_parse.h"

#include <gtest/gtest.h>

namespace uc::monitor {
namespace {

TEST(ProcStat, AllAndPerCore) {
  auto s = parse_proc_stat(
      "cpu  4705 356 584 3699176 23060 0 877 0 0 0\n"
      "cpu0 1393 280 293 1848934 11452 0 410 0 0 0\n"
      "cpu1 3312 76 291 1850242 11608 0 467 0 0 0\n"
      "intr 114930548 113199788 3 0 5 263 0 4 [...]\nctxt 1990473\nbtime 1062191376\n");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->cores.size(), 2u);
  EXPECT_EQ(s->all.user, 4705u);
  EXPECT_EQ(s->cores[1].idle, 1850242u);
  EXPECT_FALSE(parse_proc_stat("garbage\n"));
}

TEST(ProcStat, BusyPercentOfAnInterval) {
  CpuTimes a{100, 0, 50, 850, 0, 0, 0, 0}, b{150, 0, 100, 900, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(busy_percent(a, b), 100.0 * 100 / 150);
  EXPECT_DOUBLE_EQ(busy_percent(b, a), 0.0);  // counters went back: no nonsense
}

TEST(MemInfo, UsedLikeHtop) {
  auto m = parse_meminfo(
      "MemTotal:       24576000 kB\nMemFree:        20000000 kB\nMemAvailable:   22000000 kB\n"
      "Buffers:          100000 kB\nCached:          2000000 kB\nSwapCached:            0 kB\n"
      "Shmem:            500000 kB\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->total, 24576000ull * 1024);
  EXPECT_EQ(m->used(), (24576000ull - 20000000 - 100000 - (2000000 - 500000)) * 1024);
  EXPECT_FALSE(parse_meminfo(""));
}

TEST(LoadAvg, ThreeFigures) {
  auto l = parse_loadavg("0.52 0.58 0.59 1/306 12345\n");
  ASSERT_TRUE(l);
  EXPECT_DOUBLE_EQ(l->one, 0.52);
  EXPECT_DOUBLE_EQ(l->fifteen, 0.59);
  EXPECT_FALSE(parse_loadavg("x"));
}

TEST(PidStat, NameWithSpacesAndParentheses) {
  auto p = parse_pid_stat(
      "4242 (my (odd) proc) S 1 4242 4242 0 -1 4194560 300 0 0 0 25 17 5 3 20 0 1 0 "
      "12345 10000000 1234 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->pid, 4242);
  EXPECT_EQ(p->comm, "my (odd) proc");
  EXPECT_EQ(p->state, 'S');
  EXPECT_EQ(p->ppid, 1);
  EXPECT_EQ(p->utime, 25u);
  EXPECT_EQ(p->stime, 17u);
  EXPECT_EQ(p->cutime, 5u);
  EXPECT_EQ(p->cstime, 3u);
  EXPECT_EQ(p->num_threads, 1u);
  EXPECT_EQ(p->starttime, 12345u);
  EXPECT_EQ(p->rss_pages, 1234u);
}

TEST(PidStat, VanishedOrTruncated) {
  EXPECT_FALSE(parse_pid_stat(""));  // the process ended between listing and reading
  EXPECT_FALSE(parse_pid_stat("12 (cut"));
  EXPECT_FALSE(parse_pid_stat("12 (short) S 1"));
}

TEST(SmapsRollup, Fields) {
  auto s = parse_smaps_rollup(
      "55d0c0a00000-7ffd5d3f1000 ---p 00000000 00:00 0 [rollup]\n"
      "Rss:               53924 kB\nPss:               27180 kB\nPss_Anon:           1000 kB\n"
      "Shared_Clean:       1024 kB\nShared_Dirty:      40000 kB\nAnonymous:          1200 kB\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->rss, 53924u * 1024);
  EXPECT_EQ(s->pss, 27180u * 1024);
  EXPECT_EQ(s->anonymous, 1200u * 1024);
  EXPECT_EQ(s->shared_dirty, 40000u * 1024);
  EXPECT_FALSE(parse_smaps_rollup(""));
}

}  // namespace
TEST(PidStatm, ResidentSharedAndAnonymousPages) {
  auto m = parse_pid_statm("38203 24856 24681 1101 0 1024 0\n");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->resident, 24856u);
  EXPECT_EQ(m->shared, 24681u);
  EXPECT_EQ(m->anon(), 175u);
  EXPECT_FALSE(parse_pid_statm(""));  // gone
}

}  // namespace uc::monitor
