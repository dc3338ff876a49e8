#include "config/cluster_file_fields.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "config/cluster_file.h"

namespace uc {
namespace {

TEST(ClusterFileFields, EveryTableHasItsKeysAndTheManPageNamesEachOne) {
  auto man = cluster_file_man_page("test");
  for (const char* table : {"cluster", "defaults", "node", "disk", "o2cb", "manager", "image"}) {
    auto keys = keys_of(table);
    EXPECT_FALSE(keys.empty()) << table;
    for (const auto& k : keys) {
      std::string escaped;
      for (char c : k) escaped += c == '-' ? std::string("\\-") : std::string(1, c);
      EXPECT_NE(man.find(".B " + escaped + "\n"), std::string::npos) << table << "." << k;
    }
  }
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
  EXPECT_EQ(c.error().message, "f.toml:3: manager.no_such_key: unknown field (allowed: " + allowed + ")");
}

}  // namespace
}  // namespace uc
