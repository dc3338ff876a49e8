#include "verify/verify_checker.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>

#include "verify/worker_lines.h"

namespace uc::verify {
namespace {

std::string rec(const std::string& node, uint64_t seq, Kind k) {
  return make_record_line(node, seq, k, fmt::format("pay{}load{}", seq, kind_name(k)));
}

// Two workers: n0 wrote log 1, shared 2, created 3 and 4 and removed 4; n1 wrote log 1 and
// shared 2. `files` is the volume that holds exactly that.
struct Scenario {
  std::map<std::string, std::string> files = {
      {"log-n0", rec("n0", 1, Kind::log)},
      {"log-n1", rec("n1", 1, Kind::log)},
      {"shared", rec("n0", 2, Kind::shared) + rec("n1", 2, Kind::shared)},
      {"files/n0-3", rec("n0", 3, Kind::create)},
  };
  std::vector<std::pair<std::string, std::string>> lines = {
      {"n0", "start 1"},        {"n0", "op log 1"},     {"n0", "ack log 1"},
      {"n0", "op shared 2"},    {"n0", "ack shared 2"}, {"n0", "op create 3"},
      {"n0", "ack create 3\n"}, {"n0", "op create 4"},  {"n0", "ack create 4"},
      {"n0", "op unlink 4"},    {"n0", "ack unlink 4"}, {"n0", "done 5"},
      {"n1", "op log 1"},       {"n1", "ack log 1"},    {"n1", "op shared 2\r\n"},
      {"n1", "ack shared 2"},   {"n1", "done 2"},
  };

  static std::string dump_of(const std::map<std::string, std::string>& files) {
    VolumeDump d;
    for (const auto& [name, bytes] : files) d.files[name] = DumpFile{true, bytes, ""};
    return encode_dump(d);
  }
  // Both nodes read `files`, unless `n1_files` says what n1 reads.
  VerifyReport check(const std::map<std::string, std::string>* n1_files = nullptr) const {
    VerifyChecker c;
    for (const auto& [node, line] : lines) c.on_worker_line(node, line);
    EXPECT_TRUE(c.add_dump("n0", dump_of(files)).ok());
    EXPECT_TRUE(c.add_dump("n1", dump_of(n1_files ? *n1_files : files)).ok());
    return c.check();
  }
};

TEST(VerifyChecker, AllIntactPasses) {
  VerifyReport r = Scenario().check();
  EXPECT_TRUE(r.passed()) << render_text(r);
  for (Kind k : {Kind::log, Kind::shared, Kind::create}) {
    EXPECT_EQ(r.of(k).acknowledged, 2u) << kind_name(k);
    EXPECT_EQ(r.of(k).intact, 2u) << kind_name(k);
  }
  EXPECT_EQ(r.of(Kind::unlink).intact, 1u);
  EXPECT_EQ(r.total.acknowledged, 7u);
  EXPECT_EQ(r.total.lost + r.total.corrupt + r.total.duplicated + r.total.unexpected, 0u);
  EXPECT_TRUE(r.nodes_agree);
  EXPECT_EQ(r.problem_count, 0u);
  EXPECT_EQ(r.note_count, 0u);
  EXPECT_EQ(r.workers.at("n0").acks, 5u);
  EXPECT_NE(render_text(r).find("PASS"), std::string::npos);
  EXPECT_EQ(to_json(r)["passed"], true);
  EXPECT_EQ(to_json(r)["kinds"]["create"]["intact"], 2);
}

TEST(VerifyChecker, FlippedByteIsCorrupt) {
  Scenario s;
  s.files["shared"][s.files["shared"].size() - 20] ^= 0x01;
  VerifyReport r = s.check();
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.of(Kind::shared).corrupt, 1u);
  EXPECT_EQ(r.of(Kind::shared).intact, 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].find("n1 shared record 2: acknowledged but damaged on n0 (shared line 2"),
            std::string::npos)
      << r.problems[0];
  EXPECT_NE(render_text(r).find("FAIL"), std::string::npos);
}

TEST(VerifyChecker, LostAckedRecord) {
  Scenario s;
  s.files["log-n1"] = "";
  VerifyReport r = s.check();
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.of(Kind::log).lost, 1u);
  ASSERT_FALSE(r.problems.empty());
  EXPECT_EQ(r.problems[0], "n1 log record 1: acknowledged but missing on n0, n1");
}

