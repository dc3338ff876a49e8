#include "client/host_capacity.h"

#include <gtest/gtest.h>

namespace uc::client {
namespace {

constexpr uint64_t kMiB = 1ull << 20;

ClusterSpec nodes_of(size_t count, uint64_t memory) {
  ClusterSpec s;
  for (size_t i = 0; i < count; ++i) {
    NodeSpec n;
    n.name = "node" + std::to_string(i);
    n.number = static_cast<int>(i);
    n.memory = memory;
    s.nodes.push_back(n);
  }
  return s;
}

// This machine: 24 GiB, about 22 GiB available, 190,000 threads (pid_max is 32,768).
HostRoom this_host() {
  return {.mem_available = 22000 * kMiB,
          .tasks_running = 300,
          .tasks_max = 32768,
          .node_user_tasks = 0,
          .nproc_limit = 95000};
}

TEST(HostCapacity, BootedNodesTakeTheirBootFigureOrTheirWholeMemoryIfSmaller) {
  auto spec = nodes_of(3, 128 * kMiB);
  spec.nodes[2].memory = 32 * kMiB;
  auto need = cluster_need(spec);
  EXPECT_EQ(need.nodes, 3u);
  EXPECT_EQ(need.booted_bytes, 2 * kBootedNodeBytes + 32 * kMiB);
  EXPECT_EQ(need.most_bytes, 288 * kMiB);
  EXPECT_EQ(need.tasks, 3 * kTasksPerNode);
}

TEST(HostCapacity, The255NodesThatRanHereFitAndSayTheyCouldGrowPastTheHost) {
  EXPECT_FALSE(capacity_note(cluster_need(nodes_of(128, 128 * kMiB)), this_host()));
  auto need = cluster_need(nodes_of(255, 128 * kMiB));
  EXPECT_FALSE(capacity_refusal(need, this_host()));
  ASSERT_TRUE(capacity_note(need, this_host()));
  auto big = cluster_need(nodes_of(255, 1024 * kMiB));
  EXPECT_FALSE(capacity_refusal(big, this_host()));
  auto note = capacity_note(big, this_host());
  ASSERT_TRUE(note);
  EXPECT_EQ(*note,
            "note: the nodes can grow to 261120 MiB in all and the host has 22000 MiB "
            "available: a busy cluster may run the host out of memory");
}

TEST(HostCapacity, ASmallHostIsRefusedWithTheFigures) {
  HostRoom small = this_host();
  small.mem_available = 2000 * kMiB;
  auto why = capacity_refusal(cluster_need(nodes_of(64, 128 * kMiB)), small);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("memory: 64 nodes take about 3072 MiB once booted (48 MiB each at most), "
                      "the host has 2000 MiB available"),
            std::string::npos)
      << *why;
  EXPECT_NE(why->find("--ignore-capacity"), std::string::npos);
  EXPECT_EQ(why->find("tasks:"), std::string::npos);
}

TEST(HostCapacity, TooFewTasksLeftOrTheNodeUsersLimitIsRefused) {
  HostRoom crowded = this_host();
  crowded.tasks_max = 4096;
  crowded.tasks_running = 4056;
  auto why = capacity_refusal(cluster_need(nodes_of(8, 128 * kMiB)), crowded);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("tasks: 8 nodes run about 64 host tasks (8 each), the host has room for "
                      "40 more"),
            std::string::npos)
      << *why;
  HostRoom limited = this_host();
  limited.nproc_limit = 1000;
  limited.node_user_tasks = 950;
  why = capacity_refusal(cluster_need(nodes_of(8, 128 * kMiB)), limited);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("the nodes' user may run 1000 tasks (ulimit -u), other nodes already run "
                      "950"),
            std::string::npos)
      << *why;
  limited.nproc_limit = 0;  // unlimited
  EXPECT_FALSE(capacity_refusal(cluster_need(nodes_of(8, 128 * kMiB)), limited));
}

TEST(HostCapacity, ThisHostsFiguresAreRead) {
  auto room = read_host_room();
  ASSERT_TRUE(room) << room.error().message;
  EXPECT_GT(room->mem_available, 0u);
  EXPECT_GT(room->tasks_running, 0u);
  EXPECT_GT(room->tasks_max, room->tasks_running);
}

}  // namespace
}  // namespace uc::client
