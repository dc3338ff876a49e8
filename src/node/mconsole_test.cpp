#include "node/mconsole.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>

#include "sys/files.h"

namespace uc::node {
namespace {

TEST(Mconsole, RequestLayout) {
  auto r = encode_mconsole_request("cad");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 12u + 512u);
  uint32_t magic, version, len;
  std::memcpy(&magic, r->data(), 4);
  std::memcpy(&version, r->data() + 4, 4);
  std::memcpy(&len, r->data() + 8, 4);
  EXPECT_EQ(magic, 0xcafebabeu);
  EXPECT_EQ(version, 2u);
  EXPECT_EQ(len, 3u);
  EXPECT_EQ(std::string(r->data() + 12, 3), "cad");
  EXPECT_EQ(decode_mconsole_request(*r), "cad");
}

TEST(Mconsole, RequestTooLong) { EXPECT_FALSE(encode_mconsole_request(std::string(600, 'x'))); }

TEST(Mconsole, ReplyRoundTripStripsTheNul) {
  MconsoleReply in{0, true, "OK 6.1.176"};
  auto bytes = encode_mconsole_reply(in);
  auto out = decode_mconsole_reply(bytes);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->err, 0u);
  EXPECT_TRUE(out->more);
  EXPECT_EQ(out->data, "OK 6.1.176");
}

TEST(Mconsole, HostileRepliesAreRejected) {
  EXPECT_FALSE(decode_mconsole_reply("short"));
  auto bytes = encode_mconsole_reply({1, false, "err"});
  uint32_t huge = 100000;
  std::memcpy(bytes.data() + 8, &huge, 4);
  EXPECT_FALSE(decode_mconsole_reply(bytes));
  std::string wrong_magic = *encode_mconsole_request("halt");
  wrong_magic[0] ^= 1;
  EXPECT_FALSE(decode_mconsole_request(wrong_magic));
}

// A fake UML at a temporary path: it reads one request and answers in two datagrams, as
// the kernel does for `proc` (a "\n" first, then the text).
TEST(Mconsole, ACallGathersAReplyOfSeveralDatagramsWithoutWaiting) {
  auto dir = TempDir::create("/tmp", "uc-mconsole");
  ASSERT_TRUE(dir);
  std::string path = dir->path() + "/mconsole";
  Fd uml(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.data(), path.size());
  ASSERT_EQ(::bind(uml.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);

  auto call = MconsoleCall::start(path, "proc sys/kernel/random/boot_id");
  ASSERT_TRUE(call) << call.error().message;
  EXPECT_FALSE(call->on_readable());  // nothing yet: it returns at once
  char buf[1024];
  sockaddr_un from{};
  socklen_t len = sizeof from;
  ssize_t n = ::recvfrom(uml.get(), buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &len);
  ASSERT_GT(n, 0);
  EXPECT_EQ(decode_mconsole_request(std::string_view(buf, static_cast<size_t>(n))),
            "proc sys/kernel/random/boot_id");
  for (auto& part : {MconsoleReply{0, true, "\n"}, MconsoleReply{0, false, "ab-cd\n"}}) {
    auto bytes = encode_mconsole_reply(part);
    ASSERT_GT(
        ::sendto(uml.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&from), len),
        0);
  }
  pollfd p{call->fd(), POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 2000), 1);
  ASSERT_TRUE(call->on_readable());
  EXPECT_FALSE(call->failed());
  EXPECT_EQ(call->reply().data, "\nab-cd\n");
}

TEST(Mconsole, ACallToNoKernelFailsAtOnce) {
  EXPECT_FALSE(MconsoleCall::start("/nonexistent/uml/mconsole", "cad"));
}

}  // namespace
}  // namespace uc::node