TEST(VerifyChecker, DuplicateFails) {
  Scenario s;
  s.files["shared"] += rec("n0", 2, Kind::shared);
  VerifyReport r = s.check();
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.of(Kind::shared).duplicated, 1u);
  EXPECT_EQ(r.of(Kind::shared).intact, 2u);
}

TEST(VerifyChecker, UnackedInFlightRecordsAreUnexpectedButPass) {
  Scenario s;
  s.lines.push_back({"n1", "op log 3"});
  s.files["log-n1"] += rec("n1", 3, Kind::log);
  std::string torn = rec("n1", 4, Kind::log);
  s.files["log-n1"] += torn.substr(0, torn.size() - 5);        // cut short, no newline
  s.files["shared"] += std::string("R n1 5 sha\0\0\0\n", 14);  // ended by a later append
  s.files["files/n1-6.tmp"] = "R n1";
  VerifyReport r = s.check();
  EXPECT_TRUE(r.passed()) << render_text(r);
  EXPECT_EQ(r.of(Kind::log).unexpected, 2u);
  EXPECT_EQ(r.of(Kind::shared).unexpected, 1u);
  EXPECT_EQ(r.of(Kind::create).unexpected, 1u);
  EXPECT_EQ(r.note_count, 4u);
  EXPECT_NE(r.notes[0].find("(in flight)"), std::string::npos) << r.notes[0];
}

TEST(VerifyChecker, TornAckedRecordIsCorrupt) {
  Scenario s;
  s.files["log-n1"].pop_back();  // the whole record but its newline
  VerifyReport r = s.check();
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.of(Kind::log).corrupt, 1u);
  EXPECT_NE(r.problems[0].find("torn"), std::string::npos);
}

TEST(VerifyChecker, GarbageMisplacedLinesAndWrongFileContentAreCorrupt) {
  Scenario s;
  s.files["log-n0"] += "hello world\n" + rec("n1", 9, Kind::log);
  s.files["files/n0-3"] = rec("n0", 5, Kind::create);  // a good record, of another file
  VerifyReport r = s.check();
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.of(Kind::log).corrupt, 2u);
  EXPECT_EQ(r.of(Kind::log).intact, 2u);
  EXPECT_EQ(r.of(Kind::create).corrupt, 1u);
}

TEST(VerifyChecker, LostUnlinkAndLostCreate) {
  Scenario s;
  s.files["files/n0-4"] = rec("n0", 4, Kind::create);
  s.files.erase("files/n0-3");
  VerifyReport r = s.check();
  EXPECT_FALSE(r.passed());
  EXPECT_EQ(r.of(Kind::unlink).lost, 1u);
  EXPECT_EQ(r.of(Kind::create).lost, 1u);
  EXPECT_EQ(r.of(Kind::create).intact, 1u);
  EXPECT_EQ(r.problems[1],
            "n0 unlink record 4: acknowledged but files/n0-4 is still there on n0, n1");
}

TEST(VerifyChecker, NodesThatDisagree) {
  Scenario s;
  auto n1 = s.files;
  n1.erase("files/n0-3");
  n1["shared"] += rec("n1", 7, Kind::shared);
  VerifyReport r = s.check(&n1);
  EXPECT_FALSE(r.passed());
  EXPECT_FALSE(r.nodes_agree);
  ASSERT_EQ(r.disagreements.size(), 2u);
  EXPECT_EQ(r.disagreements[0].file, "files/n0-3");
  EXPECT_EQ(r.disagreements[0].versions[1].state, "missing");
  EXPECT_EQ(r.disagreements[0].versions[1].nodes, std::vector<std::string>{"n1"});
  EXPECT_EQ(r.of(Kind::create).lost, 1u);
  EXPECT_EQ(r.of(Kind::shared).unexpected, 1u);
  EXPECT_EQ(to_json(r)["disagreements"][1]["file"], "shared");
}

TEST(VerifyChecker, UnreadableFileAndNoDumpFail) {
  VerifyChecker none;
  none.on_worker_line("n0", "ack log 1");
  EXPECT_FALSE(none.check().passed());
  EXPECT_EQ(none.check().of(Kind::log).acknowledged, 1u);
  VerifyChecker c;
  ASSERT_TRUE(c.add_dump("n0", "E log-n0 Input/output error\nEND\n").ok());
  EXPECT_EQ(c.check().unreadable_files, 1u);
  EXPECT_FALSE(c.check().passed());
  EXPECT_FALSE(c.add_dump("n0", "END\n").ok());
  EXPECT_FALSE(c.add_dump("../x", "END\n").ok());
}

