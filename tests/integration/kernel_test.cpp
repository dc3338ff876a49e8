// `umlcluster kernel build`: a real ARCH=um kernel from Debian's linux-source-6.1 with the
// paper's config (about 5 minutes on 2 cores), booted as node1 of a two-node cluster whose
// node0 runs Debian's kernel; both mount the volume and see each other's files. Then the
// bad inputs, each leaving the kernel cache as it was. The kernel carries a test-only patch
// (tests/data/no-self-fence.patch): its OCFS2 never fences itself, which makes the zombie
// that the host's own fence must stop (one build serves both).
#include <gtest/gtest.h>
#include <signal.h>

#include <future>
#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "cluster_fixture.h"
#include "event_helpers.h"
#include "kernel/patch_set.h"
#include "sys/files.h"

namespace uc::test {
namespace {

std::string manifest(const std::string& name) {
  auto t = read_file(home() + "/kernels/" + name + "/manifest.json");
  return t ? *t : "";
}

// Nothing half-made is left in the cache: no staging or removal folders.
void expect_no_leftovers() {
  for (const auto& e : list_dir(home() + "/kernels")) EXPECT_NE(e[0], '.') << "left behind: " << e;
  for (const auto& e : list_dir(home() + "/kernel-sources"))
    EXPECT_NE(e.rfind(".unpack-", 0), 0u) << "left behind: " << e;
}

// `umlcluster kernel build ARGS` at nice 10: the compile is the suite's one long CPU-bound
// job, and it runs beside other groups' clusters, whose heartbeats have deadlines.
const char* const kNoSelfFence = UMLCLUSTER_SOURCE_DIR "/tests/data/no-self-fence.patch";
// The project's own OCFS2 patches by their set's name (kernel/patches/series): every cluster
// of this suite that runs the CI kernel runs them (the master hint's safety runs: mixed
// kernels, a whole-cluster crash, restarts), and a patch that no longer applies to Debian's
// source fails the build, naming itself and its hunks.
std::string file_name(const std::string& path) { return path.substr(path.rfind('/') + 1); }
std::vector<std::string> ci_kernel_args() {
  return {"--name", "ci", "--patches", "umlcluster", "--patch", kNoSelfFence};
}

RunResult kernel_build(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"nice", "-n", "10", umlcluster_binary(), "kernel", "build"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}

// `up -f tests/data/FILE` of cluster `name`, its pids remembered for the teardown.
RunResult up_from(const std::string& file, const std::string& name) {
  auto r = run_cli({"up", "-f", std::string(UMLCLUSTER_SOURCE_DIR "/tests/data/") + file});
  track_cluster(name);
  return r;
}

class KernelBuild : public ::testing::Test {
 protected:
  // A first build on every run: a "ci" kept from an earlier run would be a cache hit, and
  // its object tree an incremental build; `kernel rm` takes both (it prunes unused trees).
  static void SetUpTestSuite() {
    if (!manifest("ci").empty()) {
      auto rm = run_cli({"kernel", "rm", "ci"});
      ASSERT_EQ(rm.code, 0) << rm.out << rm.err;
    }
    auto args = ci_kernel_args();
    args.push_back("--json");
    built_ = kernel_build(args);
  }
  // The cache as the suite found it (the object tree alone is gigabytes); the cluster that
  // runs it first, if its test stopped before its own `down`.
  static void TearDownTestSuite() {
    for (const char* c : {"mixk", "zomb", "zres", "crsh"})
      if (path_exists(home() + "/clusters/" + c)) {
        track_cluster(c);
        EXPECT_EQ(run_cli({"down", "-n", c}).code, 0);
        EXPECT_EQ(run_cli({"destroy", "-n", c, "--yes"}).code, 0);
      }
    if (!manifest("ci").empty()) {
      auto rm = run_cli({"kernel", "rm", "ci"});
      EXPECT_EQ(rm.code, 0) << rm.out << rm.err;
    }
  }
  static RunResult built_;
};
RunResult KernelBuild::built_;

TEST_F(KernelBuild, ThePaperConfigBuildsFromDebiansSource) {
  ASSERT_EQ(built_.code, 0) << built_.out << built_.err;
  auto j = nlohmann::json::parse(built_.out, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << built_.out;
  EXPECT_EQ(j["name"], "ci");
  EXPECT_EQ(j["config"], "paper");
  EXPECT_TRUE(j["modules"].get<bool>());
  EXPECT_NE(j["release"].get<std::string>().find("-ci"), std::string::npos) << j.dump();
  EXPECT_GT(j["compiled"].get<int>(), 300);
  // The project's OCFS2 patches in the series' order, then the test's own (a patch that no
  // longer applies to Debian's source fails the build above, naming itself and its hunks).
  auto series = read_file(UMLCLUSTER_SOURCE_DIR "/kernel/patches/series");
  ASSERT_TRUE(series);
  auto names = kernel::parse_series(*series, "series");
  ASSERT_TRUE(names);
  ASSERT_EQ(j["patches"].size(), names->size() + 1) << j.dump();
  for (size_t i = 0; i < names->size(); ++i)
    EXPECT_EQ(file_name(j["patches"][i].get<std::string>()), (*names)[i]) << j.dump();
  EXPECT_EQ(file_name(j["patches"].back().get<std::string>()), "no-self-fence.patch");
  // The progress went to stderr, step by step.
  for (const char* step : {"[1/5]", "[2/5]", "[3/5] compiling with", "[4/5]", "[5/5]"})
    EXPECT_NE(built_.err.find(step), std::string::npos) << step << "\n" << built_.err;
  auto list = run_cli({"kernel", "list", "--json"});
  ASSERT_EQ(list.code, 0);
  auto l = nlohmann::json::parse(list.out, nullptr, false);
  ASSERT_TRUE(l.is_array()) << list.out;
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0]["name"], "ci");
}

TEST_F(KernelBuild, TheSameInputsAgainAreACacheHit) {
  ASSERT_EQ(built_.code, 0);
  auto r = kernel_build(ci_kernel_args());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("already built"), std::string::npos) << r.out;
}

