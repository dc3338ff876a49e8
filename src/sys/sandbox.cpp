#include "sys/sandbox.h"

#include <fcntl.h>
#include <grp.h>
#include <link.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <cstring>

#include "sys/files.h"
#include "sys/io_trap.h"

namespace uc {
namespace {

// mkdir -p inside the new root; async-signal-safe enough for a freshly cloned child.
bool make_path(const std::string& p, bool last_is_file) {
  for (size_t i = 1; i <= p.size(); ++i) {
    if (i == p.size() || p[i] == '/') {
      std::string part = p.substr(0, i);
      bool file = last_is_file && i == p.size();
      if (file) {
        int fd = ::open(part.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
        if (fd < 0) return false;
        ::close(fd);
      } else if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
        return false;
      }
    }
  }
  return true;
}

[[noreturn]] void child_fail(int errfd, const std::string& what) {
  std::string msg = what + ": " + strerror(errno);
  (void)!::write(errfd, msg.data(), msg.size());
  ::_exit(127);
}

[[noreturn]] void child_main(const SandboxSpec& s, int errfd, int trapfd) {
  if (s.netns_fd >= 0 && ::setns(s.netns_fd, CLONE_NEWNET) != 0) child_fail(errfd, "setns");
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    child_fail(errfd, "make mounts private");
  const std::string& root = s.mount_point;
  if (::mount("umlcluster", root.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755") != 0)
    child_fail(errfd, "mount tmpfs on " + root);
  for (const auto& b : s.binds) {
    struct stat st;
    if (::stat(b.host_path.c_str(), &st) != 0) child_fail(errfd, "bind source " + b.host_path);
    std::string dst = root + b.inside_path;
    if (!make_path(dst, !S_ISDIR(st.st_mode))) child_fail(errfd, "create " + dst);
    if (::mount(b.host_path.c_str(), dst.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
      child_fail(errfd, "bind " + b.host_path);
    unsigned long fl = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | (b.writable ? 0 : MS_RDONLY);
    if (::mount(nullptr, dst.c_str(), nullptr, fl, nullptr) != 0)
      child_fail(errfd, "remount " + dst);
  }
  for (const char* dev : {"/dev/null", "/dev/zero", "/dev/urandom", "/dev/random"}) {
    std::string dst = root + dev;
    if (!make_path(dst, true) || ::mount(dev, dst.c_str(), nullptr, MS_BIND, nullptr) != 0)
      child_fail(errfd, std::string("bind ") + dev);
  }
  for (const auto& l : s.symlinks) {
    auto colon = l.find(':');
    std::string target = l.substr(0, colon), link = root + l.substr(colon + 1);
    if (::symlink(target.c_str(), link.c_str()) != 0) child_fail(errfd, "symlink " + link);
  }
  if (s.mount_proc) {
    std::string proc = root + "/proc";
    ::mkdir(proc.c_str(), 0555);
    if (::mount("proc", proc.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
      child_fail(errfd, "mount proc");
  }
  std::string tmp = root + "/tmp";
  ::mkdir(tmp.c_str(), 01777);
  if (s.shm_bytes > 0) {
    // The node's RAM is a file here: a private tmpfs, owned by the node's user, so its
    // size is the guest's resident memory and nothing else shares it.
    std::string shm = root + "/dev/shm";
    ::mkdir(shm.c_str(), 0700);
    std::string opts = "size=" + std::to_string(s.shm_bytes) +
                       ",mode=0700,uid=" + std::to_string(s.uid) + ",gid=" + std::to_string(s.gid);
    if (::mount("umlcluster-shm", shm.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str()) != 0)
      child_fail(errfd, "mount /dev/shm");
  }
  if (::chdir(root.c_str()) != 0) child_fail(errfd, "chdir " + root);
  if (::syscall(SYS_pivot_root, ".", ".") != 0) child_fail(errfd, "pivot_root");
  if (::umount2(".", MNT_DETACH) != 0) child_fail(errfd, "detach old root");
  if (::chdir("/") != 0) child_fail(errfd, "chdir /");
  ::mount(nullptr, "/", nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=1m");

  // The I/O trap goes in while this child still holds CAP_SYS_ADMIN (and before the fd
  // clean-up closes the socket that hands its listener over); nothing the child does
  // from here to execve is a trapped syscall.
  if (s.trap_io) {
    int listener = install_io_trap();
    if (listener < 0) child_fail(errfd, "seccomp I/O trap");
    if (!send_fd(trapfd, listener)) child_fail(errfd, "hand over the I/O trap");
    ::close(listener);
  }
  auto fds = s.fds;
  if (!install_child_fds(fds, errfd)) child_fail(errfd, "file descriptors");
  if (::setgroups(0, nullptr) != 0) child_fail(errfd, "setgroups");
  if (::setresgid(s.gid, s.gid, s.gid) != 0) child_fail(errfd, "setresgid");
  if (::setresuid(s.uid, s.uid, s.uid) != 0) child_fail(errfd, "setresuid");
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) child_fail(errfd, "no_new_privs");
  // Dies with its parent (the supervisor): set after the uid change, which clears it.
  // (In a new pid namespace getppid() is 0, so the usual re-check of the parent is not
  // possible; a parent that died in this short window leaves the node to `up`'s checks.)
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) child_fail(errfd, "pdeathsig");
  if (::chdir(s.cwd.c_str()) != 0) child_fail(errfd, "chdir " + s.cwd);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  std::vector<char*> argv, envp;
  for (auto& a : s.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (auto& e : s.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  ::execve(argv[0], argv.data(), envp.data());
  child_fail(errfd, "exec " + s.argv[0]);
}

}  // namespace

Result<ChildProcess> spawn_sandboxed(const SandboxSpec& spec, Fd* io_listener) {
  auto errpipe = make_pipe();
  if (!errpipe) return errpipe.error();
  // The error pipe must sit above every fd the child installs.
  int errfd = ::fcntl(errpipe->second.get(), F_DUPFD_CLOEXEC, 100);
  Fd err_keep(errfd);
  errpipe->second.reset();
  int pair[2] = {-1, -1};
  if (spec.trap_io && ::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) != 0)
    return errno_error("socketpair");
  Fd trap_ours(pair[0]);
  Fd trap_theirs(spec.trap_io ? ::fcntl(pair[1], F_DUPFD_CLOEXEC, 100) : -1);
  if (pair[1] >= 0) ::close(pair[1]);
  int pidfd = -1;
  clone_args args{};
  args.flags = CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  long pid = ::syscall(SYS_clone3, &args, sizeof args);
  if (pid < 0) return errno_error("clone3 (namespaces need root)");
  if (pid == 0) child_main(spec, errfd, trap_theirs.get());
  err_keep.reset();
  trap_theirs.reset();
  std::string msg = read_to_eof(errpipe->first.get());
  ChildProcess child(static_cast<pid_t>(pid), Fd(pidfd));
  if (!msg.empty()) {
    child.wait();
    return err("sandbox for " + spec.argv[0] + ": " + msg);
  }
  if (spec.trap_io) {
    auto listener = receive_fd(trap_ours.get());
    if (!listener) return listener.error();  // the child is killed and reaped by ~ChildProcess
    if (io_listener) *io_listener = std::move(*listener);
  }
  return child;
}

std::vector<std::string> system_runtime_libraries() {
  std::vector<std::string> out;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto* v = static_cast<std::vector<std::string>*>(data);
        std::string name = info->dlpi_name ? info->dlpi_name : "";
        if (name.find("/libc.so") != std::string::npos ||
            name.find("/ld-linux") != std::string::npos)
          v->push_back(name);
        return 0;
      },
      &out);
  return out;
}

}  // namespace uc
