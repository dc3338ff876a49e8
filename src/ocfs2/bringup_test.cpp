#include "ocfs2/bringup.h"

#include <gtest/gtest.h>

#include <deque>

#include "config/cluster_file.h"

namespace uc::ocfs2 {
namespace {

// Records the steps asked for; the test decides when and how each one ends.
struct FakeRunner : NodeRunner {
  struct Step {
    std::string node, script;
    Done done;
  };
  std::deque<Step> steps;
  std::vector<std::string> ready_nodes, failures;
  void run(const std::string& node, const std::string& script, Done done) override {
    steps.push_back({node, script, std::move(done)});
  }
  void progress(const std::string&, const std::string&, const std::string&) override {}
  void ready(const std::string& node) override { ready_nodes.push_back(node); }
  void failed(const std::string& node, const std::string& why) override {
    failures.push_back(node + ": " + why);
  }
  // Completes every pending step successfully, repeatedly, until none is left.
  void finish_all() {
    while (!steps.empty()) {
      auto s = std::move(steps.front());
      steps.pop_front();
      s.done(0, "", "");
    }
  }
  int count(const std::string& needle) const {
    int n = 0;
    for (auto& s : steps) n += s.script.find(needle) != std::string::npos;
    return n;
  }
};

struct FakeDisks : DiskStore {
  DiskContent content_now = DiskContent::kBlank;
  bool marked = false;
  int marks = 0;
  Result<DiskContent> content(const DiskSpec&) override { return content_now; }
  bool marked_formatted(const DiskSpec&) override { return marked; }
  std::string region(const DiskSpec&) override { return ""; }
  void mark_formatted(const DiskSpec&, const std::string&, const std::string&) override {
    marked = true;
    content_now = DiskContent::kOcfs2;
    ++marks;
  }
};

ClusterSpec two_nodes() { return parse_cluster_toml("", "t", false).value(); }

TEST(Bringup, FormatsABlankDiskOnceAndMountsEverywhere) {
  FakeRunner r;
  FakeDisks d;
  ClusterBringup b(two_nodes(), r, d);
  b.node_booted("node0");
  b.node_booted("node1");
  ASSERT_EQ(r.steps.size(), 2u);  // configure + online on each
  EXPECT_EQ(r.count("o2cb register-cluster ocfs2"), 2);
  auto online0 = std::move(r.steps.front());
  r.steps.pop_front();
  online0.done(0, "", "");
  // node0 is online first: it formats; nothing mounts before that.
  ASSERT_EQ(r.count("mkfs.ocfs2"), 1);
  EXPECT_EQ(r.steps.back().node, "node0");
  auto online1 = std::move(r.steps.front());
  r.steps.pop_front();
  online1.done(0, "", "");
  EXPECT_EQ(r.count("mkfs.ocfs2"), 1);  // node1 waits for the format
  EXPECT_EQ(r.count("mount.ocfs2"), 0);
  r.finish_all();
  EXPECT_EQ(d.marks, 1);
  EXPECT_EQ(r.ready_nodes.size(), 2u);
  EXPECT_TRUE(r.failures.empty());
}

TEST(Bringup, NeverFormatsAFormattedDisk) {
  FakeRunner r;
  FakeDisks d;
  d.content_now = DiskContent::kOcfs2;
  d.marked = true;
  ClusterBringup b(two_nodes(), r, d);
  b.node_booted("node0");
  r.steps.front().done(0, "", "");
  r.steps.pop_front();
  EXPECT_EQ(r.count("mkfs.ocfs2"), 0);
  EXPECT_EQ(r.count("/sbin/mount.ocfs2 /dev/ubdb '/cluster'"), 1);
  r.finish_all();
  EXPECT_EQ(d.marks, 0);
  EXPECT_EQ(r.ready_nodes, std::vector<std::string>{"node0"});
}

TEST(Bringup, RefusesADiskThatWasFormattedButReadsBlank) {
  FakeRunner r;
  FakeDisks d;
  d.marked = true;  // content blank
  ClusterBringup b(two_nodes(), r, d);
  b.node_booted("node0");
  r.finish_all();
  EXPECT_EQ(r.count("mkfs.ocfs2"), 0);
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures[0].find("refusing to format it again"), std::string::npos);
}

TEST(Bringup, RefusesAForeignDisk) {
  FakeRunner r;
  FakeDisks d;
  d.content_now = DiskContent::kOther;
  ClusterBringup b(two_nodes(), r, d);
  b.node_booted("node0");
  r.finish_all();
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures[0].find("not OCFS2"), std::string::npos);
}