TEST_F(KernelBuild, ItBootsBesideDebiansKernelAndBothMountTheVolume) {
  ASSERT_EQ(built_.code, 0);
  auto r = up_from("mixed-kernels.toml", "mixk");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto st = run_cli({"status", "-n", "mixk", "--json"});
  auto s = nlohmann::json::parse(st.out, nullptr, false);
  ASSERT_FALSE(s.is_discarded()) << st.out << st.err;
  EXPECT_EQ(s["volumes"][0]["mounted_on"], (nlohmann::json{"node0", "node1"}));
  auto u0 = run_cli({"exec", "-n", "mixk", "node0", "--", "uname", "-r"});
  auto u1 = run_cli({"exec", "-n", "mixk", "node1", "--", "uname", "-r"});
  EXPECT_EQ(u0.code, 0);
  EXPECT_EQ(u1.code, 0);
  EXPECT_NE(u0.out, u1.out);
  EXPECT_NE(u1.out.find("-ci"), std::string::npos) << u1.out;
  // Its OCFS2 modules came from its own modules disk, not the image's.
  auto mods = run_cli({"exec", "-n", "mixk", "node1", "--", "sh", "-c",
                       "grep -c '^ocfs2 ' /proc/modules; grep ' /usr/lib/modules ' /proc/mounts | "
                       "cut -d' ' -f3,4 | cut -c1-7; "
                       "ls -d /lib/modules/$(uname -r)/kernel/fs/ocfs2"});
  EXPECT_EQ(mods.out, "1\next4 ro\n/lib/modules/" + u1.out.substr(0, u1.out.size() - 1) +
                          "/kernel/fs/ocfs2\n")
      << mods.out << mods.err;
  r = run_cli({"exec", "-n", "mixk", "node1", "--", "sh", "-c", "echo from-built > /cluster/k"});
  EXPECT_EQ(r.code, 0) << r.err;
  r = run_cli({"exec", "-n", "mixk", "node0", "--", "sh", "-c",
               "cat /cluster/k; echo from-debian >> /cluster/k"});
  EXPECT_EQ(r.out, "from-built\n");
  r = run_cli({"exec", "-n", "mixk", "node1", "--", "cat", "/cluster/k"});
  EXPECT_EQ(r.out, "from-built\nfrom-debian\n");
  // A kernel in use is not removed by accident.
  auto rm = run_cli({"kernel", "rm", "ci"});
  EXPECT_EQ(rm.code, 1);
  EXPECT_NE(rm.err.find("used by mixk/node1"), std::string::npos) << rm.err;
  EXPECT_EQ(run_cli({"down", "-n", "mixk"}).code, 0);
  EXPECT_EQ(run_cli({"destroy", "-n", "mixk", "--yes"}).code, 0);
}

