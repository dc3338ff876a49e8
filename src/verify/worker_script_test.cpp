#include "verify/worker_script.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "sys/files.h"
#include "sys/process.h"
#include "verify/verify_checker.h"
#include "verify/volume_dump.h"
#include "verify/worker_lines.h"

namespace uc::verify {
namespace {

// The real worker under the host's perl, stdout into `out` (a file), stderr into `out`.err.
ChildProcess start_worker(const std::vector<std::string>& args, const std::string& out) {
  auto o = open_file(out, O_WRONLY | O_CREAT | O_TRUNC);
  auto e = open_file(out + ".err", O_WRONLY | O_CREAT | O_TRUNC);
  EXPECT_TRUE(o.ok() && e.ok());
  SpawnOptions so;
  so.argv = {"perl", "-e", worker_script()};
  so.argv.insert(so.argv.end(), args.begin(), args.end());
  so.fds = {{o->get(), 1}, {e->get(), 2}};
  auto c = spawn(so);
  EXPECT_TRUE(c.ok()) << c.error().message;
  return c.ok() ? std::move(*c) : ChildProcess();
}

struct Finished {
  int exit_code = -1;
  std::string out;
  std::string err;
};
Finished finish(ChildProcess& c, const std::string& out) {
  int st = c.wait();
  Finished f;
  f.exit_code = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  if (auto r = read_file(out)) f.out = *r;
  if (auto r = read_file(out + ".err")) f.err = *r;
  return f;
}

Finished run_worker(const std::vector<std::string>& args, const std::string& out) {
  ChildProcess c = start_worker(args, out);
  return finish(c, out);
}

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  size_t pos = 0;
  for (size_t nl; (nl = s.find('\n', pos)) != std::string::npos; pos = nl + 1)
    out.push_back(s.substr(pos, nl - pos));
  return out;
}

class WorkerScript : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = TempDir::create("/tmp", "uc-verify-test-");
    ASSERT_TRUE(t.ok());
    tmp_.emplace(std::move(*t));
    dir_ = tmp_->path() + "/vol";
  }
  std::string out(const std::string& name) const { return tmp_->path() + "/" + name; }
  // What each of `nodes` would read: here they all read the same host directory.
  VerifyReport check(const std::vector<Finished>& runs) {
    VerifyChecker c;
    for (size_t i = 0; i < runs.size(); ++i)
      for (const auto& l : lines_of(runs[i].out)) c.on_worker_line("n" + std::to_string(i), l);
    Finished d = run_worker({"dump", dir_}, out("dump"));
    EXPECT_EQ(d.exit_code, 0) << d.err;
    for (const char* node : {"n0", "n1"}) {
      Status s = c.add_dump(node, d.out);
      EXPECT_TRUE(s.ok()) << s.error().message;
    }
    return c.check();
  }
  std::optional<TempDir> tmp_;
  std::string dir_;
};

TEST_F(WorkerScript, TwoNodesOnOneDirectoryPassThenAFlippedByteFails) {
  ChildProcess a = start_worker({"run", dir_, "n0", "2", "11"}, out("n0"));
  ChildProcess b = start_worker({"run", dir_, "n1", "2", "12"}, out("n1"));
  std::vector<Finished> runs = {finish(a, out("n0")), finish(b, out("n1"))};
  for (const auto& r : runs) {
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    ASSERT_FALSE(r.out.empty());
    EXPECT_EQ(lines_of(r.out).back().rfind("done ", 0), 0u);
  }
  VerifyReport r = check(runs);
  EXPECT_TRUE(r.passed()) << render_text(r);
  for (Kind k : kAllKinds) EXPECT_GE(r.of(k).acknowledged, 5u) << kind_name(k);
  EXPECT_EQ(r.total.unexpected, 0u);
  EXPECT_EQ(r.malformed_lines, 0u);
  for (const char* n : {"n0", "n1"}) {
    EXPECT_EQ(r.workers.at(n).done, r.workers.at(n).acks);
    EXPECT_EQ(r.workers.at(n).errors, 0u);
  }

  auto log = read_file(dir_ + "/log-n0");
  ASSERT_TRUE(log.ok());
  size_t third = log->find('\n', log->find('\n') + 1) + 1;
  (*log)[third + 12] ^= 0x20;
  ASSERT_TRUE(write_file_atomic(dir_ + "/log-n0", *log, 0644).ok());
  VerifyReport bad = check(runs);
  EXPECT_FALSE(bad.passed());
  EXPECT_EQ(bad.of(Kind::log).corrupt, 1u) << render_text(bad);
  ASSERT_FALSE(bad.problems.empty());
  EXPECT_NE(bad.problems[0].find("log-n0 line 3"), std::string::npos) << bad.problems[0];

  Finished again = run_worker({"run", dir_, "n0", "0", "1"}, out("again"));
  uint64_t max_seq = 0;
  for (const auto& l : lines_of(runs[0].out))
    if (auto w = parse_worker_line(l); w && w->type == WorkerLine::Type::op)
      max_seq = std::max(max_seq, w->seq);
  EXPECT_EQ(again.out, fmt::format("start {}\ndone 0\n", max_seq + 1));
}