TEST(Bringup, OnlineFailureFailsTheNode) {
  FakeRunner r;
  FakeDisks d;
  ClusterBringup b(two_nodes(), r, d);
  b.node_booted("node0");
  r.steps.front().done(1, "", "modprobe: FATAL: Module configfs not found\n");
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_NE(r.failures[0].find("Module configfs not found"), std::string::npos);
  EXPECT_TRUE(r.ready_nodes.empty());
}

TEST(Bringup, AFormatThatDiesWithItsNodeIsTakenUpByAnother) {
  FakeRunner r;
  FakeDisks d;
  ClusterBringup b(two_nodes(), r, d);
  b.node_booted("node0");
  r.steps.front().done(0, "", "");  // node0 online, starts formatting
  r.steps.pop_front();
  ASSERT_EQ(r.count("mkfs.ocfs2"), 1);
  r.steps.clear();  // node0 dies mid-format
  b.node_gone("node0");
  b.node_booted("node1");
  r.steps.front().done(0, "", "");
  r.steps.pop_front();
  EXPECT_EQ(r.count("mkfs.ocfs2"), 1);
  EXPECT_EQ(r.steps.back().node, "node1");
}

// The defect: the dead formatter's failed job used to mark the disk failed, so
// every later node was refused with "disk shared is not usable".
TEST(Bringup, AFormatterKilledWhileTheOthersWaitHandsTheFormatOn) {
  FakeRunner r;
  FakeDisks d;
  ClusterBringup b(two_nodes(), r, d);
  b.node_booted("node0");
  b.node_booted("node1");
  auto online0 = std::move(r.steps.front());
  r.steps.pop_front();
  online0.done(0, "", "");  // node0 formats
  auto online1 = std::move(r.steps.front());
  r.steps.pop_front();
  online1.done(0, "", "");  // node1 waits
  ASSERT_EQ(r.count("mkfs.ocfs2"), 1);
  auto format0 = std::move(r.steps.front());
  r.steps.pop_front();
  d.content_now = DiskContent::kOther;  // it died half way: the disk holds a half-made volume
  b.node_gone("node0");
  format0.done(-1, "", "node0 stopped");  // its job fails after it is gone
  EXPECT_TRUE(r.failures.empty()) << r.failures[0];
  ASSERT_EQ(r.count("mkfs.ocfs2"), 1);
  EXPECT_EQ(r.steps.back().node, "node1");
  EXPECT_EQ(r.steps.back().script.find("blkid"), std::string::npos)
      << "formats over the half-made volume";
  r.finish_all();
  EXPECT_EQ(r.ready_nodes, std::vector<std::string>{"node1"});
  // node0 comes back and mounts what node1 formatted.
  b.node_booted("node0");
  r.finish_all();
  EXPECT_EQ(r.ready_nodes, (std::vector<std::string>{"node1", "node0"}));
  EXPECT_EQ(d.marks, 1);
}

TEST(Bringup, AStepThatEndsAfterItsNodeRebootedIsIgnored) {
  FakeRunner r;
  FakeDisks d;
  d.content_now = DiskContent::kOcfs2;
  d.marked = true;
  ClusterBringup b(two_nodes(), r, d);
  b.node_booted("node0");
  auto old_online = std::move(r.steps.front());
  r.steps.pop_front();
  b.node_gone("node0");
  b.node_booted("node0");  // a new boot
  old_online.done(1, "", "node0 rebooted");
  EXPECT_TRUE(r.failures.empty());
  r.finish_all();
  EXPECT_EQ(r.ready_nodes, std::vector<std::string>{"node0"});
}

TEST(Volume, ClassifiesDiskHeads) {
  std::string blank(1 << 16, '\0');
  EXPECT_EQ(classify_disk_head(blank), DiskContent::kBlank);
  std::string ocfs = blank;
  ocfs.replace(8192, 6, "OCFSV2");  // block 2 of a 4K-block volume
  EXPECT_EQ(classify_disk_head(ocfs), DiskContent::kOcfs2);
  std::string other = blank;
  other[1080] = 0x53;  // something (an ext4 magic, say)
  EXPECT_EQ(classify_disk_head(other), DiskContent::kOther);
}

}  // namespace
}  // namespace uc::ocfs2
