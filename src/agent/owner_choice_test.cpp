#include "agent/owner_choice.h"

#include <gtest/gtest.h>

namespace uc::agent {
namespace {

// /proc/filesystems of Debian's UML kernel (abridged) and of a `paper` build.
constexpr const char* kDebian =
    "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\nnodev\tcgroup\nnodev\tcgroup2\n\text4\n";
constexpr const char* kPaper = "nodev\tsysfs\nnodev\ttmpfs\nnodev\tproc\n\text4\nnodev\tconfigfs\n";

TEST(OwnerChoice, CgroupWhenInitOnAKernelWithCgroup2) {
  auto c = choose_owner(true, "", kDebian);
  EXPECT_EQ(c.kind, OwnerKind::kCgroup);
  EXPECT_EQ(c.why, "cgroup2");
  EXPECT_EQ(choose_owner(true, "cgroup", kDebian).kind, OwnerKind::kCgroup);
}

TEST(OwnerChoice, TreeWithTheReasonOtherwise) {
  auto paper = choose_owner(true, "", kPaper);
  EXPECT_EQ(paper.kind, OwnerKind::kTree);
  EXPECT_NE(paper.why.find("no cgroup2"), std::string::npos) << paper.why;
  auto asked = choose_owner(true, "tree", kDebian);
  EXPECT_EQ(asked.kind, OwnerKind::kTree);
  EXPECT_NE(asked.why.find("uc.sessions=tree"), std::string::npos) << asked.why;
  auto by_hand = choose_owner(false, "cgroup", kDebian);
  EXPECT_EQ(by_hand.kind, OwnerKind::kTree);
  EXPECT_NE(by_hand.why.find("not the guest's init"), std::string::npos) << by_hand.why;
  // Asking for cgroups does not conjure them.
  EXPECT_EQ(choose_owner(true, "cgroup", kPaper).kind, OwnerKind::kTree);
}

TEST(OwnerChoice, AnUnknownValueIsNamedAndIgnored) {
  auto c = choose_owner(true, "cgroups", kDebian);
  EXPECT_EQ(c.kind, OwnerKind::kCgroup);
  EXPECT_NE(c.why.find("uc.sessions=cgroups ignored"), std::string::npos) << c.why;
}

TEST(OwnerChoice, Cgroup2MustBeAWholeName) {
  EXPECT_TRUE(lists_cgroup2("nodev cgroup2"));
  EXPECT_FALSE(lists_cgroup2("nodev\tcgroup\n"));
  EXPECT_FALSE(lists_cgroup2("nodev\tcgroup2x\n"));
  EXPECT_FALSE(lists_cgroup2(""));
}

}  // namespace
}  // namespace uc::agent
