#include "wire/session_messages.h"

#include <gtest/gtest.h>

namespace uc::session {
namespace {

// The bytes agents of every version and a supervisor of the previous version read.
TEST(SessionMessages, BytesArePinned) {
  ExecRequest job;
  job.argv = {"/bin/sh", "-c", "echo hi"};
  EXPECT_EQ(encode(job), R"({"argv":["/bin/sh","-c","echo hi"]})");
  ExecRequest tty{"node0", {"/bin/bash", "-l"}, {}, {{"TERM", "xterm"}}, true, WindowSize{50, 132}};
  EXPECT_EQ(
      encode(tty),
      R"({"argv":["/bin/bash","-l"],"cols":132,"env":{"TERM":"xterm"},"node":"node0","rows":50,"tty":true})");
  ExecRequest read;
  read.node = "node1";
  read.read = {"/proc/loadavg"};
  EXPECT_EQ(encode(read), R"({"node":"node1","read":["/proc/loadavg"]})");
  EXPECT_EQ(encode(SignalRequest{}), R"({"signal":9})");
  EXPECT_EQ(encode(SignalRequest{1}), R"({"signal":1})");
  EXPECT_EQ(encode(WindowSize{24, 80}), R"({"cols":80,"rows":24})");
}

TEST(SessionMessages, RoundTrip) {
  ExecRequest e{"node0", {"ls", "-l"}, {}, {{"A", "b"}}, true, WindowSize{10, 20}};
  EXPECT_EQ(*decode_exec(encode(e)), e);
  // What the CLI of the previous version sent: "tty": false said out loud.
  auto old = decode_exec(R"({"argv":["true"],"node":"node0","tty":false})");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->node, "node0");
  EXPECT_FALSE(old->tty);
  EXPECT_FALSE(old->window);
  EXPECT_EQ(decode_signal(R"({"signal":15})")->signal, 15);
  EXPECT_EQ(decode_signal("{}")->signal, 9);
  EXPECT_EQ(*decode_window_size(encode(WindowSize{61, 200})), (WindowSize{61, 200}));
}

TEST(SessionMessages, BadFieldsAreNamedAndHostileBytesRefused) {
  EXPECT_EQ(decode_exec(R"({"argv":"ls"})").error().message, "argv: not a list");
  EXPECT_EQ(decode_exec(R"({"argv":["ls",1]})").error().message,
            "argv: holds something that is not a string");
  EXPECT_EQ(decode_exec(R"({"env":{"A":1}})").error().message, "env: \"A\" is not a string");
  EXPECT_EQ(decode_exec(R"({"tty":"yes"})").error().message, "tty: not true or false");
  EXPECT_FALSE(decode_exec(R"({"rows":-1})"));
  EXPECT_FALSE(decode_exec(R"({"cols":70000})"));
  EXPECT_FALSE(decode_exec(R"({"node":["x"]})"));
  EXPECT_FALSE(decode_signal(R"({"signal":0})"));
  EXPECT_FALSE(decode_signal(R"({"signal":65})"));
  EXPECT_FALSE(decode_signal(R"({"signal":"KILL"})"));
  EXPECT_FALSE(decode_window_size(R"({"rows":1.5})"));
  std::string whole = encode(ExecRequest{"n", {"a"}, {}, {{"K", "v"}}, true, WindowSize{}});
  for (size_t len = 0; len < whole.size(); ++len)
    EXPECT_FALSE(decode_exec(whole.substr(0, len))) << len;
  EXPECT_FALSE(decode_exec("{\"argv\":" + std::string(100000, '[')));
  EXPECT_FALSE(decode_exec("\xff\xfe"));
}

}  // namespace
}  // namespace uc::session
