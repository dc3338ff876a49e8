// A seeded chaos run (every kind of fault in turn, verify writing throughout) and the
// checker shown able to fail: a byte of an acknowledged record flipped on the host's disk
// image is reported corrupt by `verify --check`.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster_fixture.h"
#include "event_helpers.h"
#include "verify_helpers.h"

namespace uc::test {
namespace {

TEST(Chaos, TheSameSeedGivesTheSameSchedule) {
  auto a = run_cli(
      {"chaos", "--dry-run", "--json", "--seed", "11", "--duration", "60", "--interval", "12"});
  auto b = run_cli(
      {"chaos", "--dry-run", "--json", "--seed", "11", "--duration", "60", "--interval", "12"});
  auto c = run_cli(
      {"chaos", "--dry-run", "--json", "--seed", "12", "--duration", "60", "--interval", "12"});
  ASSERT_EQ(a.code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out, c.out);
  EXPECT_EQ(json::parse(a.out).size(), 4u);
  auto bad = run_cli({"chaos", "--dry-run", "--faults", "crash,flood"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("flood"), std::string::npos) << bad.err;
}

TEST(Chaos, ASeededRunWithEveryKindOfFaultPassesAndWritesItsReport) {
  std::string out = std::string(UMLCLUSTER_TEST_HOME) + "/chaos-report";
  auto r = run_cli({"chaos", "--seed", "3", "--duration", "75", "--interval", "12", "--out", out});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  std::ifstream f(out + "/chaos.json");
  auto j = json::parse(f, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["applied"].size(), 5u) << j["applied"].dump(2);
  std::set<std::string> kinds;
  for (auto& a : j["applied"]) kinds.insert(a["fault"].value("kind", ""));
  EXPECT_EQ(kinds.size(), 5u);
  std::ifstream html(out + "/chaos.html");
  std::string page((std::istreambuf_iterator<char>(html)), {});
  EXPECT_NE(page.find("data-chart=\"throughput\""), std::string::npos);
  EXPECT_NE(page.find("PASS"), std::string::npos);
  wait_all_running(60);
}

// The checker can fail: a byte of an acknowledged record flipped on the host's disk image
// (the cluster down meanwhile) is reported corrupt by `verify --check`.
TEST(Verify, AByteFlippedOnTheHostIsReportedCorrupt) {
  auto r = run_cli({"verify", "--duration", "8", "--json"});
  auto j = expect_verify_passed(r);
  std::string run = j.value("run", "");
  ASSERT_FALSE(run.empty());
  ASSERT_EQ(run_cli({"down"}).code, 0);
  std::string image = std::string(UMLCLUSTER_TEST_HOME) + "/clusters/ocfs2/disks/shared.img";
  int fd = ::open(image.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  // Every copy of node0's log records ("R node0 SEQ log PAYLOAD CHK") gets the first byte
  // of its payload flipped (stale copies in freed blocks too: they do no harm).
  std::vector<char> buf(1 << 20);
  int flipped = 0;
  for (off_t off = 0;; off += static_cast<off_t>(buf.size())) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), off);
    if (n <= 0) break;
    std::string_view v(buf.data(), static_cast<size_t>(n));
    bool changed = false;
    for (size_t at = v.find("R node0 "); at != std::string_view::npos;
         at = v.find("R node0 ", at + 1)) {
      size_t i = at + 8;
      while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
      if (v.substr(i, 5) != " log " || i + 5 >= v.size()) continue;
      buf[i + 5] ^= 0x01;
      changed = true;
      ++flipped;
    }
    if (changed) {
      ASSERT_EQ(::pwrite(fd, buf.data(), static_cast<size_t>(n), off), n);
    }
  }
  ASSERT_GT(flipped, 0) << "no record of node0 in the image";
  ::close(fd);
  ASSERT_EQ(run_cli({"up"}).code, 0);
  auto check = run_cli({"verify", "--check", run, "--json"});
  EXPECT_EQ(check.code, 1) << check.out << check.err;
  auto k = json::parse(check.out, nullptr, false);
  ASSERT_FALSE(k.is_discarded()) << check.out;
  EXPECT_FALSE(k.value("passed", true));
  EXPECT_GE(k["total"].value("corrupt", 0), 1) << k.dump(2);
}

}  // namespace
}  // namespace uc::test
