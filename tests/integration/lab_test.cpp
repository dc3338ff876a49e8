// Lab folders (config/lab.h): a folder per node whose files land in its root with owner,
// mode and symlinks kept, startup scripts once the volume is mounted, shutdown scripts at
// `down`, and a failing startup script that fails `up` with what a user needs to know.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "cluster_fixture.h"
#include "sys/files.h"

namespace uc::test {
namespace {

void track(const std::string& cluster) {
  auto st = run_cli({"status", "-n", cluster, "--json"});
  auto s = nlohmann::json::parse(st.out, nullptr, false);
  if (!s.is_discarded())
    for (int p : cluster_pids(s)) g_known_pids.push_back(p);
}

TEST(Lab, FilesLandWithOwnerModeAndLinksAndScriptsRunAtStartAndDown) {
  auto tmp = TempDir::create(scratch(), "lab-");
  ASSERT_TRUE(tmp);
  std::string lab = tmp->path();
  ASSERT_TRUE(write_file_atomic(
      lab + "/cluster.toml",
      "[cluster]\nname = \"labt\"\n\n[[node]]\nname = \"lab0\"\naddress = \"192.168.0.112\"\n\n"
      "[[node]]\nname = \"lab1\"\naddress = \"192.168.0.116\"\n"));
  ASSERT_TRUE(make_dirs(lab + "/lab0/etc", 0755));
  ASSERT_TRUE(make_dirs(lab + "/lab0/opt", 0755));
  ASSERT_TRUE(write_file_atomic(lab + "/lab0/etc/lab-secret", "secret\n", 0600));
  ASSERT_EQ(::chown((lab + "/lab0/etc/lab-secret").c_str(), 1234, 1234), 0);
  ASSERT_EQ(::symlink("lab-secret", (lab + "/lab0/etc/lab-link").c_str()), 0);
  ASSERT_TRUE(write_file_atomic(lab + "/lab0/opt/tool.sh", "#!/bin/sh\necho tool\n", 0755));
  ASSERT_TRUE(write_file_atomic(
      lab + "/shared.startup",
      "flock /cluster/lab.lock sh -c \"echo $(hostname) up >> /cluster/lab.log\"\n"));
  ASSERT_TRUE(
      write_file_atomic(lab + "/lab1.startup", "echo lab1 says hello; touch /cluster/lab1.ran\n"));
  ASSERT_TRUE(write_file_atomic(
      lab + "/shared.shutdown",
      "flock /cluster/lab.lock sh -c \"echo $(hostname) down >> /cluster/lab.log\"\n"));

  auto r = run_cli({"up", lab});
  track("labt");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("lab folder: " + lab), std::string::npos) << r.out;
  r = run_cli({"exec", "-n", "labt", "lab0", "--", "sh", "-c",
               "stat -c '%a %u:%g' /etc/lab-secret; readlink /etc/lab-link; /opt/tool.sh; stat -c "
               "'%u %a' /etc"});
  EXPECT_EQ(r.out, "600 1234:1234\nlab-secret\ntool\n0 755\n") << r.err;
  r = run_cli({"exec", "-n", "labt", "lab1", "--", "sh", "-c",
               "sort /cluster/lab.log; ls /cluster/lab1.ran; ls /opt"});
  EXPECT_EQ(r.out, "lab0 up\nlab1 up\n/cluster/lab1.ran\n") << r.err;
  r = run_cli({"logs", "-n", "labt", "lab1"});
  EXPECT_NE(r.out.find("==== umlcluster: lab lab1.startup (exit 0) ====\nlab1 says hello\n"),
            std::string::npos);

  ASSERT_EQ(run_cli({"down", "-n", "labt"}).code, 0);
  r = run_cli({"up", lab});
  track("labt");
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = run_cli({"exec", "-n", "labt", "lab0", "--", "sort", "/cluster/lab.log"});
  EXPECT_EQ(r.out, "lab0 down\nlab0 up\nlab0 up\nlab1 down\nlab1 up\nlab1 up\n") << r.err;
  EXPECT_EQ(run_cli({"down", "-n", "labt"}).code, 0);
  EXPECT_EQ(run_cli({"destroy", "-n", "labt", "--yes"}).code, 0);
}

TEST(Lab, AFailingStartupScriptFailsUpWithTheNodeTheScriptItsCodeAndLastLines) {
  auto tmp = TempDir::create(scratch(), "lab-");
  ASSERT_TRUE(tmp);
  std::string lab = tmp->path();
  ASSERT_TRUE(write_file_atomic(
      lab + "/cluster.toml",
      "[cluster]\nname = \"labf\"\n\n[[node]]\nname = \"solo\"\naddress = \"192.168.0.112\"\n"));
  ASSERT_TRUE(write_file_atomic(lab + "/solo.startup",
                                "echo checking the service\necho about to fail >&2\nexit 3\n"));
  auto r = run_cli({"up", lab});
  track("labf");
  EXPECT_EQ(r.code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("solo: lab solo.startup failed with exit code 3; its last lines:"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("about to fail"), std::string::npos) << r.err;
  r = run_cli({"up", tmp->path() + "/nothing-here"});
  EXPECT_EQ(r.code, 2);
  run_cli({"down", "-n", "labf"});
  EXPECT_EQ(run_cli({"destroy", "-n", "labf", "--yes"}).code, 0);
}

}  // namespace
}  // namespace uc::test
