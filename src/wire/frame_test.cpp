#include "wire/frame.h"

#include <gtest/gtest.h>

#include <random>

namespace uc {
namespace {

TEST(Frame, EncodesHeader) {
  std::string f = encode_frame(FrameType::kStdout, 0x01020304, "hi");
  ASSERT_EQ(f.size(), kFrameHeader + 2);
  EXPECT_EQ(f.substr(0, 3), std::string("UC\x0d", 3));
  EXPECT_EQ(f.substr(3, 4), std::string("\x04\x03\x02\x01", 4));
  EXPECT_EQ(f.substr(7, 4), std::string("\x02\x00\x00\x00", 4));
}

TEST(Frame, DecodesAcrossArbitrarySplits) {
  std::string stream;
  for (int i = 0; i < 50; ++i)
    stream += encode_frame(FrameType::kStderr, i, std::string(i * 7, 'a' + i % 26));
  for (size_t chunk : {1u, 3u, 11u, 64u, 4096u}) {
    FrameDecoder d;
    int seen = 0;
    for (size_t off = 0; off < stream.size(); off += chunk) {
      d.feed(std::string_view(stream).substr(off, chunk));
      while (auto f = d.next()) {
        EXPECT_EQ(f->session, static_cast<uint32_t>(seen));
        EXPECT_EQ(f->payload.size(), static_cast<size_t>(seen * 7));
        ++seen;
      }
    }
    EXPECT_EQ(seen, 50);
  }
}

TEST(Frame, SkipsNoiseBeforeAFrame) {
  FrameDecoder d;
  d.feed("console noise UU\r\n");
  d.feed(encode_frame(FrameType::kHello, 0, "{}"));
  auto f = d.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, FrameType::kHello);
  EXPECT_GT(d.skipped_bytes(), 0u);
}

TEST(Frame, OversizedOrUnknownHeadersAreNotFrames) {
  FrameDecoder d;
  std::string bad = encode_frame(FrameType::kStdout, 1, "");
  bad[7] = '\xff';
  bad[8] = '\xff';
  bad[9] = '\xff';  // length ~16M: over the limit
  d.feed(bad);
  std::string unknown = encode_frame(FrameType::kStdout, 1, "");
  unknown[2] = 99;
  d.feed(unknown);
  d.feed(encode_frame(FrameType::kPong, 5, "ok"));
  auto f = d.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, FrameType::kPong);
  EXPECT_EQ(f->payload, "ok");
  EXPECT_FALSE(d.next());
}

// A guest's link takes frames of 64 KiB at most; the CLI's link to its supervisor takes the
// status of a 255-node cluster (92 KB: before, the CLI dropped it and `up` gave up waiting).
TEST(Frame, TheControlLinkTakesAReplyLargerThanAGuestsFrame) {
  std::string status(92 * 1024, 's');
  FrameDecoder guest;
  guest.feed(encode_frame(FrameType::kReply, 7, status));
  EXPECT_FALSE(guest.next());
  FrameDecoder control(kMaxControlPayload);
  control.feed(encode_frame(FrameType::kReply, 7, status));
  auto f = control.next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->session, 7u);
  EXPECT_EQ(f->payload.size(), status.size());
}

TEST(Frame, SurvivesRandomBytes) {
  std::mt19937 rng(42);
  FrameDecoder d;
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 300, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() % 4 == 0 ? 'U' : rng());
    d.feed(junk);
    while (d.next()) {
    }
  }
  d.feed(std::string(kFrameHeader + kMaxPayload, 'x'));
  d.feed(encode_frame(FrameType::kExit, 1, "{}"));
  bool got_exit = false;
  while (auto f = d.next()) got_exit |= f->type == FrameType::kExit;
  EXPECT_TRUE(got_exit);
}

}  // namespace
}  // namespace uc
