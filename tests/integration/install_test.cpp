// The tool installed like one: into a scratch prefix and run from elsewhere (its helpers
// found from its own place), as a Debian package installed with apt and removed, and its man
// page against every command's --help.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "cli_runner.h"
#include "cluster_fixture.h"
#include "sys/files.h"

namespace uc::test {
namespace {

bool executable(const std::string& p) { return ::access(p.c_str(), X_OK) == 0; }

TEST(Install, AScratchPrefixRunsFromAnotherDirectory) {
  auto tmp = TempDir::create(scratch(), "install-");
  ASSERT_TRUE(tmp);
  std::string prefix = tmp->path() + "/usr";
  auto r = run_program({"cmake", "--install", UMLCLUSTER_BUILD_DIR, "--prefix", prefix});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  for (const char* f :
       {"/bin/umlcluster", "/lib/umlcluster/umlclusterd", "/lib/umlcluster/umlcluster-switch",
        "/lib/umlcluster/umlcluster-agent", "/share/umlcluster/bench/run.sh"})
    EXPECT_TRUE(executable(prefix + f)) << f;
  for (const char* f : {"/share/man/man1/umlcluster.1", "/share/man/man5/umlcluster.toml.5",
                        "/share/bash-completion/completions/umlcluster",
                        "/share/umlcluster/kernel/patches/ocfs2-append-stale-eof.patch",
                        "/share/umlcluster/kernel/patches/ocfs2-mount-master-hint.patch"})
    EXPECT_TRUE(path_exists(prefix + f)) << f;
  std::string bin = prefix + "/bin/umlcluster";
  r = run_program({"sh", "-c", "cd / && " + bin + " --version"});
  EXPECT_EQ(r.out, "umlcluster 0.1.0\n") << r.err;
  // A cluster from the installed tool: its supervisor is the installed helper.
  std::string file = tmp->path() + "/inst.toml";
  ASSERT_TRUE(write_file_atomic(
      file,
      "[cluster]\nname = \"inst\"\n\n[[node]]\nname = \"solo0\"\naddress = \"192.168.0.112\"\n"));
  r = run_program({"sh", "-c", "cd / && " + bin + " up -f " + file});
  auto st = run_program({bin, "status", "-n", "inst", "--json"});
  auto s = nlohmann::json::parse(st.out, nullptr, false);
  if (!s.is_discarded())
    for (int p : cluster_pids(s)) g_known_pids.push_back(p);
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  ASSERT_FALSE(s.is_discarded()) << st.err;
  char exe[4096] = {};
  std::string link = "/proc/" + std::to_string(s.value("supervisor_pid", 0)) + "/exe";
  ssize_t n = ::readlink(link.c_str(), exe, sizeof exe - 1);
  EXPECT_EQ(std::string(exe, n > 0 ? static_cast<size_t>(n) : 0),
            prefix + "/lib/umlcluster/umlclusterd");
  r = run_program({bin, "exec", "-n", "inst", "solo0", "--", "hostname"});
  EXPECT_EQ(r.out, "solo0\n") << r.err;
  EXPECT_EQ(run_program({bin, "down", "-n", "inst"}).code, 0);
  EXPECT_EQ(run_program({bin, "destroy", "-n", "inst", "--yes"}).code, 0);
}

TEST(Install, TheDebianPackageInstallsWithAptAndRemovesCleanly) {
  auto tmp = TempDir::create(scratch(), "deb-");
  ASSERT_TRUE(tmp);
  auto r = run_program({"cpack", "-G", "DEB", "--config", UMLCLUSTER_BUILD_DIR "/CPackConfig.cmake",
                        "-B", tmp->path()});
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  std::string deb = tmp->path() + "/umlcluster_0.1.0_amd64.deb";
  ASSERT_TRUE(path_exists(deb)) << r.out;
  auto depends = run_program({"dpkg-deb", "-f", deb, "Depends"});
  for (const char* p :
       {"user-mode-linux", "mmdebstrap", "e2fsprogs", "ocfs2-tools", "libfmt9", "libc6"})
    EXPECT_NE(depends.out.find(p), std::string::npos) << p << " in " << depends.out;
  auto contents = run_program({"dpkg-deb", "-c", deb});
  for (const char* f :
       {"./usr/bin/umlcluster", "./usr/lib/umlcluster/umlclusterd",
        "./usr/share/man/man1/umlcluster.1", "./usr/share/man/man5/umlcluster.toml.5",
        "./usr/share/bash-completion/completions/umlcluster"})
    EXPECT_NE(contents.out.find(f), std::string::npos) << f;
  // On the machine, with apt, unless a umlcluster package is installed already (not ours to touch).
  auto dpkg_status = [] {
    return run_program({"dpkg-query", "-W", "-f=${Status}", "umlcluster"}).out;
  };
  if (dpkg_status() == "install ok installed") GTEST_SKIP() << "a umlcluster package is installed";
  r = run_program({"apt-get", "install", "-y", "-q", "--no-install-recommends", deb});
  // Whatever fails below, the package does not stay on the machine.
  struct Purge {
    bool done = false;
    ~Purge() {
      if (!done) (void)run_program({"apt-get", "purge", "-y", "-q", "umlcluster"});
    }
  } purge;
  ASSERT_EQ(r.code, 0) << r.out << r.err;
  r = run_program({"sh", "-c",
                   "cd / && umlcluster --version && ls /usr/share/man/man5/umlcluster.toml.5* "
                   "/usr/share/bash-completion/completions/umlcluster"});
  EXPECT_EQ(r.out,
            "umlcluster 0.1.0\n/usr/share/bash-completion/completions/umlcluster\n"
            "/usr/share/man/man5/umlcluster.toml.5\n")
      << r.err;
  r = run_program({"apt-get", "remove", "-y", "-q", "umlcluster"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_FALSE(path_exists("/usr/bin/umlcluster"));
  EXPECT_FALSE(path_exists("/usr/lib/umlcluster"));
  EXPECT_NE(dpkg_status(), "install ok installed");
  // A package with maintainer scripts (CPack adds ldconfig's when it holds a shared object)
  // stays known to dpkg as removed until it is purged; then nothing of it is left.
  r = run_program({"apt-get", "purge", "-y", "-q", "umlcluster"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  purge.done = true;
  EXPECT_NE(run_program({"dpkg", "-s", "umlcluster"}).code, 0);
}

TEST(Docs, TheManPageHasEveryOptionOfEveryCommandsHelp) {
  auto man = run_cli({"__man"});
  ASSERT_EQ(man.code, 0);
  std::regex section(R"re(\.SS "umlcluster ([a-z0-9 \\-]+?)(?: [A-Z\[]|"))re");
  std::regex option(R"re((?:^|[ ,])(--?[a-zA-Z][a-zA-Z0-9-]*))re");
  int commands = 0, options = 0;
  for (std::sregex_iterator it(man.out.begin(), man.out.end(), section), end; it != end; ++it) {
    std::string path = std::regex_replace((*it)[1].str(), std::regex(R"(\\-)"), "-");
    std::vector<std::string> args;
    std::stringstream ss(path);
    for (std::string w; ss >> w;) args.push_back(w);
    args.push_back("--help");
    auto help = run_cli(args);
    EXPECT_EQ(help.code, 0) << path;
    ++commands;
    std::string opts = help.out.substr(std::min(help.out.find("Options:"), help.out.size()));
    for (std::sregex_iterator o(opts.begin(), opts.end(), option), oe; o != oe; ++o) {
      std::string name = std::regex_replace((*o)[1].str(), std::regex("-"), "\\-");
      EXPECT_NE(man.out.find(name), std::string::npos) << path << ": " << (*o)[1].str();
      ++options;
    }
  }
  EXPECT_GT(commands, 30);
  EXPECT_GT(options, 100);
}

}  // namespace
}  // namespace uc::test