// The master hint's first safety run: every node killed while the workload writes (dirty
// journals everywhere); the manager boots them again, the first to mount finds the others'
// journals unlocked and replays them before anyone uses the volume; every acknowledged record
// is there, a node that unmounts and mounts again (its journal lock mastered by another
// node meanwhile) mounts, and fsck.ocfs2 -fn finds nothing.
TEST_F(KernelBuild, AWholeClusterCrashWithDirtyJournalsIsReplayedOnThePatchedKernel) {
  ASSERT_EQ(built_.code, 0);
  auto r = up_from("crash-patched.toml", "crsh");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  auto work = std::async(std::launch::async, [] {
    return run_cli({"verify", "-n", "crsh", "--duration", "25", "--json"});
  });
  ::sleep(10);
  int64_t t0 = now_ms();
  for (const char* n : {"node0", "node1", "node2"})
    for (int p : node_pids("crsh", n)) ::kill(p, SIGKILL);
  auto v = work.get();
  auto j = nlohmann::json::parse(v.out, nullptr, false);
  std::string run = j.is_discarded() ? "" : j.value("run", "");
  ASSERT_FALSE(run.empty()) << v.out << v.err;
  for (const char* n : {"node0", "node1", "node2"})
    ASSERT_TRUE(wait_event("crsh", t0, is(n, "ready"), 180)) << dump(events("crsh", t0));
  auto replayed = wait_event(
      "crsh", t0, [](const json& e) { return e.value("type", "") == "journal_replay_end"; }, 0);
  EXPECT_TRUE(replayed) << dump(events("crsh", t0));
  auto check = run_cli({"verify", "-n", "crsh", "--check", run, "--json"});
  EXPECT_EQ(check.code, 0) << check.out << check.err;
  r = run_cli({"node", "restart", "-n", "crsh", "node0"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto fsck = run_cli({"verify", "-n", "crsh", "--duration", "5", "--fsck", "--json"});
  EXPECT_EQ(fsck.code, 0) << fsck.out << fsck.err;

  // A slot reused by another node: node2 unmounts (its slot S is free; the journal lock it
  // mastered moves), a new node3 mounts and takes S (the lowest free slot), node2 mounts
  // again in another slot.
  const char* dev = "$(awk '$2==\"/cluster\"{print $1}' /proc/mounts)";
  auto slot_of = [&](int number) {  // "" when the node holds no slot
    auto r = run_cli({"exec", "-n", "crsh", "node0", "--", "sh", "-c",
                      std::string("debugfs.ocfs2 -R slotmap ") + dev +
                          " | awk '$2==" + std::to_string(number) + "{print $1}'"});
    return r.out;
  };
  std::string s2 = slot_of(2);
  ASSERT_FALSE(s2.empty());
  auto where = run_cli({"exec", "-n", "crsh", "node2", "--", "sh", "-c",
                        std::string("d=") + dev + "; umount /cluster && echo $d"});
  ASSERT_EQ(where.code, 0) << where.out << where.err;
  std::string node2_dev = where.out.substr(0, where.out.find('\n'));
  EXPECT_EQ(slot_of(2), "");
  r = run_cli({"node", "add", "-n", "crsh", "node3", "--ip", "192.168.0.130"});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  track_cluster("crsh");
  EXPECT_EQ(slot_of(3), s2);
  r = run_cli({"exec", "-n", "crsh", "node2", "--", "mount", "-t", "ocfs2", node2_dev, "/cluster"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  std::string again = slot_of(2);
  EXPECT_FALSE(again.empty());
  EXPECT_NE(again, s2);
  fsck = run_cli({"verify", "-n", "crsh", "--duration", "5", "--fsck", "--json"});
  EXPECT_EQ(fsck.code, 0) << fsck.out << fsck.err;
  EXPECT_EQ(run_cli({"down", "-n", "crsh"}).code, 0);
  EXPECT_EQ(run_cli({"destroy", "-n", "crsh", "--yes"}).code, 0);
}

// node1's kernel never fences itself; its shared disk stalls while its agent answers. The host
// sees its heartbeat stop in the disk file, fences its disk (I/O held) before the survivors
// replay its journal, then powers it off (it runs on); it comes back, verify finds every record.
TEST_F(KernelBuild, AZombieWhoseKernelNeverFencesItselfIsFencedByTheHost) {
  ASSERT_EQ(built_.code, 0);
  auto r = up_from("zombie-kernel.toml", "zomb");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  int64_t t0 = now_ms();
  auto verify = std::async(std::launch::async, [] {
    return run_cli({"verify", "-n", "zomb", "--duration", "60", "--json"});
  });
  ::sleep(3);
  ASSERT_EQ(run_cli({"fault", "disk-stall", "-n", "zomb", "node1", "--for", "40"}).code, 0);
  Match host_fence = [](const json& e) {
    return e.value("node", "") == "node1" && e.value("type", "") == "fenced" &&
           e.value("evidence", "") == "heartbeat";
  };
  auto fenced = wait_event("zomb", t0, host_fence, 60);
  ASSERT_TRUE(fenced) << dump(events("zomb", t0));
  auto died = wait_event("zomb", t0, is("node1", "died"), 30);
  ASSERT_TRUE(died) << dump(events("zomb", t0));
  EXPECT_EQ(died->value("cause", ""), "heartbeat-stalled") << died->dump();
  auto replay = wait_event("zomb", t0, on_a_survivor("node1", "journal_replay_begin"), 60);
  EXPECT_TRUE(replay) << dump(events("zomb", t0));
  if (replay) {
    EXPECT_LT(fenced->value("ts", int64_t{0}), replay->value("ts", int64_t{0}));
  }
  // Its kernel never fenced itself: no reset, no panic.
  EXPECT_FALSE(wait_event("zomb", t0, is("node1", "fence_reset"), 0));
  auto back = wait_event("zomb", t0, is("node1", "rejoined"), 150);
  EXPECT_TRUE(back) << dump(events("zomb", t0));
  auto v = verify.get();
  auto j = nlohmann::json::parse(v.out, nullptr, false);
  EXPECT_EQ(v.code, 0) << v.out << v.err;
  EXPECT_TRUE(!j.is_discarded() && j.value("passed", false)) << v.out;
  if (back)
    std::printf(
        "[ measured ] zombie (no self-fence): disk fenced %.1f s after the stall began "
        "(stalled %.1f s), powered off %.1f s after, survivors' replay %.1f s after the "
        "fence, back %.1f s after the fence\n",
        (fenced->value("ts", int64_t{0}) - t0) / 1000.0 - 3,
        fenced->value("stalled_ms", 0) / 1000.0, secs_between(*fenced, *died),
        replay ? secs_between(*fenced, *replay) : -1.0, secs_between(*fenced, *back));
  EXPECT_EQ(run_cli({"down", "-n", "zomb"}).code, 0);
  auto fsck = run_cli({"fsck", "-n", "zomb"});
  EXPECT_EQ(fsck.code, 0) << fsck.out << fsck.err;
  EXPECT_EQ(run_cli({"destroy", "-n", "zomb", "--yes"}).code, 0);
}

// The host left the stall to OCFS2 (heartbeat_fence = "zombie"); node1's kernel never fenced
// itself; its survivors declared it dead and recovered it. When its disk comes back its
// heartbeat resumes with the same generation: the host fences it on that first beat.
TEST_F(KernelBuild, AZombieBeatAfterItsSurvivorsRecoveredItIsFencedOnTheFirstBeat) {
  ASSERT_EQ(built_.code, 0);
  auto r = up_from("zombie-resume.toml", "zres");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  int64_t t0 = now_ms();
  ASSERT_EQ(run_cli({"fault", "disk-stall", "-n", "zres", "node1", "--for", "22"}).code, 0);
  auto recovered = wait_event("zres", t0, on_a_survivor("node1", "recovery_end"), 60);
  EXPECT_TRUE(recovered) << dump(events("zres", t0));
  auto ended = wait_event("zres", t0, is("node1", "fault_ended"), 60);
  ASSERT_TRUE(ended) << dump(events("zres", t0));
  Match zombie = [](const json& e) {
    return e.value("node", "") == "node1" && e.value("type", "") == "fenced" &&
           e.value("reason", "") == "zombie heartbeat";
  };
  auto fenced = wait_event("zres", t0, zombie, 30);
  ASSERT_TRUE(fenced) << dump(events("zres", t0));
  // On its first resumed beat: beats come every 2 s, the host reads every 0.5 s.
  double after_end = secs_between(*ended, *fenced);
  EXPECT_GE(after_end, 0.0);
  EXPECT_LE(after_end, 4.0);
  if (recovered) {
    EXPECT_LT(recovered->value("ts", int64_t{0}), fenced->value("ts", int64_t{0}));
  }
  auto died = wait_event("zres", t0, is("node1", "died"), 30);
  ASSERT_TRUE(died) << dump(events("zres", t0));
  EXPECT_EQ(died->value("cause", ""), "zombie");
  // The stall itself was left to OCFS2: no fence on a stalled heartbeat.
  EXPECT_FALSE(wait_event(
      "zres", t0,
      [](const json& e) {
        return e.value("type", "") == "fenced" && e.value("evidence", "") == "heartbeat" &&
               e.value("reason", "").rfind("heartbeat stalled", 0) == 0;
      },
      0));
  EXPECT_EQ(run_cli({"down", "-n", "zres"}).code, 0);
  auto fsck = run_cli({"fsck", "-n", "zres"});
  std::printf(
      "[ measured ] zombie beat: fenced %.1f s after its disk came back, %.1f s after the "
      "survivors' recovery; fsck after: exit %d\n",
      after_end, recovered ? secs_between(*recovered, *fenced) : -1.0, fsck.code);
  EXPECT_EQ(run_cli({"destroy", "-n", "zres", "--yes"}).code, 0);
}

TEST_F(KernelBuild, BadInputsSayWhatIsWrongAndChangeNoCachedKernel) {
  ASSERT_EQ(built_.code, 0);
  std::string before = manifest("ci");
  ASSERT_FALSE(before.empty());
  auto tmp = TempDir::create(scratch(), "kernel-test-");
  ASSERT_TRUE(tmp);

  auto r = kernel_build({"--name", "ci", "--source", tmp->path()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("is not a Linux source tree with UML and OCFS2: it has no Makefile"),
            std::string::npos)
      << r.err;

  r = kernel_build({"--name", "ci", "--set", "OCFS2_FS=n"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("CONFIG_OCFS2_FS is not set (needs y or m): OCFS2 itself"),
            std::string::npos)
      << r.err;

  r = kernel_build({"--name", "ci", "--set", "ocfs2=y"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not a Kconfig option name"), std::string::npos) << r.err;

  r = kernel_build(
      {"--name", "ci", "--patch", UMLCLUSTER_SOURCE_DIR "/tests/data/not-applying.patch"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not-applying.patch does not apply"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("fs/ocfs2/file.c"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("Hunk #1 FAILED at 2378"), std::string::npos) << r.err;

  r = kernel_build(
      {"--name", "ci", "--patch", UMLCLUSTER_SOURCE_DIR "/tests/data/compile-error.patch"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("#error umlcluster test: this tree does not compile"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("the whole log: " + home() + "/kernel-builds/ci.log"), std::string::npos)
      << r.err;

  r = kernel_build({"--name", "../x"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("not a kernel name"), std::string::npos) << r.err;

  EXPECT_EQ(manifest("ci"), before);
  expect_no_leftovers();

  // A cluster file naming a kernel that was never built: one error on its line.
  std::string file = tmp->path() + "/c.toml";
  ASSERT_TRUE(write_file_atomic(
      file, "[cluster]\nname = \"nok\"\n\n[defaults]\nkernel = \"built:nope\"\n"));
  r = run_cli({"up", "-f", file});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("no built kernel \"nope\""), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(":5:"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace uc::test
