#include "agent/proc_tree.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include "sys/files.h"

namespace uc::agent {
namespace {

std::vector<pid_t> pids(std::vector<ProcEntry> v) {
  std::vector<pid_t> out;
  for (const auto& e : v) out.push_back(e.pid);
  std::sort(out.begin(), out.end());
  return out;
}

// A stat line as the kernel writes it, with 52 fields.
std::string stat_line(pid_t pid, const std::string& comm, char state, pid_t ppid, uint64_t start) {
  std::string s = std::to_string(pid) + " (" + comm + ") " + state + " " + std::to_string(ppid);
  for (int field = 5; field <= 21; ++field) s += " " + std::to_string(field * 10);
  s += " " + std::to_string(start);
  for (int field = 23; field <= 52; ++field) s += " 0";
  return s + "\n";
}

TEST(ProcStat, ReadsPidStateParentAndStartTime) {
  auto e = parse_proc_stat(stat_line(471, "sleep", 'S', 12, 98765));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, (ProcEntry{471, 12, 'S', 98765}));
}

TEST(ProcStat, ANameWithSpacesAndParenthesesDoesNotShiftTheFields) {
  auto e = parse_proc_stat(stat_line(9, "a) R 1 (b", 'Z', 3, 42));
  ASSERT_TRUE(e);
  EXPECT_EQ(*e, (ProcEntry{9, 3, 'Z', 42}));
}

TEST(ProcStat, RejectsWhatIsNotAStatLine) {
  EXPECT_FALSE(parse_proc_stat(""));
  EXPECT_FALSE(parse_proc_stat("12 (x"));
  EXPECT_FALSE(parse_proc_stat("x (sh) S 1 2"));
  EXPECT_FALSE(parse_proc_stat("12 (sh) S 1 2 3"));  // cut short before the start time
  EXPECT_FALSE(parse_proc_stat("12 (sh) SS 1" + stat_line(1, "x", 'S', 0, 1).substr(10)));
  EXPECT_FALSE(parse_proc_stat("-3 (sh) S 1" + stat_line(1, "x", 'S', 0, 1).substr(10)));
}

TEST(Descendants, ChildrenGrandchildrenAndAdoptedOrphansButNotTheRootOrOthers) {
  // 1 init, 50 the agent's other session, 100 the reaper, 101 its command, 102 a child of
  // it, 103 an orphan the reaper adopted (a double fork), 104 a child of the orphan.
  std::vector<ProcEntry> snap = {{1, 0, 'S', 1},      {50, 1, 'S', 5},     {51, 50, 'S', 6},
                                 {100, 1, 'S', 10},   {101, 100, 'S', 11}, {102, 101, 'R', 12},
                                 {103, 100, 'S', 13}, {104, 103, 'Z', 14}};
  EXPECT_EQ(pids(descendants(snap, 100)), (std::vector<pid_t>{101, 102, 103, 104}));
  EXPECT_EQ(pids(descendants(snap, 50)), (std::vector<pid_t>{51}));
  EXPECT_TRUE(descendants(snap, 104).empty());
  EXPECT_TRUE(descendants(snap, 999).empty());
}

TEST(Descendants, ATornSnapshotWithALoopEnds) {
  std::vector<ProcEntry> snap = {
      {100, 1, 'S', 1}, {5, 6, 'S', 2}, {6, 5, 'S', 3}, {7, 100, 'S', 4}, {100, 7, 'S', 5}};
  EXPECT_EQ(pids(descendants(snap, 100)), (std::vector<pid_t>{7}));
}

TEST(Descendants, LiveMeansNeitherZombieNorDead) {
  EXPECT_TRUE(is_live({1, 0, 'S', 0}));
  EXPECT_TRUE(is_live({1, 0, 'D', 0}));
  EXPECT_TRUE(is_live({1, 0, 'T', 0}));
  EXPECT_FALSE(is_live({1, 0, 'Z', 0}));
  EXPECT_FALSE(is_live({1, 0, 'X', 0}));
}

TEST(ProcSnapshot, ReadsEveryNumberedFolderAndSkipsTheRest) {
  auto tmp = TempDir::create("/tmp", "uc-proc-");
  ASSERT_TRUE(tmp);
  std::string d = tmp->path();
  for (auto [name, text] :
       std::vector<std::pair<std::string, std::string>>{{"1", stat_line(1, "init", 'S', 0, 1)},
                                                        {"42", stat_line(42, "sh", 'R', 1, 7)},
                                                        {"self", stat_line(42, "sh", 'R', 1, 7)},
                                                        {"77", "garbage"}}) {
    ASSERT_TRUE(make_dirs(d + "/" + name, 0755));
    ASSERT_TRUE(write_file_atomic(d + "/" + name + "/stat", text));
  }
  ASSERT_TRUE(make_dirs(d + "/88", 0755));  // ended between the listing and the read
  auto snap = read_proc_snapshot(d);
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap[0], (ProcEntry{1, 0, 'S', 1}));
  EXPECT_EQ(snap[1], (ProcEntry{42, 1, 'R', 7}));
}

TEST(ProcSnapshot, TheRealProcShowsThisProcessUnderItsParent) {
  auto snap = read_proc_snapshot();
  auto me = std::find_if(snap.begin(), snap.end(),
                         [](const ProcEntry& e) { return e.pid == ::getpid(); });
  ASSERT_NE(me, snap.end());
  EXPECT_EQ(me->ppid, ::getppid());
  EXPECT_EQ(me->state, 'R');
}

}  // namespace
}  // namespace uc::agent
