#include "wire/fault.h"

#include <gtest/gtest.h>

#include <set>

namespace uc::control {
namespace {

TEST(FaultTable, EveryKindHasOneRowAndANameThatReadsBack) {
  std::set<std::string> names;
  std::set<Op> ops;
  for (const auto& row : kFaultTable) {
    EXPECT_EQ(&fault_info(row.kind), &row);
    EXPECT_EQ(fault_kind_named(row.name), row.kind);
    EXPECT_EQ(fault_kind_of(row.op), row.kind);
    names.insert(row.name);
    ops.insert(row.op);
  }
  EXPECT_EQ(names.size(), std::size(kFaultTable));
  EXPECT_EQ(ops.size(), std::size(kFaultTable));
  EXPECT_EQ(std::string(fault_name(FaultKind::kDiskStall)), "disk-stall");
  EXPECT_FALSE(fault_kind_named("disk_stall"));  // the op's name, not the fault's
  EXPECT_FALSE(fault_kind_of(Op::kThaw));
  EXPECT_FALSE(fault_kind_of(Op::kStatus));
}

TEST(FaultParams, OnlyTheKindsOwnFieldsAreWritten) {
  FaultParams p{{{"a"}, {"b", "c"}}, true, 200, 10, 2.5};
  EXPECT_EQ(params_json(FaultKind::kPartition, p).dump(),
            R"({"groups":[["a"],["b","c"]],"one_way":true})");
  EXPECT_EQ(params_json(FaultKind::kNet, p).dump(),
            R"({"delay_ms":200,"jitter_ms":10,"loss_pct":2.5})");
  EXPECT_EQ(params_json(FaultKind::kDiskSlow, p).dump(), R"({"delay_ms":200})");
  EXPECT_EQ(params_json(FaultKind::kFreeze, p).dump(), "{}");
  EXPECT_EQ(params_json(FaultKind::kDiskStall, p).dump(), "{}");
}

TEST(FaultRecord, RoundTripsAndRefusesBadFields) {
  FaultRecord f{7, FaultKind::kNet, "node1", {{}, false, 200, 0, 1}, 1000, 5000};
  auto back = fault_record_from_json(to_json(f), "f");
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, f);
  f.ends_at_ms.reset();
  EXPECT_TRUE(to_json(f)["ends_at_ms"].is_null());
  EXPECT_EQ(*fault_record_from_json(to_json(f), "f"), f);
  auto bad = [](const char* text) {
    return fault_record_from_json(nlohmann::json::parse(text), "faults[0]");
  };
  EXPECT_EQ(bad(R"({"id":1})").error().message, "faults[0].kind: missing");
  EXPECT_EQ(bad(R"({"kind":"freeze","id":-1})").error().message,
            "faults[0].id: not a count (an integer, 0 or more)");
  EXPECT_EQ(bad(R"({"kind":"partition","params":{"groups":[["a"],"b"]}})").error().message,
            "faults[0].params.groups[1]: not a list of node names");
  EXPECT_FALSE(bad(R"({"kind":"freeze","ends_at_ms":"soon"})"));
  EXPECT_FALSE(bad(R"({"kind":"freeze","params":[]})"));
  EXPECT_FALSE(bad("[]"));
}

}  // namespace
}  // namespace uc::control
