#include "client/top_view.h"

#include <gtest/gtest.h>

namespace uc::client {
namespace {

TEST(TopView, DecodesLettersArrowsAndPagingKeys) {
  using K = TopKey;
  EXPECT_EQ(decode_keys("q"), std::vector<K>{K::kQuit});
  EXPECT_EQ(decode_keys("\033[A\033[B"), (std::vector<K>{K::kUp, K::kDown}));
  EXPECT_EQ(decode_keys("\033[5~\033[6~"), (std::vector<K>{K::kPageUp, K::kPageDown}));
  EXPECT_EQ(decode_keys("\033[H\033[F\033[1~\033[4~\033OA"),
            (std::vector<K>{K::kHome, K::kEnd, K::kHome, K::kEnd, K::kUp}));
  EXPECT_EQ(decode_keys("cmnjk"),
            (std::vector<K>{K::kSortCpu, K::kSortMemory, K::kSortName, K::kDown, K::kUp}));
  EXPECT_TRUE(decode_keys("\033").empty());
  EXPECT_TRUE(decode_keys("\033[").empty());
  EXPECT_TRUE(decode_keys("xyz\033[Z").empty());
}

TEST(TopView, ScrollingStaysInsideTheRows) {
  // 128 nodes, 20 fit.
  EXPECT_EQ(scroll(0, TopKey::kUp, 128, 20), 0);
  EXPECT_EQ(scroll(0, TopKey::kDown, 128, 20), 1);
  EXPECT_EQ(scroll(0, TopKey::kPageDown, 128, 20), 19);
  EXPECT_EQ(scroll(100, TopKey::kPageDown, 128, 20), 108);
  EXPECT_EQ(scroll(50, TopKey::kEnd, 128, 20), 108);
  EXPECT_EQ(scroll(50, TopKey::kHome, 128, 20), 0);
  EXPECT_EQ(scroll(5, TopKey::kPageUp, 128, 20), 0);
  // Everything fits: nothing moves.
  EXPECT_EQ(scroll(0, TopKey::kDown, 2, 20), 0);
  // The terminal grew: the first row comes back so that the last row is at the bottom.
  EXPECT_EQ(clamp_first(108, 128, 40), 88);
  EXPECT_EQ(visible_rows(40), 33);
  EXPECT_EQ(visible_rows(3), 1);
}

}  // namespace
}  // namespace uc::client
