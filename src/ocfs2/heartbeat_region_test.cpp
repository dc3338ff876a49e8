// The heartbeat block as the kernel writes it, and the region found in a real volume made by
// Debian's mkfs.ocfs2 on the host, read back slot by slot.
#include "ocfs2/heartbeat_region.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <string>

#include "ocfs2/heartbeat_block.h"
#include "sys/files.h"
#include "sys/process.h"

namespace uc::ocfs2 {
namespace {

TEST(HeartbeatBlock, ReadsWhatWasWrittenAndItsCrc) {
  std::array<uint8_t, kHeartbeatSlotBytes> slot{};
  HeartbeatBlock b{.seq = 1764766800,
                   .node = 7,
                   .generation = 0x1122334455667788ULL,
                   .dead_ms = 14000,
                   .crc_ok = true};
  write_heartbeat_block(slot, b);
  EXPECT_EQ(parse_heartbeat_block(slot), b);
  EXPECT_EQ(slot[8], 7);  // hb_node at byte 8, little-endian fields around it
  EXPECT_EQ(slot[16], 0x88);
  slot[100] ^= 1;  // any byte of the slot counts in the crc
  EXPECT_FALSE(parse_heartbeat_block(slot).crc_ok);
}

TEST(HeartbeatBlock, AFreshlyFormattedSlotIsAValidEmptyBlock) {
  std::array<uint8_t, kHeartbeatSlotBytes> zero{};
  auto b = parse_heartbeat_block(zero);
  EXPECT_TRUE(b.crc_ok);  // crc32_le(0) of zeros is 0, as mkfs leaves it
  EXPECT_EQ(b.generation, 0u);
  EXPECT_EQ(b.seq, 0u);
  EXPECT_FALSE(parse_heartbeat_block(std::span<const uint8_t>(zero).first(100)).crc_ok);
}

TEST(HeartbeatBlock, MatchesTheKernelsCrcOfAKnownBlock) {
  // The kernel's crc32_le(0, block, 512) (fs/ocfs2/cluster/heartbeat.c), here computed by
  // another implementation: ~zlib.crc32(block, 0xffffffff) in Python. That the host agrees
  // with real nodes is shown by the integration test reading a running cluster.
  std::array<uint8_t, kHeartbeatSlotBytes> slot{};
  write_heartbeat_block(
      slot, {.seq = 0x6931c5e4, .node = 1, .generation = 0x5cdda7fd1a4ba1efULL, .dead_ms = 14000});
  EXPECT_EQ(heartbeat_crc(slot), 0xbf223e75u);
}

class HeartbeatRegionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/uc-hbregion-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    disk_ = dir_ + "/disk.img";
  }
  void TearDown() override { (void)remove_tree(dir_); }
  std::string dir_, disk_;
};

TEST_F(HeartbeatRegionTest, FindsTheRegionOfARealVolumeAndReadsEachSlot) {
  int fd = ::open(disk_.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, 64 << 20), 0);
  ::close(fd);
  auto mkfs = run_command({"mkfs.ocfs2", "-q", "-F", "-N", "4", "-b", "4K", "-C", "4K",
                           "--cluster-stack=o2cb", "--cluster-name=hbtest", disk_});
  ASSERT_TRUE(mkfs.ok()) << mkfs.error().message;
  auto r = locate_heartbeat_region(disk_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->slots, 255u);  // OCFS2's limit: O2NM_MAX_NODES
  EXPECT_EQ(r->offset % 4096, 0u);
  EXPECT_EQ(r->uuid.size(), 32u);
  // Node 3 beats: its slot, and only its, says so.
  std::array<uint8_t, kHeartbeatSlotBytes> slot{};
  HeartbeatBlock b{.seq = 42, .node = 3, .generation = 9, .dead_ms = 14000, .crc_ok = true};
  write_heartbeat_block(slot, b);
  fd = ::open(disk_.c_str(), O_WRONLY);
  ASSERT_EQ(::pwrite(fd, slot.data(), slot.size(), r->offset + 3 * kHeartbeatSlotBytes),
            static_cast<ssize_t>(slot.size()));
  ::close(fd);
  auto reader = HeartbeatReader::open(disk_, *r);
  ASSERT_TRUE(reader.ok()) << reader.error().message;
  // A slot not in the page cache is asked for and read on a later try (never blocking).
  auto read = [&](uint32_t first, uint32_t count) {
    std::optional<std::vector<HeartbeatBlock>> got;
    for (int i = 0; i < 200 && !got; ++i, ::usleep(i > 1 ? 5000 : 0))
      got = reader->read(first, count);
    return got;
  };
  auto got = read(0, 5);
  ASSERT_TRUE(got.has_value());
  ASSERT_EQ(got->size(), 5u);
  EXPECT_EQ((*got)[3], b);
  EXPECT_EQ((*got)[2].generation, 0u);
  auto tail = read(250, 10);
  ASSERT_TRUE(tail.has_value());
  EXPECT_EQ(tail->size(), 5u);  // clipped to the region
  EXPECT_TRUE(read(255, 1)->empty());
}

TEST_F(HeartbeatRegionTest, AFileThatIsNoVolumeIsAnErrorNamingIt) {
  int fd = ::open(disk_.c_str(), O_CREAT | O_WRONLY, 0600);
  ASSERT_EQ(::ftruncate(fd, 1 << 20), 0);
  ::close(fd);
  auto r = locate_heartbeat_region(disk_);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find(disk_), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace uc::ocfs2
