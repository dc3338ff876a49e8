// The metrics endpoint: --listen parsing and its refusals, the HTTP exchange on bytes, and
// real round trips over loopback TCP and a unix socket in a temporary directory. Only
// 127.0.0.1 and ::1 are ever used.
#include "metrics/http_endpoint.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <functional>
#include <thread>

#include "metrics/http_exchange.h"
#include "sys/files.h"

namespace uc::metrics {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// ---- --listen ----

TEST(ListenSpec, AcceptsLoopbackOnly) {
  auto a = parse_listen_spec("127.0.0.1:9105");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->kind, ListenSpec::Kind::tcp4);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 9105);
  EXPECT_EQ(a->to_string(), "127.0.0.1:9105");

  auto b = parse_listen_spec("[::1]:9105");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->kind, ListenSpec::Kind::tcp6);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->to_string(), "[::1]:9105");

  auto c = parse_listen_spec("localhost:0");
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->host, "127.0.0.1");
  EXPECT_EQ(c->port, 0);
  EXPECT_TRUE(parse_listen_spec("LocalHost:80"));
  EXPECT_TRUE(parse_listen_spec("127.1.2.3:65535"));
  EXPECT_TRUE(parse_listen_spec("[0:0:0:0:0:0:0:1]:1"));

  auto d = parse_listen_spec("unix:/run/umlcluster/metrics.sock");
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->kind, ListenSpec::Kind::unix_socket);
  EXPECT_EQ(d->path, "/run/umlcluster/metrics.sock");
  EXPECT_EQ(d->to_string(), "unix:/run/umlcluster/metrics.sock");
}

void expect_refused(const char* spec, const char* says) {
  auto r = parse_listen_spec(spec);
  ASSERT_FALSE(r) << spec << " was accepted";
  EXPECT_NE(r.error().message.find(says), std::string::npos) << spec << ": " << r.error().message;
}

TEST(ListenSpec, RefusesEverythingElse) {
  expect_refused("0.0.0.0:9105", "every address");
  expect_refused("[::]:9105", "every address");
  expect_refused(":9105", "every address");
  expect_refused("192.168.0.1:9105", "not a loopback address");
  expect_refused("10.0.0.1:9105", "only on loopback");
  expect_refused("[fe80::1]:9105", "not the loopback address");
  expect_refused("[::ffff:192.168.0.1]:9105", "not the loopback address");
  expect_refused("example.com:9105", "not resolved");
  expect_refused("localhost.example.com:9105", "not resolved");
  expect_refused("127.1:9105", "not resolved");  // inet_aton shorthand is not an address here
  expect_refused("9105", "ADDRESS:PORT");
  expect_refused("", "empty");
  expect_refused("127.0.0.1:", "not a port");
  expect_refused("127.0.0.1:65536", "not a port");
  expect_refused("127.0.0.1:+80", "not a port");
  expect_refused("127.0.0.1:80x", "not a port");
  expect_refused("::1:9105", "brackets");
  expect_refused("[::1]", "[::1]:PORT");
  expect_refused("[::1]9105", "[::1]:PORT");
  expect_refused("unix:", "no path");
  expect_refused(("unix:/" + std::string(200, 'x')).c_str(), "longer than");
}

// ---- the exchange, on bytes ----

std::string render_fixed() { return "up 1\n"; }

