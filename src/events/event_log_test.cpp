#include "events/event_log.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "sys/files.h"

namespace uc::cluster {
namespace {

Event ev(int i, const std::string& node = "node0", const std::string& type = "starting") {
  return Event{1795644600000 + i, "ocfs2", node, type, {{"attempt", i}}};
}

std::vector<int> attempts(const std::vector<Event>& events) {
  std::vector<int> out;
  for (const auto& e : events) out.push_back(e.fields.value("attempt", -1));
  return out;
}

std::vector<int> attempts(const std::vector<std::string>& lines) {
  std::vector<int> out;
  for (const auto& l : lines) {
    auto e = parse_event_line(l);
    out.push_back(e ? e->fields.value("attempt", -1) : -1);
  }
  return out;
}

std::vector<int> range(int from, int to) {
  std::vector<int> v;
  for (int i = from; i < to; ++i) v.push_back(i);
  return v;
}

struct EventLogTest : ::testing::Test {
  void SetUp() override {
    auto t = TempDir::create("/tmp", "uc-events-test");
    ASSERT_TRUE(t);
    dir.emplace(std::move(*t));
    path = dir->path() + "/events.jsonl";
  }
  std::optional<TempDir> dir;
  std::string path;
};

TEST_F(EventLogTest, AppendsOneLineEachWithMode0600) {
  EventLog log(path);
  ASSERT_TRUE(log.append(ev(1)));
  ASSERT_TRUE(log.append(ev(2, "", "supervisor_started")));
  auto text = read_file(path);
  ASSERT_TRUE(text);
  EXPECT_EQ(std::count(text->begin(), text->end(), '\n'), 2);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto all = read_events(path, {});
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].type, "supervisor_started");
  EXPECT_EQ((*all)[1].node, "");
}

TEST_F(EventLogTest, RotatesAndKeepsTheNewest) {
  size_t line = event_line(ev(10)).size() + 1;
  EventLog log(path, 3 * line, 2);  // three lines a file, two old files
  for (int i = 10; i < 30; ++i) ASSERT_TRUE(log.append(ev(i)));
  auto files = event_log_files(path);
  ASSERT_EQ(files, (std::vector<std::string>{path + ".2", path + ".1", path}));
  EXPECT_FALSE(path_exists(path + ".3"));
  auto all = read_events(path, {});
  ASSERT_TRUE(all);
  // 20 lines, 3 a file: .2 holds 22-24, .1 25-27, the current file 28 and 29.
  EXPECT_EQ(attempts(*all), range(22, 30));
}

// Two writers on one log (the supervisor and a command), each keeping its file open: when
// one rotates, the other's next line goes to the new file, not the renamed one.
TEST_F(EventLogTest, TwoWritersThatKeepTheFileOpenFollowEachOthersRotations) {
  size_t line = event_line(ev(10)).size() + 1;
  EventLog a(path, 3 * line, 100), b(path, 3 * line, 100);
  for (int i = 10; i < 40; ++i) ASSERT_TRUE((i % 3 == 0 ? b : a).append(ev(i)));
  auto all = read_events(path, {});
  ASSERT_TRUE(all);
  EXPECT_EQ(attempts(*all), range(10, 40));
  for (const auto& f : event_log_files(path)) {
    auto text = read_file(f);
    ASSERT_TRUE(text);
    EXPECT_LE(text->size(), 3 * line) << f;
  }
}

TEST_F(EventLogTest, ALogRemovedUnderAWriterIsMadeAgain) {
  EventLog log(path);
  ASSERT_TRUE(log.append(ev(1)));
  ASSERT_EQ(::unlink(path.c_str()), 0);
  ASSERT_TRUE(log.append(ev(2)));
  EXPECT_EQ(attempts(*read_events(path, {})), (std::vector<int>{2}));
}

TEST(EventLogSize, GrowsWithTheClusterSoThatABringUpFits) {
  EXPECT_EQ(event_log_rotate_bytes(2), 4u << 20);
  EXPECT_EQ(event_log_rotate_bytes(16), 4u << 20);
  EXPECT_EQ(event_log_rotate_bytes(128), 32u << 20);
  EXPECT_EQ(event_log_rotate_bytes(255), 63u * (1 << 20) + (3u << 18));
  EXPECT_EQ(event_log_rotate_bytes(1000), 64u << 20);
}

TEST_F(EventLogTest, KeepZeroStartsAfresh) {
  size_t line = event_line(ev(10)).size() + 1;
  EventLog log(path, 2 * line, 0);
  for (int i = 10; i < 15; ++i) ASSERT_TRUE(log.append(ev(i)));
  EXPECT_EQ(event_log_files(path), (std::vector<std::string>{path}));
  EXPECT_EQ(attempts(*read_events(path, {})), (std::vector<int>{14}));
}

