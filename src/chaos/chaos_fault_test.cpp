#include "chaos/chaos_fault.h"

#include <gtest/gtest.h>

#include "wire/control_protocol.h"

namespace uc::chaos {
namespace {

// The requests a chaos run sends, byte for byte as before the fault table: a supervisor
// of the previous version reads them.
TEST(ChaosFault, EachPlannedFaultIsTheRequestItAlwaysWas) {
  auto bytes = [](const PlannedFault& f) {
    return control::encode(control::request_for(*to_fault(f)));
  };
  EXPECT_EQ(bytes({41, 0, "crash", "node1", {}, 0, 0, 0}), R"({"node":"node1","op":"crash"})");
  EXPECT_EQ(bytes({3, 6.5, "freeze", "node0", {}, 0, 0, 0}),
            R"({"for_ms":6500,"node":"node0","op":"freeze"})");
  EXPECT_EQ(bytes({20.3, 8, "partition", "", {{"node0"}, {"node1", "node2"}}, 0, 0, 0}),
            R"({"for_ms":8000,"groups":[["node0"],["node1","node2"]],"op":"partition"})");
  EXPECT_EQ(
      bytes({60.5, 6.5, "net", "node2", {}, 120, 20, 3.5}),
      R"({"delay_ms":120,"for_ms":6500,"jitter_ms":20,"loss_pct":3.5,"node":"node2","op":"net"})");
  EXPECT_EQ(bytes({9, 5, "disk-stall", "node1", {}, 0, 0, 0}),
            R"({"for_ms":5000,"node":"node1","op":"disk_stall"})");
}

TEST(ChaosFault, KindsAreTheFaultTablesNames) {
  EXPECT_EQ(fault_kinds_list(), "crash, freeze, partition, net, disk-stall, disk-error");
  EXPECT_TRUE(is_fault_kind("disk-stall"));
  EXPECT_TRUE(is_fault_kind("disk-error"));
  EXPECT_FALSE(is_fault_kind("disk-slow"));  // a fault, but not one a schedule plans
  EXPECT_FALSE(is_fault_kind("meteor"));
  EXPECT_FALSE(to_fault({0, 1, "disk-slow", "node0", {}, 0, 0, 0}));
  EXPECT_EQ(
      control::encode(control::request_for(*to_fault({9, 20, "disk-error", "node1", {}, 0, 0, 0}))),
      R"({"for_ms":20000,"node":"node1","op":"disk_error"})");
  EXPECT_TRUE(can_fence("freeze") && can_fence("disk-stall") && can_fence("disk-error"));
  EXPECT_FALSE(can_fence("crash") || can_fence("partition") || can_fence("net"));
}

}  // namespace
}  // namespace uc::chaos