TEST(HttpExchange, FindsTheEndOfTheHead) {
  EXPECT_EQ(request_head_end("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 27u);
  EXPECT_EQ(request_head_end("GET / HTTP/1.1\n\nbody"), 16u);
  EXPECT_EQ(request_head_end("GET / HTTP/1.1\r\nHost: x\r\n"), std::string::npos);
  EXPECT_EQ(request_head_end(""), std::string::npos);
}

TEST(HttpExchange, AnswersMetricsRequests) {
  auto r = answer("GET /metrics HTTP/1.1\r\nHost: a\r\n\r\n", render_fixed);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(r.body, "up 1\n");
  EXPECT_EQ(encode(r),
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"
            "Content-Length: 5\r\nConnection: close\r\n\r\nup 1\n");
  EXPECT_EQ(answer("GET / HTTP/1.0\r\n\r\n", render_fixed).status, 200);
  EXPECT_EQ(answer("GET /metrics?name[]=x HTTP/1.1\r\n\r\n", render_fixed).status, 200);

  auto head = answer("HEAD /metrics HTTP/1.1\r\n\r\n", render_fixed);
  EXPECT_EQ(head.status, 200);
  std::string h = encode(head);
  EXPECT_NE(h.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(h.substr(h.size() - 4), "\r\n\r\n");
}

TEST(HttpExchange, RefusesOtherPathsMethodsAndGarbage) {
  EXPECT_EQ(answer("GET /nope HTTP/1.1\r\n\r\n", render_fixed).status, 404);
  EXPECT_EQ(answer("GET /metricsx HTTP/1.1\r\n\r\n", render_fixed).status, 404);
  auto post = answer("POST /metrics HTTP/1.1\r\nContent-Length: 3\r\n\r\n", render_fixed);
  EXPECT_EQ(post.status, 405);
  EXPECT_NE(encode(post).find("Allow: GET, HEAD\r\n"), std::string::npos);
  EXPECT_EQ(answer("DELETE / HTTP/1.1\r\n\r\n", render_fixed).status, 405);
  for (const char* bad :
       {"\r\n\r\n", "GET\r\n\r\n", "GET /metrics\r\n\r\n", "GET  /metrics HTTP/1.1\r\n\r\n",
        "GET metrics HTTP/1.1\r\n\r\n", "G(T /metrics HTTP/1.1\r\n\r\n",
        "GET /metrics FTP/1.1\r\n\r\n", "\x01\x02\x03\n\n", "GET /metrics HTTP/1.1 extra\r\n\r\n"})
    EXPECT_EQ(answer(bad, render_fixed).status, 400) << bad;
  EXPECT_EQ(answer("GET /metrics HTTP/2.0\r\n\r\n", render_fixed).status, 505);
  EXPECT_EQ(encode(too_large()).substr(0, 13), "HTTP/1.1 431 ");
}

TEST(HttpExchange, AFailingRenderIsA500) {
  auto r = answer("GET /metrics HTTP/1.1\r\n\r\n",
                  []() -> std::string { throw std::runtime_error("boom"); });
  EXPECT_EQ(r.status, 500);
  EXPECT_NE(r.body.find("boom"), std::string::npos);
}

// ---- real sockets ----

Fd connect_to(const ListenSpec& s) {
  Fd fd;
  if (s.kind == ListenSpec::Kind::unix_socket) {
    fd.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, s.path.c_str(), sizeof a.sun_path - 1);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return Fd();
  } else if (s.kind == ListenSpec::Kind::tcp6) {
    fd.reset(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(s.port);
    a.sin6_addr = in6addr_loopback;
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return Fd();
  } else {
    fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(s.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return Fd();
  }
  timeval tv{5, 0};  // a hung server fails the test instead of hanging it
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  return fd;
}

// Everything until the server closes; "<timeout>" appended if it did not within 5 s.
std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0)
      out.append(buf, static_cast<size_t>(n));
    else if (n < 0 && errno == EINTR)
      continue;
    else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      return out + "<timeout>";
    else
      return out;
  }
}

void send_all(int fd, const std::string& data) {
  ASSERT_EQ(::send(fd, data.data(), data.size(), MSG_NOSIGNAL), static_cast<ssize_t>(data.size()));
}

std::string ask(const ListenSpec& s, const std::string& request) {
  Fd fd = connect_to(s);
  if (!fd) return "<connect failed>";
  send_all(fd.get(), request);
  return read_all(fd.get());
}

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}