TEST(VerifyChecker, HostileWorkerLinesAreCountedAndIgnored) {
  std::vector<std::string> junk = {"ack log 99999999999999999999999", "op log 18446744073709551616",
                                   "ack log 1 extra", "error log x boom"};
  for (const char* j : {"", "ack", "ack log", "ack log ", "ack log -1", "ack log 0", "ack log 01",
                        "ack log +1", "ack bogus 1", "ack  log 1", "ACK log 1", "done -1", "done",
                        "start 0", "ack log 1\n\n", "error log"})
    junk.push_back(j);
  junk.push_back(std::string("ack log 1\0", 10));
  junk.push_back(std::string("\xff\xfe\x00\x01", 4));
  junk.push_back(std::string(1 << 20, 'a'));
  VerifyChecker c;
  for (const auto& j : junk) c.on_worker_line("n0", j);
  c.on_worker_line("bad/node", "ack log 1");
  c.on_worker_line("", "ack log 1");
  c.on_worker_line("n0", "error log 5 open /x: \x01\xff EIO");
  c.on_worker_line("n0", "op log 9999999999999999999");
  ASSERT_TRUE(c.add_dump("n0", "END\n").ok());
  VerifyReport r = c.check();
  EXPECT_EQ(r.malformed_lines, junk.size() + 2);
  EXPECT_EQ(r.total.acknowledged, 0u);
  EXPECT_EQ(r.workers.at("n0").errors, 1u);
  EXPECT_EQ(r.workers.at("n0").ops, 1u);
  auto e = parse_worker_line("error log 5 open /x: \x01 EIO");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->message, "open /x: ? EIO");
}

TEST(VerifyChecker, SavedJsonLinesReplayLikeTheStream) {
  Scenario s;
  std::string saved;
  for (const auto& [node, line] : s.lines) saved += encode_worker_jsonl(node, line);
  saved += "not json\n{\"node\": 1, \"line\": \"ack log 9\"}\n[]\n\n" +
           encode_worker_jsonl("n0", "\xff junk");
  VerifyChecker c;
  c.load_worker_jsonl(saved);
  ASSERT_TRUE(c.add_dump("n0", Scenario::dump_of(s.files)).ok());
  VerifyReport r = c.check();
  EXPECT_TRUE(r.passed()) << render_text(r);
  EXPECT_EQ(r.total.acknowledged, 7u);
  EXPECT_EQ(r.malformed_lines, 4u);
}

TEST(VerifyRecord, ChecksumAndShapes) {
  EXPECT_EQ(fnv1a32(""), 0x811c9dc5u);
  EXPECT_EQ(fnv1a32("a"), 0xe40c292cu);
  EXPECT_EQ(fnv1a32("foobar"), 0xbf9cf968u);
  std::string line = rec("node-1", 42, Kind::shared);
  line.pop_back();
  auto p = parse_record_line(line);
  EXPECT_EQ(p.shape, Shape::intact);
  EXPECT_EQ(p.id, (RecordId{"node-1", Kind::shared, 42}));
  for (size_t n = 0; n < line.size(); ++n)
    EXPECT_EQ(parse_record_line(line.substr(0, n)).shape, Shape::torn) << n;
  EXPECT_EQ(parse_record_line(line.substr(0, 10) + std::string(3, '\0')).shape, Shape::torn);
  std::string bad = line;
  bad[bad.size() - 1] = bad.back() == '0' ? '1' : '0';
  EXPECT_EQ(parse_record_line(bad).shape, Shape::broken);
  EXPECT_TRUE(parse_record_line(bad).id);
  EXPECT_EQ(parse_record_line(line + " x").shape, Shape::broken);
  EXPECT_EQ(parse_record_line("R n0 1 unlink abcdefgh 00000000").shape, Shape::broken);
}

TEST(VerifyDump, RandomBytesNeverCrash) {
  std::mt19937 rng(7);
  std::string base = Scenario::dump_of(Scenario().files);
  for (int i = 0; i < 3000; ++i) {
    std::string s = base;
    for (int k = 0; k < 1 + i % 5; ++k) s[rng() % s.size()] = static_cast<char>(rng());
    if (i % 7 == 0) s.resize(rng() % s.size());
    VerifyChecker c;
    (void)c.add_dump("n0", s);
    c.on_worker_line("n0", s.substr(0, rng() % 64));
    VerifyReport r = c.check();
    (void)render_text(r);
    (void)to_json(r).dump();
  }
}

}  // namespace
}  // namespace uc::verify
