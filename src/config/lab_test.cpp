#include "config/lab.h"

#include <gtest/gtest.h>

#include "sys/files.h"
#include "sys/logged_run.h"

namespace uc {
namespace {

TEST(Lab, StepsComeInOrderAndOnlyThoseThatExist) {
  auto tmp = TempDir::create("/tmp", "uc-lab-unit-");
  ASSERT_TRUE(tmp);
  std::string d = tmp->path();
  EXPECT_FALSE(is_lab(d, {"node0"}));
  ASSERT_TRUE(make_dirs(d + "/node0/etc", 0755));
  ASSERT_TRUE(write_file_atomic(d + "/node0/etc/x", "x\n"));
  ASSERT_TRUE(write_file_atomic(d + "/node0.startup", "echo n0\n"));
  ASSERT_TRUE(write_file_atomic(d + "/shared.startup", "echo all\n"));
  ASSERT_TRUE(write_file_atomic(d + "/shared.shutdown", "echo bye\n"));
  EXPECT_TRUE(is_lab(d, {"node0"}));
  EXPECT_TRUE(is_lab(d, {"other"}));  // shared.* counts for every node
  auto up = lab_startup(d, "node0");
  ASSERT_TRUE(up);
  ASSERT_EQ(up->size(), 3u);
  EXPECT_EQ((*up)[0].what, "node0/ (files)");
  EXPECT_EQ((*up)[0].argv.front(), "tar");
  EXPECT_GT((*up)[0].input.size(), 512u);  // a tar stream
  EXPECT_EQ((*up)[1].what, "shared.startup");
  EXPECT_EQ((*up)[1].input, "echo all\n");
  EXPECT_EQ((*up)[2].what, "node0.startup");
  auto other = lab_startup(d, "node1");
  ASSERT_TRUE(other);
  ASSERT_EQ(other->size(), 1u);  // no folder, no script of its own
  auto down = lab_shutdown(d, "node0");
  ASSERT_TRUE(down);
  ASSERT_EQ(down->size(), 1u);
  EXPECT_EQ((*down)[0].argv, (std::vector<std::string>{"timeout", "30", "/bin/sh", "-s"}));
  EXPECT_TRUE(lab_startup("", "node0")->empty());
}

TEST(Lab, AFailureNamesTheNodeTheStepItsCodeAndLastLines) {
  LabStep s{"node0.startup", {}, ""};
  EXPECT_EQ(lab_failure("node0", s, 3, "a\nb\nc\n"),
            "node0: lab node0.startup failed with exit code 3; its last lines:\na\nb\nc");
  EXPECT_EQ(lab_failure("node0", s, 124, ""), "node0: lab node0.startup timed out");
  std::string many;
  for (int i = 0; i < 30; ++i) many += std::to_string(i) + "\n";
  EXPECT_EQ(last_lines(many, 3), "27\n28\n29");
  EXPECT_EQ(last_lines("one", 3), "one");
  EXPECT_EQ(last_lines("", 3), "");
}

}  // namespace
}  // namespace uc