std::string body_of(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

// Serves on a thread until destroyed; the endpoint itself is single-threaded.
class RunningEndpoint {
 public:
  // `body`: what each render adds after a "# scrape N" line.
  explicit RunningEndpoint(
      HttpEndpoint& e, ServeOptions o = {},
      std::function<std::string()> body = [] { return "up 1\n"; })
      : stop_(::eventfd(0, EFD_CLOEXEC)) {
    thread_ = std::thread([this, &e, o, body] {
      auto render = [&] { return fmt::format("# scrape {}\n", ++renders_) + body(); };
      served_ = e.serve(render, stop_.get(), o);
    });
  }
  ~RunningEndpoint() { (void)stop(); }
  Status stop() {
    if (thread_.joinable()) {
      uint64_t one = 1;
      EXPECT_EQ(::write(stop_.get(), &one, sizeof one), 8);
      thread_.join();
    }
    return served_;
  }
  int renders() const { return renders_; }

 private:
  Fd stop_;
  std::thread thread_;
  std::atomic<int> renders_{0};
  Status served_;
};

void round_trip(const ListenSpec& s) {
  std::string ok = ask(s, "GET /metrics HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n");
  EXPECT_EQ(status_line(ok), "HTTP/1.1 200 OK");
  EXPECT_NE(ok.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
            std::string::npos);
  EXPECT_NE(ok.find("Connection: close\r\n"), std::string::npos);
  EXPECT_EQ(body_of(ok).substr(0, 9), "# scrape ");
  EXPECT_NE(body_of(ok).find("up 1\n"), std::string::npos);

  std::string head = ask(s, "HEAD / HTTP/1.0\r\n\r\n");
  EXPECT_EQ(status_line(head), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(head), "");

  EXPECT_EQ(status_line(ask(s, "GET /nope HTTP/1.1\r\n\r\n")), "HTTP/1.1 404 Not Found");
  std::string post = ask(s, "POST /metrics HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(status_line(post), "HTTP/1.1 405 Method Not Allowed");
  EXPECT_EQ(status_line(ask(s, "hello there\r\n\r\n")), "HTTP/1.1 400 Bad Request");
}

TEST(HttpEndpoint, RoundTripOverLoopbackTcp) {
  auto e = HttpEndpoint::listen(*parse_listen_spec("127.0.0.1:0"));
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_NE(e->bound().port, 0);  // the kernel's choice, read back
  RunningEndpoint running(*e);
  round_trip(e->bound());
  EXPECT_GE(running.renders(), 2);  // GET and HEAD render; errors do not
  Status st = running.stop();
  EXPECT_TRUE(st) << st.error().message;
}

TEST(HttpEndpoint, RoundTripOverIpv6Loopback) {
  auto e = HttpEndpoint::listen(*parse_listen_spec("[::1]:0"));
  if (!e) GTEST_SKIP() << "no IPv6 loopback here: " << e.error().message;
  RunningEndpoint running(*e);
  round_trip(e->bound());
}

TEST(HttpEndpoint, APortInUseIsAClearError) {
  auto a = HttpEndpoint::listen(*parse_listen_spec("127.0.0.1:0"));
  ASSERT_TRUE(a) << a.error().message;
  auto b = HttpEndpoint::listen(a->bound());
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message.find(a->bound().to_string()), std::string::npos) << b.error().message;
}

class HttpEndpointUnix : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TempDir::create("/tmp", "uc-metrics-test-");
    ASSERT_TRUE(d) << d.error().message;
    dir_.emplace(std::move(*d));
    path_ = dir_->path() + "/metrics.sock";
  }
  ListenSpec spec() const { return *parse_listen_spec("unix:" + path_); }

  std::optional<TempDir> dir_;
  std::string path_;
};

