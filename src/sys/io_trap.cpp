#include "sys/io_trap.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace uc {
namespace {

constexpr int kTrapped[] = {SYS_pread64,   SYS_pwrite64,       SYS_preadv, SYS_pwritev,
                            SYS_preadv2,   SYS_pwritev2,       SYS_fsync,  SYS_fdatasync,
                            SYS_fallocate, SYS_sync_file_range};
constexpr size_t kCount = sizeof kTrapped / sizeof kTrapped[0];

}  // namespace

int install_io_trap() {
  // arch check, load nr, one compare per trapped syscall, allow, notify.
  sock_filter prog[4 + kCount + 2];
  size_t i = 0;
  prog[i++] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch));
  prog[i++] = BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
  prog[i++] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  prog[i++] = BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr));
  for (size_t k = 0; k < kCount; ++k) {
    // A match jumps over the remaining compares and the allow, to the notify.
    auto to_notify = static_cast<uint8_t>(kCount - k);
    prog[i++] =
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, static_cast<uint32_t>(kTrapped[k]), to_notify, 0);
  }
  prog[i++] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  prog[i++] = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF);
  sock_fprog fprog{static_cast<unsigned short>(i), prog};
  return static_cast<int>(
      ::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &fprog));
}

bool send_fd(int sock, int fd) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return ::sendmsg(sock, &m, MSG_NOSIGNAL) == 1;
}

Result<Fd> receive_fd(int sock) {
  char byte = 0;
  iovec iov{&byte, 1};
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(int))] = {};
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  if (::recvmsg(sock, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) != 1)
    return errno_error("no I/O trap from the node");
  cmsghdr* c = CMSG_FIRSTHDR(&m);
  if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
    return err("no I/O trap from the node");
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return Fd(fd);
}

std::optional<TrappedCall> receive_trapped(int listener, bool* gone) {
  seccomp_notif n;
  std::memset(&n, 0, sizeof n);
  if (::ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &n) != 0) {
    if (gone) *gone = errno != EAGAIN && errno != ENOENT && errno != EINTR;
    return std::nullopt;
  }
  return TrappedCall{n.id, static_cast<pid_t>(n.pid), n.data.nr, static_cast<int>(n.data.args[0])};
}

bool let_through(int listener, uint64_t id) {
  seccomp_notif_resp r{};
  r.id = id;
  r.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  return ::ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &r) == 0;
}

bool fail_call(int listener, uint64_t id, int error) {
  seccomp_notif_resp r{};
  r.id = id;
  r.error = -error;
  return ::ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &r) == 0;
}

bool still_waiting(int listener, uint64_t id) {
  return ::ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &id) == 0;
}

}  // namespace uc
