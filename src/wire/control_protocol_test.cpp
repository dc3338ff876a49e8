#include "wire/control_protocol.h"

#include <gtest/gtest.h>

namespace uc::control {
namespace {

TEST(ControlProtocol, RequestsRoundTrip) {
  Request r{Op::kStart};
  r.nodes = {"node0", "node2"};
  auto back = decode_request(encode(r));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->op, Op::kStart);
  EXPECT_EQ(back->nodes, r.nodes);
  Request f{Op::kFreeze};
  f.node = "node1";
  EXPECT_EQ(decode_request(encode(f))->node, "node1");
  Request c{Op::kCrash};
  c.node = "node1";
  c.hold = true;
  EXPECT_TRUE(decode_request(encode(c))->hold);
  f.for_ms = 5000;
  EXPECT_EQ(decode_request(encode(f))->for_ms, 5000);
  for (auto op : {Op::kPing, Op::kStatus, Op::kSubscribe, Op::kDown})
    EXPECT_EQ(decode_request(encode(Request{op}))->op, op);
}

TEST(ControlProtocol, BadRequestsAreRefusedWithAReason) {
  EXPECT_FALSE(decode_request("nope"));
  EXPECT_FALSE(decode_request("[]"));
  EXPECT_NE(decode_request(R"({"op":"explode"})").error().message.find("explode"), std::string::npos);
  EXPECT_FALSE(decode_request(R"({"op":"start","nodes":"node0"})"));
  EXPECT_FALSE(decode_request(R"({"op":"start","nodes":[1]})"));
  EXPECT_FALSE(decode_request(R"({"op":"freeze"})"));
  EXPECT_FALSE(decode_request(R"({"op":7})"));
  EXPECT_FALSE(decode_request(R"({"op":"freeze","node":"n","for_ms":-1})"));
  EXPECT_FALSE(decode_request(R"({"op":"freeze","node":"n","for_ms":"5"})"));
  EXPECT_FALSE(decode_request(R"({"op":"crash","node":"n","hold":1})"));
  EXPECT_FALSE(decode_request(R"({"op":"crash"})"));
}

TEST(ControlProtocol, RepliesAndProgressRoundTrip) {
  Reply r;
  r.started = {"node1"};
  r.status = {{"cluster", "x"}};
  auto back = decode_reply(encode(r));
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->ok);
  EXPECT_EQ(back->started, r.started);
  EXPECT_EQ(back->status["cluster"], "x");
  Reply no;
  no.ok = false;
  no.error = "why";
  EXPECT_EQ(decode_reply(encode(no))->error, "why");
  EXPECT_FALSE(decode_reply(R"({"ok":"yes"})")->ok);
  auto p = decode_progress(encode(Progress{"node1", "restarting", "died", "died: crashed"}));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->state, "restarting");
  EXPECT_EQ(p->type, "died");
  EXPECT_FALSE(decode_progress(R"({"state":"x"})"));
}

}  // namespace
}  // namespace uc::control