TEST_F(WorkerScript, SigtermFinishesTheOpAndExitsZero) {
  ChildProcess c = start_worker({"run", dir_, "n0", "60", "5"}, out("n0"));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  c.signal(SIGTERM);
  Finished f = finish(c, out("n0"));
  EXPECT_EQ(f.exit_code, 0) << f.err;
  auto lines = lines_of(f.out);
  ASSERT_GE(lines.size(), 3u);
  EXPECT_EQ(lines.back().rfind("done ", 0), 0u);
  EXPECT_EQ(lines[lines.size() - 2].rfind("ack ", 0), 0u) << lines[lines.size() - 2];
  VerifyReport r = check({f});
  EXPECT_TRUE(r.passed()) << render_text(r);
}

// A crash mid-append leaves lines without their newline; the worker ends them first and
// does not reuse the torn record's id.
TEST_F(WorkerScript, TornTailsAreEndedAndTheirIdsNotReused) {
  ASSERT_TRUE(make_dirs(dir_ + "/files").ok());
  ASSERT_TRUE(write_file_atomic(dir_ + "/log-n0", "R n0 3 log abc", 0644).ok());
  ASSERT_TRUE(write_file_atomic(dir_ + "/shared", std::string("R n1 7 sh\0\0", 11), 0644).ok());
  Finished f = run_worker({"run", dir_, "n0", "1", "9"}, out("n0"));
  ASSERT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(f.out.rfind("start 4\n", 0), 0u);
  VerifyReport r = check({f});
  EXPECT_TRUE(r.passed()) << render_text(r);
  EXPECT_EQ(r.of(Kind::log).unexpected, 1u);
  EXPECT_EQ(r.of(Kind::shared).unexpected, 1u);
  EXPECT_GE(r.of(Kind::log).intact, 5u);
  EXPECT_GE(r.of(Kind::shared).intact, 5u);
}

TEST_F(WorkerScript, DumpIsBinarySafeAndListsOddEntries) {
  ASSERT_TRUE(make_dirs(dir_ + "/files").ok());
  std::string bin("\0\nEND\nF x 3\n\xff", 13);
  ASSERT_TRUE(write_file_atomic(dir_ + "/files/blob", bin, 0644).ok());
  ASSERT_TRUE(write_file_atomic(dir_ + "/odd name", "x", 0644).ok());
  ASSERT_EQ(::symlink("blob", (dir_ + "/files/link").c_str()), 0);
  Finished d = run_worker({"dump", dir_}, out("dump"));
  ASSERT_EQ(d.exit_code, 0) << d.err;
  auto parsed = parse_dump(d.out);
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_EQ(parsed->files.at("files/blob").bytes, bin);
  EXPECT_EQ(parsed->unlisted, (std::vector<std::string>{"files/link", "odd name"}));
  Finished missing = run_worker({"dump", dir_ + "/nope"}, out("dump2"));
  auto p2 = parse_dump(missing.out);
  ASSERT_TRUE(p2.ok());
  EXPECT_FALSE(p2->files.at(".").readable);
}

// The dump format the worker prints, parsed exactly; a damaged dump is refused whole.
TEST(VerifyDump, ParsesFramesAndRefusesDamage) {
  std::string bin = std::string("a\0b\nEND\n", 8);
  auto d = parse_dump("F shared 8\n" + bin + "\nU 2e2e2f78\nE files No such file\nEND\n");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(d->files.at("shared").bytes, bin);
  EXPECT_FALSE(d->files.at("files").readable);
  EXPECT_EQ(d->unlisted, std::vector<std::string>{"../x"});
  for (std::string bad :
       {"", "F shared 3\nabc\n", "F shared 4\nabc\nEND\n", "END\nx", "F ../x 1\na\nEND\n",
        "F files/a/b 1\na\nEND\n", "F shared -1\n\nEND\n", "F shared 99999999999999\nEND\n",
        "F shared 1\na\nF shared 1\na\nEND\n", "U 2\nEND\n", "Q x\nEND\n", "F shared\nEND\n"})
    EXPECT_FALSE(parse_dump(bad).ok()) << bad;
}

TEST_F(WorkerScript, BadArgumentsExitTwo) {
  for (std::vector<std::string> args : {std::vector<std::string>{"run", dir_, "../n", "1", "1"},
                                        {"run", dir_, "n0", "x", "1"},
                                        {"run", dir_, "n0", "1"},
                                        {"dump"},
                                        {"bogus"}}) {
    Finished f = run_worker(args, out("bad"));
    EXPECT_EQ(f.exit_code, 2) << args[0];
    EXPECT_EQ(f.out, "");
  }
}

}  // namespace
}  // namespace uc::verify
