#include "kernel/patch_set.h"

#include <gtest/gtest.h>

#include "sys/files.h"

namespace uc::kernel {
namespace {

TEST(PatchSeries, ListsOneFileALineInOrderWithCommentsAndBlankLines) {
  auto names = parse_series("# the fixes\n\na.patch   # first\n  b.patch\n", "series");
  ASSERT_TRUE(names) << names.error().message;
  EXPECT_EQ(*names, (std::vector<std::string>{"a.patch", "b.patch"}));
}

TEST(PatchSeries, BadLinesAreNamedWithTheFileAndLine) {
  auto two = parse_series("a.patch\na.patch b.patch\n", "kernel/patches/series");
  ASSERT_FALSE(two);
  EXPECT_EQ(two.error().message,
            "kernel/patches/series line 2: one patch file a line, found \"b.patch\" after "
            "\"a.patch\"");
  auto outside = parse_series("../x.patch\n", "series");
  ASSERT_FALSE(outside);
  EXPECT_NE(outside.error().message.find("series line 1: \"../x.patch\" is not a .patch file"),
            std::string::npos);
  EXPECT_FALSE(parse_series("notes.txt\n", "series"));
  auto twice = parse_series("a.patch\n# again\na.patch\n", "series");
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().message, "series line 3: a.patch is listed twice");
  EXPECT_EQ(parse_series("# nothing\n", "series").error().message, "series: lists no patch");
}

// The project's own series: every file it names is in the folder, and every patch of the
// folder is in it (a new fix is not forgotten by `--patches umlcluster`).
TEST(PatchSeries, TheProjectsSeriesNamesEveryPatchOfItsFolder) {
  std::string dir = std::string(UMLCLUSTER_SOURCE_DIR) + "/kernel/patches";
  auto text = read_file(dir + "/series");
  ASSERT_TRUE(text);
  auto names = parse_series(*text, "series");
  ASSERT_TRUE(names) << names.error().message;
  std::vector<std::string> in_folder;
  for (const auto& f : list_dir(dir))
    if (f.size() > 6 && f.compare(f.size() - 6, 6, ".patch") == 0) in_folder.push_back(f);
  std::sort(in_folder.begin(), in_folder.end());
  auto listed = *names;
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, in_folder);
  EXPECT_EQ(names->front(), "ocfs2-append-stale-eof.patch");
}

TEST(PatchSet, AnUnknownSetIsRefusedWithTheKnownOnes) {
  auto r = patch_set_files("mine");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "--patches mine: no such patch set (known: umlcluster)");
}

}  // namespace
}  // namespace uc::kernel
