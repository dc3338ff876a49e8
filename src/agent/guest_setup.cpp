#include "agent/guest_setup.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "agent/kmsg_log.h"
#include "config/ipv4.h"

namespace uc::agent {
namespace {

void try_mount(const char* src, const char* dst, const char* type, unsigned long flags,
               const char* data = nullptr) {
  ::mkdir(dst, 0755);
  if (::mount(src, dst, type, flags, data) != 0 && errno != EBUSY && errno != ENOENT)
    log_kmsg(std::string("mount ") + dst + ": " + strerror(errno));
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::trunc);
  f << text;
}

bool set_iface(const char* name, const Ipv4* addr, const Ipv4* mask) {
  int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return false;
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  auto put = [&](unsigned long req, Ipv4 a) {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(a.value);
    std::memcpy(&ifr.ifr_addr, &sin, sizeof sin);
    return ::ioctl(s, req, &ifr) == 0;
  };
  bool ok = true;
  if (addr) ok = put(SIOCSIFADDR, *addr) && ok;
  if (mask) ok = put(SIOCSIFNETMASK, *mask) && ok;
  if (::ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    ok = ::ioctl(s, SIOCSIFFLAGS, &ifr) == 0 && ok;
  } else {
    ok = false;
  }
  ::close(s);
  if (!ok) log_kmsg(std::string("cannot configure ") + name + ": " + strerror(errno));
  return ok;
}

}  // namespace

std::map<std::string, std::string> read_boot_params(const std::string& cmdline) {
  std::map<std::string, std::string> out;
  std::istringstream in(cmdline);
  std::string word;
  while (in >> word) {
    if (word.rfind("uc.", 0) != 0) continue;
    auto eq = word.find('=');
    if (eq == std::string::npos) continue;
    out[word.substr(3, eq - 3)] = word.substr(eq + 1);
  }
  return out;
}

std::vector<DevLink> std_dev_links() {
  return {{"fd", "/proc/self/fd"},
          {"stdin", "/proc/self/fd/0"},
          {"stdout", "/proc/self/fd/1"},
          {"stderr", "/proc/self/fd/2"}};
}

Status make_dev_links(const std::string& dev_dir) {
  for (const auto& l : std_dev_links()) {
    std::string path = dev_dir + "/" + l.name;
    // Whatever is there already stays (a link from an earlier set-up, or one made on purpose).
    if (::symlink(l.target.c_str(), path.c_str()) != 0 && errno != EEXIST)
      return errno_error("cannot link " + path + " to " + l.target);
  }
  return {};
}

void mount_basics() {
  try_mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
  try_mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC);
  try_mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
  // devtmpfs has device nodes only; bash's <(...) needs /dev/fd.
  if (auto s = make_dev_links("/dev"); !s) log_kmsg(s.error().message);
  try_mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=0620,ptmxmode=0666");
  try_mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777");
  try_mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755");
  try_mount("debugfs", "/sys/kernel/debug", "debugfs", 0);
  ::mount(nullptr, "/", nullptr, MS_REMOUNT, nullptr);
  ::mkdir("/run/lock", 01777);
  // o2cb and mkfs.ocfs2 look for mounted filesystems in /etc/mtab.
  if (::access("/etc/mtab", F_OK) != 0) (void)!::symlink("../proc/self/mounts", "/etc/mtab");
  // Ctrl-Alt-Del (mconsole `cad`) then reaches us as SIGINT instead of an instant reboot.
  ::reboot(RB_DISABLE_CAD);
}

std::string modules_device(const std::map<std::string, std::string>& params) {
  auto it = params.find("modules");
  if (it == params.end()) return "";
  const std::string& d = it->second;
  bool ubd = d.size() == 9 && d.rfind("/dev/ubd", 0) == 0 && d[8] >= 'a' && d[8] <= 'p';
  return ubd ? d : "";
}

void mount_modules(const std::map<std::string, std::string>& params) {
  if (!params.count("modules")) return;
  std::string dev = modules_device(params);
  if (dev.empty()) {
    log_kmsg("uc.modules=" + params.at("modules") +
             " is not a ubd device; keeping the image's modules");
    return;
  }
  if (::mount(dev.c_str(), "/lib/modules", "ext4", MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0)
    log_kmsg("mount " + dev + " on /lib/modules: " + strerror(errno));
}

void apply_identity(const std::map<std::string, std::string>& p) {
  auto get = [&](const char* k) {
    auto it = p.find(k);
    return it == p.end() ? std::string() : it->second;
  };
  std::string name = get("name");
  if (!name.empty()) {
    (void)!::sethostname(name.data(), name.size());
    write_text("/etc/hostname", name + "\n");
  }
  std::string hosts = "127.0.0.1\tlocalhost\n";
  std::string list = get("hosts");  // name@addr,name@addr
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ',')) {
    auto at = item.find('@');
    if (at != std::string::npos) hosts += item.substr(at + 1) + "\t" + item.substr(0, at) + "\n";
  }
  write_text("/etc/hosts", hosts);

  auto lo = *Ipv4::parse("127.0.0.1");
  auto lomask = *Ipv4::parse("255.0.0.0");
  set_iface("lo", &lo, &lomask);
  std::string addr = get("addr");  // a.b.c.d/prefix
  auto slash = addr.find('/');
  if (slash != std::string::npos) {
    auto ip = Ipv4::parse(addr.substr(0, slash));
    int prefix = std::atoi(addr.c_str() + slash + 1);
    if (ip && prefix > 0 && prefix < 32) {
      Ipv4 mask{~uint32_t{0} << (32 - prefix)};
      set_iface("eth0", &*ip, &mask);
    }
  }
}

void shutdown_guest() {
  log_kmsg("shutting down");
  ::kill(-1, SIGTERM);
  for (int i = 0; i < 40; ++i) {  // up to 2 s for processes to end
    while (::waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (::kill(-1, 0) != 0 && errno == ESRCH) break;
    ::usleep(50000);
  }
  ::kill(-1, SIGKILL);
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  ::sync();
  // Unmount in reverse order of mounting (OCFS2 volumes leave their cluster cleanly).
  std::vector<std::string> points;
  std::ifstream m("/proc/mounts");
  std::string dev, dir, rest;
  while (m >> dev >> dir && std::getline(m, rest)) points.push_back(dir);
  for (auto it = points.rbegin(); it != points.rend(); ++it) {
    if (*it == "/" || *it == "/proc" || *it == "/dev" || *it == "/sys") continue;
    ::umount2(it->c_str(), 0);
  }
  ::mount(nullptr, "/", nullptr, MS_REMOUNT | MS_RDONLY, nullptr);
  ::sync();
  ::reboot(RB_POWER_OFF);
  ::_exit(0);
}

}  // namespace uc::agent
