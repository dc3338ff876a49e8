#include "config/cluster_file_fields.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "config/cluster_file.h"

namespace uc {
namespace {

TEST(ClusterFileFields, EveryTableIsDocumentedAndHasItsKeys) {
  std::vector<std::string> tables;
  for (const auto& t : cluster_file_tables()) tables.push_back(t.name);
  EXPECT_EQ(tables, (std::vector<std::string>{"cluster", "defaults", "node", "disk", "o2cb",
                                              "manager", "image"}));
  for (const auto& t : tables) EXPECT_FALSE(keys_of(t).empty()) << t;
  for (const auto& f : cluster_file_fields())
    EXPECT_NE(std::find(tables.begin(), tables.end(), f.table), tables.end())
        << f.table << "." << f.key;
}

TEST(ClusterFileFields, TheParserAcceptsExactlyTheDocumentedKeys) {
  // A key the table documents parses (no "unknown field"); one it does not is refused with
  // the documented list.
  auto c = parse_cluster_toml("[manager]\nboot_parallel = 2\nno_such_key = 1\n", "f.toml", false);
  ASSERT_FALSE(c);
  std::string allowed;
  auto keys = keys_of("manager");
  std::sort(keys.begin(), keys.end());
  for (const auto& k : keys) allowed += (allowed.empty() ? "" : ", ") + k;
  EXPECT_EQ(c.error().message,
            "f.toml:3: manager.no_such_key: unknown field (allowed: " + allowed + ")");
}

}  // namespace
}  // namespace uc
