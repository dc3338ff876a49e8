#include "kernel/kernel_ref.h"

#include <gtest/gtest.h>

#include "sys/fnv_hash.h"

namespace uc::kernel {
namespace {

// Pinned: the cached images' keys were made with these values; a change would orphan them.
TEST(KernelRef, CacheKeysStayAsTheCacheHasThem) {
  EXPECT_EQ(fnv1a_hex(""), "14650fb0739d0383");
  EXPECT_EQ(fnv1a_hex("a"), "44bd8ad473cd9906");
}

TEST(KernelRef, BuiltNamesAndPaths) {
  EXPECT_EQ(built_name("built:paper"), "paper");
  EXPECT_EQ(built_name("built:"), "");
  EXPECT_FALSE(built_name("/usr/bin/linux.uml"));
  EXPECT_FALSE(built_name("paper"));
}

TEST(KernelRef, NameRule) {
  for (const char* ok : {"paper", "default", "ocfs2-append.fix", "a", "K_1"})
    EXPECT_TRUE(valid_kernel_name(ok)) << ok;
  for (const char* bad :
       {"", "-x", ".hidden", "a/b", "a b", "../x", "0123456789012345678901234567890123"})
    EXPECT_FALSE(valid_kernel_name(bad)) << bad;
}

BuildInputs base() {
  return {"tar:/usr/src/linux-source-6.1.tar.xz:1:2", "paper", "CONFIG_A=y\n", {}, {}, 0};
}

TEST(KernelRef, TheBuildKeyChangesWithEachInput) {
  auto k = build_key(base());
  auto other_source = base();
  other_source.source_id = "dir:/src/linux";
  auto other_config = base();
  other_config.config_text = "CONFIG_A=m\n";
  auto with_set = base();
  with_set.sets = {{"B", "y"}};
  auto with_patch = base();
  with_patch.patches = {"--- a\n+++ b\n"};
  auto with_hb = base();
  with_hb.heartbeat_ms = 500;
  for (const auto& in : {other_source, other_config, with_set, with_patch, with_hb})
    EXPECT_NE(build_key(in), k);
  EXPECT_EQ(build_key(base()), k);
  EXPECT_EQ(k.size(), 16u);
}

TEST(KernelRef, TheTreeKeyIgnoresTheConfig) {
  auto a = base(), b = base();
  b.config_text = "CONFIG_A=m\n";
  b.sets = {{"B", "y"}};
  EXPECT_EQ(tree_key(a), tree_key(b));
  b.patches = {"x"};
  EXPECT_NE(tree_key(a), tree_key(b));
}

TEST(KernelRef, PatchOrderAndBoundariesMatter) {
  auto a = base(), b = base(), c = base(), d = base();
  a.patches = {"one", "two"};
  b.patches = {"two", "one"};
  c.patches = {"onetwo"};
  d.patches = {"one", "two"};
  EXPECT_NE(build_key(a), build_key(b));
  EXPECT_NE(build_key(a), build_key(c));
  EXPECT_EQ(build_key(a), build_key(d));
}

}  // namespace
}  // namespace uc::kernel
