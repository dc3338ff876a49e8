#include "kernel/kernel_config.h"

#include <gtest/gtest.h>

namespace uc::kernel {
namespace {

DotConfig paper_as_resolved() {
  return parse_dotconfig(paper_fragment() + "CONFIG_FILE_LOCKING=y\n");
}

TEST(KernelConfig, ThePapersFragmentMeetsEveryNodeRequirement) {
  EXPECT_TRUE(unmet_requirements(paper_as_resolved()).empty());
}

TEST(KernelConfig, ThePapersFragmentLeavesRaid6AndXorOut) {
  auto c = parse_dotconfig(paper_fragment());
  EXPECT_FALSE(c.count("RAID6_PQ"));
  EXPECT_FALSE(c.count("XOR_BLOCKS"));
  EXPECT_EQ(c["OCFS2_FS"], "m");
  EXPECT_EQ(c["OCFS2_FS_O2CB"], "m");
  EXPECT_EQ(c["CONFIGFS_FS"], "m");
}

TEST(KernelConfig, TheLabFragmentIsThePapersWithDebugfsNbdDlmAndTheUserStack) {
  std::string lab = lab_fragment();
  EXPECT_EQ(lab.rfind(paper_fragment(), 0), 0u);
  auto c = parse_dotconfig(lab);
  EXPECT_EQ(c["DEBUG_FS"], "y");
  EXPECT_EQ(c["BLK_DEV_NBD"], "y");
  EXPECT_EQ(c["DLM"], "m");
  EXPECT_EQ(c["OCFS2_FS_USERSPACE_CLUSTER"], "m");
  EXPECT_TRUE(unmet_requirements(parse_dotconfig(lab + "CONFIG_FILE_LOCKING=y\n")).empty());
  // What the build checks took: each extra as a set.
  auto sets = fragment_sets(lab_extras());
  ASSERT_EQ(sets.size(), 4u);
  EXPECT_EQ(sets_not_taken(sets, c).size(), 0u);
  c["DLM"] = "n";
  auto missed = sets_not_taken(sets, c);
  ASSERT_EQ(missed.size(), 1u);
  EXPECT_NE(missed[0].find("CONFIG_DLM=m did not take"), std::string::npos);
}

TEST(KernelConfig, AMissingOcfs2OrUbdIsNamedWithItsReason) {
  auto c = paper_as_resolved();
  c["OCFS2_FS"] = "n";
  c.erase("BLK_DEV_UBD");
  auto unmet = unmet_requirements(c);
  ASSERT_EQ(unmet.size(), 2u);
  EXPECT_EQ(unmet[0],
            "CONFIG_BLK_DEV_UBD is not set (needs y): UML's block device: the root image and "
            "the shared disks");
  EXPECT_EQ(unmet[1], "CONFIG_OCFS2_FS is not set (needs y or m): OCFS2 itself");
}

TEST(KernelConfig, ARootFilesystemAsAModuleCannotBoot) {
  auto c = paper_as_resolved();
  c["EXT4_FS"] = "m";
  auto unmet = unmet_requirements(c);
  ASSERT_EQ(unmet.size(), 1u);
  EXPECT_NE(unmet[0].find("CONFIG_EXT4_FS is m (needs y)"), std::string::npos);
}

TEST(KernelConfig, ModularOcfs2NeedsModules) {
  auto c = paper_as_resolved();
  c["MODULES"] = "n";
  auto unmet = unmet_requirements(c);
  ASSERT_EQ(unmet.size(), 1u);
  EXPECT_NE(unmet[0].find("CONFIG_MODULES"), std::string::npos);
  c["OCFS2_FS"] = c["OCFS2_FS_O2CB"] = c["CONFIGFS_FS"] = "y";
  EXPECT_TRUE(unmet_requirements(c).empty());
}

TEST(KernelConfig, DotConfigReadsSetAndUnsetOptions) {
  auto c = parse_dotconfig(
      "#\n# comment\nCONFIG_A=y\n# CONFIG_B is not set\nCONFIG_S=\"x y\"\nCONFIG_N=42\n");
  EXPECT_EQ(c.size(), 4u);
  EXPECT_EQ(c["A"], "y");
  EXPECT_EQ(c["B"], "n");
  EXPECT_EQ(c["S"], "\"x y\"");
  EXPECT_EQ(c["N"], "42");
}

TEST(KernelConfig, SetsTakeEveryKconfigValueKind) {
  for (const char* ok : {"OCFS2_DEBUG_FS=y", "CONFIG_OCFS2_FS=m", "X=n", "LOG_BUF_SHIFT=17",
                         "NR=-1", "PHYS=0x1000", "LOCALVERSION=\"-lab\""}) {
    auto s = parse_set(ok);
    EXPECT_TRUE(s) << ok;
  }
  auto s = parse_set("CONFIG_OCFS2_FS=m");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->option, "OCFS2_FS");
  EXPECT_EQ(s->line(), "CONFIG_OCFS2_FS=m");
  EXPECT_EQ(parse_set("X=n")->line(), "# CONFIG_X is not set");
}

TEST(KernelConfig, BadSetsSayWhatIsWrong) {
  auto no_eq = parse_set("OCFS2_FS");
  ASSERT_FALSE(no_eq);
  EXPECT_NE(no_eq.error().message.find("expected OPTION=VALUE"), std::string::npos);
  auto lower = parse_set("ocfs2=y");
  ASSERT_FALSE(lower);
  EXPECT_NE(lower.error().message.find("not a Kconfig option name"), std::string::npos);
  for (const char* bad : {"A=yes", "A=", "A=\"open", "A=1x", "A=\"a\"b\"", "=y"})
    EXPECT_FALSE(parse_set(bad)) << bad;
}

TEST(KernelConfig, ASetThatKconfigDroppedIsReported) {
  auto c = parse_dotconfig("CONFIG_A=y\n# CONFIG_B is not set\n");
  std::vector<ConfigSet> sets = {*parse_set("A=y"), *parse_set("B=y"), *parse_set("C=m")};
  auto bad = sets_not_taken(sets, c);
  ASSERT_EQ(bad.size(), 2u);
  EXPECT_NE(bad[0].find("CONFIG_B=y did not take: Kconfig made it n"), std::string::npos);
  EXPECT_NE(bad[1].find("CONFIG_C=m did not take: Kconfig made it absent"), std::string::npos);
}

}  // namespace
}  // namespace uc::kernel
