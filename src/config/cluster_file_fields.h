// Every field of the cluster file with its default, limits and meaning: the parser takes the
// keys it accepts from this table, and umlcluster.toml(5) is generated from it
// (cli/generated_docs.h), so a field
// cannot be read without being documented, nor documented without being read.
#pragma once

#include <string>
#include <vector>

namespace uc {

struct FieldDoc {
  const char* table;  // cluster, defaults, node, disk, o2cb, manager, image
  const char* key;
  const char* type;      // string, integer, size, list of strings
  const char* fallback;  // the default, as the user would write it or say it
  const char* doc;       // its meaning and limits
};

struct TableDoc {
  const char* name;
  const char* header;  // as it is written: [cluster], [[node]]
  const char* doc;
};

const std::vector<FieldDoc>& cluster_file_fields();
const std::vector<TableDoc>& cluster_file_tables();
// The keys of one table, in the table's order.
std::vector<std::string> keys_of(const std::string& table);

}  // namespace uc