TEST_F(HttpEndpointUnix, RoundTripAndCleanUp) {
  {
    auto e = HttpEndpoint::listen(spec());
    ASSERT_TRUE(e) << e.error().message;
    struct stat st {};
    ASSERT_EQ(::lstat(path_.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    RunningEndpoint running(*e);
    round_trip(e->bound());
  }
  EXPECT_FALSE(path_exists(path_)) << "the socket outlived its endpoint";
}

TEST_F(HttpEndpointUnix, RefusesToReplaceAFile) {
  ASSERT_TRUE(write_file_atomic(path_, "precious"));
  auto e = HttpEndpoint::listen(spec());
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message.find("not a socket"), std::string::npos) << e.error().message;
  EXPECT_EQ(*read_file(path_), "precious");
}

TEST_F(HttpEndpointUnix, RefusesASocketInUseAndReplacesAStaleOne) {
  {
    auto first = HttpEndpoint::listen(spec());
    ASSERT_TRUE(first) << first.error().message;
    auto second = HttpEndpoint::listen(spec());
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message.find("already listens"), std::string::npos)
        << second.error().message;
    EXPECT_TRUE(path_exists(path_)) << "the failed second endpoint removed the first one's socket";
  }
  // A socket file left by a process that died: bound, nobody listening.
  {
    Fd dead(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::strncpy(a.sun_path, path_.c_str(), sizeof a.sun_path - 1);
    ASSERT_EQ(::bind(dead.get(), reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  }
  auto e = HttpEndpoint::listen(spec());
  ASSERT_TRUE(e) << e.error().message;
  RunningEndpoint running(*e);
  EXPECT_EQ(status_line(ask(e->bound(), "GET /metrics HTTP/1.1\r\n\r\n")), "HTTP/1.1 200 OK");
}

TEST(HttpEndpoint, AnOversizedRequestIsCutOff) {
  auto e = HttpEndpoint::listen(*parse_listen_spec("127.0.0.1:0"));
  ASSERT_TRUE(e) << e.error().message;
  RunningEndpoint running(*e);
  Fd fd = connect_to(e->bound());
  ASSERT_TRUE(fd);
  std::string request = "GET /metrics HTTP/1.1\r\nX-Filler: " + std::string(20000, 'a');
  // The server may stop reading (and close) before all of it is sent; that is the point.
  ::send(fd.get(), request.data(), request.size(), MSG_NOSIGNAL);
  std::string reply = read_all(fd.get());
  EXPECT_EQ(status_line(reply), "HTTP/1.1 431 Request Header Fields Too Large");
  EXPECT_EQ(reply.find("<timeout>"), std::string::npos);
  EXPECT_EQ(running.renders(), 0);
  // A request just under the limit is still answered.
  std::string fits = "GET /metrics HTTP/1.1\r\nX-Filler: " + std::string(8000, 'a') + "\r\n\r\n";
  EXPECT_EQ(status_line(ask(e->bound(), fits)), "HTTP/1.1 200 OK");
}

TEST(HttpEndpoint, ASilentClientDoesNotBlockOthersAndIsDropped) {
  auto e = HttpEndpoint::listen(*parse_listen_spec("127.0.0.1:0"));
  ASSERT_TRUE(e) << e.error().message;
  ServeOptions o;
  o.timeout = 1500ms;
  RunningEndpoint running(*e, o);
  Fd silent = connect_to(e->bound());
  ASSERT_TRUE(silent);
  Fd half = connect_to(e->bound());  // starts a request and stalls
  ASSERT_TRUE(half);
  send_all(half.get(), "GET /met");

  auto start = Clock::now();
  EXPECT_EQ(status_line(ask(e->bound(), "GET /metrics HTTP/1.1\r\n\r\n")), "HTTP/1.1 200 OK");
  EXPECT_LT(Clock::now() - start, 1s);

  // Both stalled clients are closed at their deadline, with no answer.
  EXPECT_EQ(read_all(silent.get()), "");
  EXPECT_EQ(read_all(half.get()), "");
  EXPECT_LT(Clock::now() - start, 4s);
}

TEST(HttpEndpoint, ARequestInPiecesAndManyClientsAtOnce) {
  auto e = HttpEndpoint::listen(*parse_listen_spec("127.0.0.1:0"));
  ASSERT_TRUE(e) << e.error().message;
  RunningEndpoint running(*e);
  std::vector<Fd> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(connect_to(e->bound()));
    ASSERT_TRUE(clients.back());
  }
  const std::string request = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n";
  for (size_t at = 0; at < request.size(); at += 7) {
    for (auto& c : clients) send_all(c.get(), request.substr(at, 7));
    std::this_thread::sleep_for(2ms);
  }
  for (auto& c : clients) EXPECT_EQ(status_line(read_all(c.get())), "HTTP/1.1 200 OK");
  EXPECT_EQ(running.renders(), 20);
}

TEST(HttpEndpoint, ASlowRenderStillSendsItsWholeAnswer) {
  auto e = HttpEndpoint::listen(*parse_listen_spec("127.0.0.1:0"));
  ASSERT_TRUE(e) << e.error().message;
  ServeOptions o;
  o.timeout = 300ms;
  const std::string big(4 << 20, 'x');  // more than the socket buffers hold
  RunningEndpoint running(*e, o, [&] {
    std::this_thread::sleep_for(400ms);  // longer than the timeout
    return big;
  });
  std::string reply = ask(e->bound(), "GET /metrics HTTP/1.1\r\n\r\n");
  EXPECT_EQ(status_line(reply), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(reply).size(), std::string("# scrape 1\n").size() + big.size());
}

TEST(HttpEndpoint, StopsWhenTheStopFdIsReadableEvenWithClientsOpen) {
  auto e = HttpEndpoint::listen(*parse_listen_spec("127.0.0.1:0"));
  ASSERT_TRUE(e) << e.error().message;
  RunningEndpoint running(*e);
  Fd idle = connect_to(e->bound());
  ASSERT_TRUE(idle);
  std::this_thread::sleep_for(50ms);
  auto start = Clock::now();
  Status st = running.stop();
  EXPECT_TRUE(st) << st.error().message;
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(read_all(idle.get()), "");  // dropped
}

}  // namespace
}  // namespace uc::metrics