TEST_F(EventLogTest, ReadSkipsBadLinesAndFilters) {
  EventLog log(path);
  ASSERT_TRUE(log.append(ev(1, "node0", "died")));
  {
    Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND));
    std::string junk = "not json\n{\"ts\":\"x\",\"type\":\"died\"}\n\n\xff\xfe\n";
    ASSERT_TRUE(write_all(fd.get(), junk.data(), junk.size()));
  }
  ASSERT_TRUE(log.append(ev(2, "node1", "died")));
  ASSERT_TRUE(log.append(ev(3, "node1", "rejoined")));
  {
    Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND));
    std::string half = "{\"ts\":4,\"type\":\"di";  // a writer killed mid-line
    ASSERT_TRUE(write_all(fd.get(), half.data(), half.size()));
  }
  EXPECT_EQ(attempts(*read_events(path, {})), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(attempts(*read_events(path, {std::nullopt, "node1", {}})), (std::vector<int>{2, 3}));
  EXPECT_EQ(attempts(*read_events(path, {std::nullopt, "", {"died"}})), (std::vector<int>{1, 2}));
  EXPECT_EQ(attempts(*read_events(path, {1795644600002, "", {}})), (std::vector<int>{2, 3}));
}

TEST_F(EventLogTest, MissingLogIsEmptyUnreadableIsAnError) {
  auto none = read_events(path, {});
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  if (::geteuid() == 0) GTEST_SKIP() << "root reads a 0000 file";
  EventLog log(path);
  ASSERT_TRUE(log.append(ev(1)));
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  auto denied = read_events(path, {});
  ASSERT_FALSE(denied);
  EXPECT_NE(denied.error().message.find(path), std::string::npos);
}

TEST_F(EventLogTest, AppendToAMissingDirectoryNamesThePath) {
  EventLog log(dir->path() + "/absent/events.jsonl");
  auto s = log.append(ev(1));
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("absent/events.jsonl"), std::string::npos);
}

TEST_F(EventLogTest, TailFollowsAppendsInWholeLines) {
  EventTail tail(path);
  EXPECT_TRUE(tail.poll().empty());  // no file yet
  EventLog log(path);
  ASSERT_TRUE(log.append(ev(1)));
  ASSERT_TRUE(log.append(ev(2)));
  EXPECT_EQ(attempts(tail.poll()), (std::vector<int>{1, 2}));
  EXPECT_TRUE(tail.poll().empty());
  {
    Fd fd(::open(path.c_str(), O_WRONLY | O_APPEND));
    std::string half = event_line(ev(3));
    ASSERT_TRUE(write_all(fd.get(), half.data(), 10));
    EXPECT_TRUE(tail.poll().empty());  // not a whole line yet
    std::string rest = half.substr(10) + "\n";
    ASSERT_TRUE(write_all(fd.get(), rest.data(), rest.size()));
  }
  EXPECT_EQ(attempts(tail.poll()), (std::vector<int>{3}));
}

TEST_F(EventLogTest, TailSurvivesRotation) {
  size_t line = event_line(ev(10)).size() + 1;
  EventLog log(path, 3 * line, 3);
  ASSERT_TRUE(log.append(ev(10)));
  EventTail tail(path);
  std::vector<int> seen = attempts(tail.poll());
  // Each poll sees the file rotate at most once between polls: nothing lost, nothing twice.
  for (int i = 11; i < 40; ++i) {
    ASSERT_TRUE(log.append(ev(i)));
    if (i % 2 == 0)
      for (int a : attempts(tail.poll())) seen.push_back(a);
  }
  for (int a : attempts(tail.poll())) seen.push_back(a);
  EXPECT_EQ(seen, range(10, 40));
}

TEST_F(EventLogTest, TailSurvivesTruncation) {
  EventLog log(path);
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(log.append(ev(i)));
  EventTail tail(path);
  EXPECT_EQ(attempts(tail.poll()), (std::vector<int>{1, 2, 3}));
  ASSERT_EQ(::truncate(path.c_str(), 0), 0);
  ASSERT_TRUE(log.append(ev(4)));
  EXPECT_EQ(attempts(tail.poll()), (std::vector<int>{4}));
}

TEST_F(EventLogTest, TailSurvivesTheFileBeingReplaced) {
  EventLog log(path);
  ASSERT_TRUE(log.append(ev(1)));
  EventTail tail(path);
  EXPECT_EQ(attempts(tail.poll()), (std::vector<int>{1}));
  ASSERT_EQ(::unlink(path.c_str()), 0);
  EXPECT_TRUE(tail.poll().empty());
  ASSERT_TRUE(log.append(ev(2)));
  EXPECT_EQ(attempts(tail.poll()), (std::vector<int>{2}));
  EXPECT_TRUE(tail.holds(path));
  EXPECT_FALSE(tail.holds(path + ".1"));
}

}  // namespace
}  // namespace uc::cluster
