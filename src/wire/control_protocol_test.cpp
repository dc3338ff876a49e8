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

// The bytes a supervisor of the previous version reads: the new CLI must send exactly these.
TEST(ControlProtocol, RequestBytesArePinned) {
  EXPECT_EQ(encode(Request{Op::kDown}), R"({"op":"down"})");
  Request start{Op::kStart};
  start.nodes = {"node0", "node2"};
  EXPECT_EQ(encode(start), R"({"nodes":["node0","node2"],"op":"start"})");
  Request part{Op::kPartition};
  part.groups = {{"node0"}, {"node1", "node2"}};
  part.one_way = true;
  part.for_ms = 8000;
  EXPECT_EQ(
      encode(part),
      R"({"for_ms":8000,"groups":[["node0"],["node1","node2"]],"one_way":true,"op":"partition"})");
  Request net{Op::kNet};
  net.node = "node1";
  net.delay_ms = 200;
  net.jitter_ms = 20;
  net.loss_pct = 2.5;
  EXPECT_EQ(encode(net),
            R"({"delay_ms":200,"jitter_ms":20,"loss_pct":2.5,"node":"node1","op":"net"})");
  Request stall{Op::kDiskStall};
  stall.node = "node0";
  EXPECT_EQ(encode(stall), R"({"node":"node0","op":"disk_stall"})");
}

TEST(ControlProtocol, BadRequestsAreRefusedWithAReason) {
  EXPECT_FALSE(decode_request("nope"));
  EXPECT_FALSE(decode_request("[]"));
  EXPECT_FALSE(decode_request(""));
  EXPECT_FALSE(decode_request(R"({"op":"start")"));  // cut short
  EXPECT_NE(decode_request(R"({"op":"explode"})").error().message.find("explode"),
            std::string::npos);
  EXPECT_EQ(decode_request(R"({"op":"start","nodes":"node0"})").error().message,
            "nodes: not a list");
  EXPECT_FALSE(decode_request(R"({"op":"start","nodes":[1]})"));
  EXPECT_EQ(decode_request(R"({"op":"freeze"})").error().message, "freeze needs a node");
  EXPECT_FALSE(decode_request(R"({"op":7})"));
  EXPECT_FALSE(decode_request(R"({"op":"freeze","node":"n","for_ms":-1})"));
  EXPECT_FALSE(decode_request(R"({"op":"freeze","node":"n","for_ms":"5"})"));
  EXPECT_FALSE(decode_request(R"({"op":"freeze","node":"n","for_ms":1e300})"));
  EXPECT_FALSE(decode_request(R"({"op":"freeze","node":"n","for_ms":18446744073709551615})"));
  EXPECT_EQ(decode_request(R"({"op":"crash","node":"n","hold":1})").error().message,
            "hold: not true or false");
  EXPECT_FALSE(decode_request(R"({"op":"crash"})"));
  EXPECT_FALSE(decode_request(R"({"op":"net","node":"n","loss_pct":101})"));
  EXPECT_FALSE(decode_request(R"({"op":"partition","groups":[["a"],[1]]})"));
  EXPECT_FALSE(decode_request(R"({"op":"partition","groups":"a"})"));
  EXPECT_FALSE(decode_request("{\"op\":\"ping\",\"x\":" + std::string(100000, '[')));
}

TEST(ControlProtocol, AFaultIsTheRequestThatStartsIt) {
  Fault f{FaultKind::kNet, "node1", 4000, false, {{}, false, 200, 10, 1.5}};
  Request r = request_for(f);
  EXPECT_EQ(r.op, Op::kNet);
  auto back = fault_of(*decode_request(encode(r)));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, f);
  Fault crash{FaultKind::kCrash, "node0", 0, true, {}};
  EXPECT_EQ(*fault_of(request_for(crash)), crash);
  Fault part{FaultKind::kPartition, "", 0, false, {{{"node0"}, {"node1"}}, true, 0, 0, 0}};
  EXPECT_EQ(*fault_of(request_for(part)), part);
  EXPECT_FALSE(fault_of(Request{Op::kThaw}));
  EXPECT_FALSE(fault_of(Request{Op::kHeal}));
}

TEST(ControlProtocol, RepliesAndProgressRoundTrip) {
  Reply r;
  r.started = {"node1"};
  r.status = ClusterStatus{};
  r.status->cluster = "x";
  auto back = decode_reply(encode(r));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back->ok);
  EXPECT_EQ(back->started, r.started);
  EXPECT_EQ(back->status->cluster, "x");
  EXPECT_FALSE(back->faults);
  Reply no;
  no.ok = false;
  no.error = "why";
  EXPECT_EQ(encode(no), R"({"error":"why","ok":false})");
  EXPECT_EQ(decode_reply(encode(no))->error, "why");
  EXPECT_FALSE(decode_reply(R"({"error":"no ok"})")->ok);
  auto p = decode_progress(encode(Progress{"node1", "restarting", "died", "died: crashed"}));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->state, "restarting");
  EXPECT_EQ(p->type, "died");
  EXPECT_EQ(encode(Progress{"n", "running", "", "up"}),
            R"({"message":"up","node":"n","state":"running","type":""})");
  EXPECT_FALSE(decode_progress(R"({"state":"x"})"));
  EXPECT_FALSE(decode_progress(R"({"node":"n","state":3})"));
}

