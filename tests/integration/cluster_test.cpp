// The default (paper's) cluster on real UML nodes, brought up by the group's environment
// (group_environment.cpp): status, exec on each node, the sandbox and the host untouched.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "cli_runner.h"
#include "cluster_fixture.h"
#include "sys/files.h"

namespace uc::test {
namespace {

TEST(Up, DefaultClusterIsRunning) {
  auto s = status();
  EXPECT_EQ(s["cluster"], "ocfs2");
  ASSERT_EQ(s["nodes"].size(), 2u);
  for (auto& n : s["nodes"]) {
    EXPECT_EQ(n["state"], "running") << n.dump();
    EXPECT_FALSE(n["pids"].empty());
    EXPECT_GT(n["memory_bytes"].get<uint64_t>(), 4u << 20) << n.dump();
    EXPECT_LT(n["memory_bytes"].get<uint64_t>(), 400u << 20) << n.dump();
  }
  EXPECT_EQ(s["nodes"][0]["address"], "192.168.0.112");
  EXPECT_EQ(s["nodes"][1]["address"], "192.168.0.116");
}

TEST(Up, AgainChangesNothing) {
  auto before = cluster_pids(status());
  auto r = run_cli({"up"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("nothing changed"), std::string::npos) << r.out;
  EXPECT_EQ(cluster_pids(status()).front(), before.front());
}

TEST(Exec, HostnameAndAddressOfEachNode) {
  for (auto [node, addr] :
       {std::pair{"node0", "192.168.0.112/24"}, std::pair{"node1", "192.168.0.116/24"}}) {
    auto r = run_cli({"exec", node, "--", "hostname"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, std::string(node) + "\n");
    r = run_cli({"exec", node, "--", "ip", "-4", "-o", "addr", "show", "dev", "eth0"});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find(addr), std::string::npos) << r.out;
  }
}

TEST(Exec, Node0PingsNode1OverTheSwitch) {
  auto r = run_cli({"exec", "node0", "--", "ping", "-c", "3", "-W", "5", "192.168.0.116"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("3 received"), std::string::npos) << r.out;
  r = run_cli({"exec", "node1", "--", "ping", "-c", "1", "-W", "5", "node0"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
}

TEST(Exec, ExitCodeAndStreamsComeBackApart) {
  auto r = run_cli({"exec", "node1", "--", "sh", "-c", "echo to-out; echo to-err >&2; exit 7"});
  EXPECT_EQ(r.code, 7);
  EXPECT_EQ(r.out, "to-out\n");
  EXPECT_EQ(r.err, "to-err\n");
  r = run_cli({"exec", "node0", "--", "false"});
  EXPECT_EQ(r.code, 1);
  r = run_cli({"exec", "node0", "--", "no-such-command"});
  EXPECT_EQ(r.code, 127);
  r = run_cli({"exec", "node0", "--", "sh", "-c", "kill -TERM $$"});
  EXPECT_EQ(r.code, 128 + SIGTERM);
}

TEST(Exec, StdinReachesTheCommand) {
  std::string data;
  std::mt19937 rng(7);
  for (int i = 0; i < 200000; ++i) data.push_back(static_cast<char>(rng()));
  auto r = run_cli({"exec", "node0", "--", "cat"}, data);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(r.out == data) << "got " << r.out.size() << " of " << data.size() << " bytes back";
}

TEST(Exec, UnknownNodeIsUmlclustersError) {
  auto r = run_cli({"exec", "node7", "--", "true"});
  EXPECT_EQ(r.code, 125);
  EXPECT_NE(r.err.find("no node named \"node7\""), std::string::npos) << r.err;
}

TEST(Sandbox, GuestHostfsCannotReadHostFiles) {
  std::string secret = "umlcluster-canary-" + std::to_string(std::random_device{}());
  std::string canary = "/root/umlcluster-canary.txt";
  ASSERT_TRUE(write_file_atomic(canary, secret + "\n", 0600).ok());
  std::string script =
      "mkdir -p /mnt/h1 /mnt/h2 /mnt/h3 /mnt/h4;"
      "mount -t hostfs none /mnt/h1;"
      "mount -t hostfs none /mnt/h2 -o /../../..;"
      "mount -t hostfs none /mnt/h3 -o ../../../root;"
      "mount -t hostfs none /mnt/h4 -o /root;"
      "for d in /mnt/h1 /mnt/h2 /mnt/h3 /mnt/h4; do"
      "  cat $d/root/umlcluster-canary.txt $d/umlcluster-canary.txt $d/etc/shadow 2>/dev/null;"
      "  ls $d 2>/dev/null; done; true";
  auto r = run_cli({"exec", "node0", "--", "sh", "-c", script});
  ::unlink(canary.c_str());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find(secret), std::string::npos) << "the guest read a host file:\n" << r.out;
  EXPECT_EQ(r.out.find("shadow"), std::string::npos);
  // What a guest does see: only its own sandbox (kernel, image, its node directory).
  EXPECT_EQ(r.out.find("\netc\n"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\nhome\n"), std::string::npos) << r.out;
}

TEST(Isolation, HostNetworkIsUntouched) { EXPECT_EQ(host_interfaces(), g_interfaces_before); }

TEST(Isolation, StateIsOwnerOnly) {
  struct stat st;
  ASSERT_EQ(::stat((home() + "/clusters/ocfs2").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
  ASSERT_EQ(::stat((home() + "/clusters/ocfs2/control.sock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
  ASSERT_EQ(::stat((home() + "/clusters/ocfs2/cluster.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u);
}

}  // namespace
}  // namespace uc::test
