// What the cluster costs, measured on the suite's real nodes: top's figures, top in a real
// terminal (tmux), and the Prometheus metrics.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "cluster_fixture.h"
#include "sys/files.h"
#include "sys/process.h"

namespace uc::test {
namespace {

nlohmann::json top_once(double interval) {
  auto r = run_cli({"top", "--once", "--json", "--interval", std::to_string(interval)});
  EXPECT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << r.out;
  return j;
}

const nlohmann::json* node_of(const nlohmann::json& top, const std::string& name) {
  for (auto& n : top["nodes"])
    if (n["name"] == name) return &n;
  return nullptr;
}

TEST(Top, ACpuBurnerInNode0ShowsOnNode0Only) {
  ASSERT_EQ(run_cli({"exec", "node0", "--", "sh", "-c",
                     "timeout 15 sh -c 'while :; do :; done' >/dev/null 2>&1 &"})
                .code,
            0);
  // The burner may take a moment to be scheduled on a busy host: up to three looks.
  nlohmann::json j;
  double cpu0 = 0, cpu1 = 0;
  for (int look = 0; look < 3 && cpu0 <= 50.0; ++look) {
    j = top_once(3);
    ASSERT_TRUE(node_of(j, "node0") && node_of(j, "node1")) << j.dump();
    cpu0 = node_of(j, "node0")->value("cpu_percent", 0.0);
    cpu1 = node_of(j, "node1")->value("cpu_percent", 0.0);
  }
  for (auto& n : j["nodes"]) {
    EXPECT_TRUE(n.contains("guest")) << n.dump();
    EXPECT_EQ(n.value("mounts", nlohmann::json::array()), nlohmann::json{"/cluster"}) << n.dump();
  }
  EXPECT_GT(cpu0, 50.0) << j.dump();
  EXPECT_LT(cpu1, 30.0) << j.dump();
  EXPECT_EQ(j["host"]["cores_percent"].size(),
            static_cast<size_t>(::sysconf(_SC_NPROCESSORS_ONLN)));
  EXPECT_LT(j.value("sampler_cpu_percent", 100.0), 50.0);
}

TEST(Top, MemoryTouchedInNode1RaisesNode1sPssByAboutThatMuch) {
  constexpr double kMiB = 1048576.0;
  constexpr int kFill = 40;  // MiB written to a tmpfs in the guest: guest RAM it never used
  auto before = top_once(0.5);
  ASSERT_EQ(run_cli({"exec", "node1", "--", "sh", "-c",
                     "head -c " + std::to_string(kFill) + "M /dev/zero > /dev/shm/fill"})
                .code,
            0);
  auto after = top_once(0.5);
  (void)run_cli({"exec", "node1", "--", "rm", "-f", "/dev/shm/fill"});
  double d1 = (node_of(after, "node1")->value("pss_bytes", 0.0) -
               node_of(before, "node1")->value("pss_bytes", 0.0)) /
              kMiB;
  double d0 = (node_of(after, "node0")->value("pss_bytes", 0.0) -
               node_of(before, "node0")->value("pss_bytes", 0.0)) /
              kMiB;
  // The guest may reuse a few pages it had touched before (freed page cache): most of
  // the fill is new to the host, and none of it lands on node0.
  EXPECT_GT(d1, kFill * 0.7) << "node1 PSS grew " << d1 << " MiB";
  EXPECT_LT(d1, kFill * 1.3) << "node1 PSS grew " << d1 << " MiB";
  EXPECT_LT(std::abs(d0), 8.0) << "node0 PSS changed " << d0 << " MiB";
}

// A private tmux server; killed (by its socket) at the end.
class Tmux {
 public:
  Tmux() : dir_(TempDir::create(scratch(), "tmux-").value()) { sock_ = dir_.path() + "/sock"; }
  ~Tmux() { (void)run({"kill-server"}); }
  int run(const std::vector<std::string>& args, std::string* out = nullptr) {
    std::vector<std::string> argv{"tmux", "-S", sock_};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_program(argv);
    if (out) *out = r.out;
    return r.code;
  }
  std::string capture() {
    std::string s;
    run({"capture-pane", "-p", "-t", "t"}, &s);
    return s;
  }
  // Polls the screen until `pred` holds (or ~20 s pass).
  template <class Pred>
  std::string wait_for(Pred pred) {
    std::string s;
    for (int i = 0; i < 200; ++i) {
      s = capture();
      if (pred(s)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return s;
  }

 private:
  TempDir dir_;
  std::string sock_;
};

std::string line_of(const std::string& screen, const std::string& start) {
  size_t at = screen.find("\n" + start);
  if (at == std::string::npos) return "";
  size_t end = screen.find('\n', at + 1);
  return screen.substr(at + 1, end - at - 1);
}

std::string clock_of(const std::string& screen) {
  size_t at = screen.find(" at ");
  return at == std::string::npos ? "" : screen.substr(at + 4, 8);
}

TEST(Top, InARealTerminalShowsBothNodesRefreshesAndQuitsOnQ) {
  Tmux t;
  ASSERT_EQ(t.run({"new-session", "-d", "-s", "t", "-x", "160", "-y", "40", "sh"}), 0);
  t.run({"send-keys", "-t", "t", "echo before-top", "Enter"});
  t.run({"send-keys", "-t", "t",
         "UMLCLUSTER_HOME=" + home() + " " + umlcluster_binary() + " top --interval 0.5", "Enter"});
  auto has_rows = [](const std::string& s) {
    return !line_of(s, "node0").empty() && !line_of(s, "node1").empty();
  };
  std::string first = t.wait_for(has_rows);
  ASSERT_TRUE(has_rows(first)) << first;
  EXPECT_NE(first.find("host  CPU"), std::string::npos) << first;
  EXPECT_NE(line_of(first, "node0").find("running"), std::string::npos) << first;
  EXPECT_NE(line_of(first, "node1").find("/cluster"), std::string::npos) << first;
  // Refreshes: the sample clock moves on.
  std::string c0 = clock_of(first);
  std::string later =
      t.wait_for([&](const std::string& s) { return has_rows(s) && clock_of(s) != c0; });
  EXPECT_NE(clock_of(later), c0) << later;
  t.run({"send-keys", "-t", "t", "m"});  // sort by memory: still both rows
  EXPECT_TRUE(has_rows(t.wait_for(has_rows)));
  // More nodes than rows: a terminal of 8 lines has room for one; the rest scroll.
  ASSERT_EQ(t.run({"resize-window", "-t", "t", "-y", "8"}), 0);
  std::string small =
      t.wait_for([](const std::string& s) { return s.find("nodes 1-1 of ") != std::string::npos; });
  EXPECT_NE(small.find(": 0 above, "), std::string::npos) << small;
  t.run({"send-keys", "-t", "t", "End"});
  std::string end =
      t.wait_for([](const std::string& s) { return s.find(" 0 below") != std::string::npos; });
  EXPECT_NE(end.find(" 0 below"), std::string::npos) << end;
  EXPECT_EQ(end.find("nodes 1-1 of "), std::string::npos) << end;
  t.run({"send-keys", "-t", "t", "Home"});
  EXPECT_NE(t.wait_for([](const std::string& s) {
               return s.find("nodes 1-1 of ") != std::string::npos;
             }).find(": 0 above, "),
            std::string::npos);
  ASSERT_EQ(t.run({"resize-window", "-t", "t", "-y", "40"}), 0);
  t.run({"send-keys", "-t", "t", "q"});
  // Type on only once top has gone: keys typed while it runs are its keys (CI once saw top read
  // "q" and half the next line in one read, and the shell got the rest).
  std::string gone = t.wait_for([](const std::string& s) {
    return s.find("before-top") != std::string::npos && line_of(s, "node0").empty();
  });
  ASSERT_NE(gone.find("before-top"), std::string::npos) << "top did not quit on q:\n" << gone;
  // Back at the shell, on the main screen, with a sane tty (echo and line editing on).
  t.run({"send-keys", "-t", "t",
         "stty -a | tr ' ' '\\n' | grep -x -e icanon -e echo | tr '\\n' ' '; echo", "Enter"});
  std::string after =
      t.wait_for([](const std::string& s) { return s.find("icanon echo") != std::string::npos; });
  EXPECT_NE(after.find("icanon echo"), std::string::npos) << after;
  EXPECT_NE(after.find("before-top"), std::string::npos) << "the alternate screen was not left:\n"
                                                         << after;
  EXPECT_TRUE(line_of(after, "node0").empty()) << after;
}

std::string fetch_unix(const std::string& path, const std::string& request) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, path.data(), std::min(path.size(), sizeof a.sun_path - 1));
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size())) {
    char buf[65536];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

TEST(Metrics, PrintsNodeExporterHostFiguresAndEveryNode) {
  auto r = run_cli({"metrics"});
  ASSERT_EQ(r.code, 0) << r.err;
  for (auto* want :
       {"# TYPE node_cpu_seconds_total counter\n", "node_load1 ", "node_memory_MemTotal_bytes ",
        "umlcluster_node_up{cluster=\"ocfs2\",node=\"node0\"} 1\n",
        "umlcluster_node_pss_bytes{cluster=\"ocfs2\",node=\"node1\"} ",
        "umlcluster_guest_memory_used_bytes{cluster=\"ocfs2\",node=\"node1\"} ",
        "umlcluster_volume_mounted{cluster=\"ocfs2\",node=\"node0\",mountpoint=\"/cluster\"} 1\n"})
    EXPECT_NE(r.out.find(want), std::string::npos) << want << "\n" << r.out;
}

TEST(Metrics, ServesOnAUnixSocketOnlyWhenAskedAndRefusesTheNetwork) {
  auto r = run_cli({"metrics", "--listen", "0.0.0.0:9105"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("loopback"), std::string::npos) << r.err;

  auto dir = TempDir::create(scratch(), "metrics-");
  ASSERT_TRUE(dir);
  std::string sock = dir->path() + "/m.sock";
  SpawnOptions o;
  o.argv = {umlcluster_binary(), "metrics", "--listen", "unix:" + sock};
  auto child = spawn(o);
  ASSERT_TRUE(child);
  std::string reply;
  for (int i = 0; i < 100 && reply.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    reply = fetch_unix(sock, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  }
  EXPECT_EQ(reply.rfind("HTTP/1.1 200", 0), 0u) << reply.substr(0, 200);
  EXPECT_NE(reply.find("umlcluster_node_up{cluster=\"ocfs2\",node=\"node1\"} 1"),
            std::string::npos);
  EXPECT_EQ(fetch_unix(sock, "GET /nope HTTP/1.1\r\n\r\n").rfind("HTTP/1.1 404", 0), 0u);
  struct stat st {};
  ASSERT_EQ(::stat(sock.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  child->signal(SIGTERM);
  int status = child->wait();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_FALSE(path_exists(sock)) << "the socket outlived the server";
}

}  // namespace
}  // namespace uc::test