// A reply as the supervisor of the previous version wrote it (its status_json and the
// fault book's to_json): the new CLI reads it, and the new supervisor writes these bytes.
constexpr const char* kOldStatusReply =
    R"({"ok":true,"started":["node1"],"status":{"cluster":"ocfs2","nodes":[{"address":"192.168.0.10",)"
    R"("boot_id":"0f3e","booted_ms":1800,"error":"","guest_boot_ms":1500,"last_cause":"crash",)"
    R"("last_cause_at_ms":1764000000000,"memory_limit_bytes":268435456,"name":"node0","number":0,)"
    R"("pid":4242,"ready_ms":5200,"restart":"on-failure","restarts":1,"started_at_ms":1764000001000,)"
    R"("state":"running","uptime_s":12.5}],"state":"running","subnet":"192.168.0.0/24",)"
    R"("supervisor_pid":100,"switch_pid":101}})";
constexpr const char* kOldFaultsReply =
    R"({"faults":[{"ends_at_ms":null,"id":1,"kind":"freeze","node":"node1","params":{},"started_at_ms":17},)"
    R"({"ends_at_ms":99,"id":2,"kind":"partition","node":"","params":{"groups":[["node0"],["node1"]],)"
    R"("one_way":false},"started_at_ms":18},{"ends_at_ms":null,"id":3,"kind":"net","node":"node0",)"
    R"("params":{"delay_ms":200,"jitter_ms":0,"loss_pct":0.0},"started_at_ms":19},{"ends_at_ms":null,)"
    R"("id":4,"kind":"disk-slow","node":"node0","params":{"delay_ms":50},"started_at_ms":20}],"ok":true})";

TEST(ControlProtocol, RepliesOfThePreviousVersionReadAndAreWrittenByteForByte) {
  auto st = decode_reply(kOldStatusReply);
  ASSERT_TRUE(st) << st.error().message;
  const auto& n = st->status->nodes.at(0);
  EXPECT_EQ(n.pid, 4242);
  EXPECT_DOUBLE_EQ(n.uptime_s, 12.5);
  ASSERT_TRUE(n.run);
  EXPECT_EQ(n.run->restart, "on-failure");
  EXPECT_EQ(n.run->last_cause_at_ms, 1764000000000);
  EXPECT_FALSE(n.costs);
  EXPECT_EQ(encode(*st), kOldStatusReply);

  auto faults = decode_reply(kOldFaultsReply);
  ASSERT_TRUE(faults) << faults.error().message;
  ASSERT_EQ(faults->faults->size(), 4u);
  EXPECT_EQ((*faults->faults)[0].kind, FaultKind::kFreeze);
  EXPECT_FALSE((*faults->faults)[0].ends_at_ms);
  EXPECT_EQ((*faults->faults)[1].ends_at_ms, 99);
  EXPECT_EQ((*faults->faults)[1].params.groups.size(), 2u);
  EXPECT_EQ((*faults->faults)[3].params.delay_ms, 50);
  EXPECT_EQ(encode(*faults), kOldFaultsReply);
}

TEST(ControlProtocol, ABadFieldInAReplyIsAnErrorNamingIt) {
  EXPECT_EQ(decode_reply(R"({"ok":"yes"})").error().message, "ok: not true or false");
  EXPECT_EQ(decode_reply(R"({"ok":true,"status":[]})").error().message, "status: not an object");
  EXPECT_EQ(decode_reply(R"({"ok":true,"status":{"nodes":[{"name":"a"},{"name":"b","pid":"12"}]}})")
                .error()
                .message,
            "status.nodes[1].pid: not an integer");
  EXPECT_EQ(decode_reply(R"({"ok":true,"status":{"nodes":[{"state":"running"}]}})").error().message,
            "status.nodes[0].name: missing");
  EXPECT_EQ(decode_reply(R"({"ok":true,"faults":[{"kind":"meteor"}]})").error().message,
            "faults[0].kind: unknown fault \"meteor\"");
  EXPECT_EQ(decode_reply(R"({"ok":true,"faults":[{"kind":"net","params":{"loss_pct":"x"}}]})")
                .error()
                .message,
            "faults[0].params.loss_pct: not a number");
  EXPECT_FALSE(decode_reply(R"({"ok":true,"status":{"nodes":[{"name":"a","pid":-4}]}})"));
  EXPECT_FALSE(decode_reply(R"({"ok":true,"started":[1]})"));
}

TEST(ControlProtocol, TruncatedAndHostileRepliesNeverThrow) {
  std::string whole = kOldStatusReply;
  for (size_t len = 0; len < whole.size(); ++len)
    EXPECT_FALSE(decode_reply(whole.substr(0, len))) << len;
  std::string bytes = kOldFaultsReply;
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string b = bytes;
    b[i] = static_cast<char>(b[i] ^ 0x5a);
    (void)decode_reply(b);  // any answer, but no exception and no crash
  }
  EXPECT_FALSE(decode_reply("{\"ok\":true,\"status\":" + std::string(200000, '[')));
  EXPECT_FALSE(decode_reply(std::string("\0\xff{", 3)));
}

}  // namespace
}  // namespace uc::control
