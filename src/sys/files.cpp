#include "sys/files.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <random>

namespace uc {

Error errno_error(const std::string& what) { return errno_error(what, errno); }
Error errno_error(const std::string& what, int errnum) {
  return Error{what + ": " + strerror(errnum)};
}

Result<Fd> open_file(const std::string& path, int flags, mode_t mode) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (fd < 0) return errno_error("cannot open " + path);
  return Fd(fd);
}

namespace {
// Reads to EOF into `out`; false (errno set) on a read error.
bool read_fd(int fd, std::string& out) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (n == 0) return true;
    out.append(buf, static_cast<size_t>(n));
  }
}
}  // namespace

Result<std::string> read_file(const std::string& path) {
  auto fd = open_file(path, O_RDONLY);
  if (!fd) return fd.error();
  std::string out;
  if (!read_fd(fd->get(), out)) return errno_error("cannot read " + path);
  return out;
}

std::string read_to_eof(int fd) {
  std::string out;
  (void)read_fd(fd, out);
  return out;
}

Status write_all(int fd, const void* data, size_t len) {
  const char* p = static_cast<const char*>(data);
  while (len > 0) {
    ssize_t n = ::write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error("write");
    }
    p += n;
    len -= static_cast<size_t>(n);
  }
  return {};
}

Status write_file_atomic(const std::string& path, const std::string& data, mode_t mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  {
    auto fd = open_file(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (!fd) return fd.error();
    ::fchmod(fd->get(), mode);
    if (auto s = write_all(fd->get(), data.data(), data.size()); !s) {
      ::unlink(tmp.c_str());
      return err("cannot write " + tmp + ": " + s.error().message);
    }
    ::fsync(fd->get());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = errno_error("cannot rename " + tmp + " to " + path);
    ::unlink(tmp.c_str());
    return e;
  }
  return {};
}

Status make_dirs(const std::string& path, mode_t mode) {
  if (path.empty()) return {};
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (cur.empty()) continue;
    if (::mkdir(cur.c_str(), mode) != 0 && errno != EEXIST)
      return errno_error("cannot create directory " + cur);
  }
  return {};
}

Status remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return err("cannot remove " + path + ": " + ec.message());
  return {};
}

bool path_exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> out;
  DIR* d = ::opendir(path.c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") out.push_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

Status copy_file(const std::string& from, const std::string& to, mode_t mode) {
  auto data = read_file(from);
  if (!data) return data.error();
  auto fd = open_file(to, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (!fd) return fd.error();
  ::fchmod(fd->get(), mode);
  return write_all(fd->get(), data->data(), data->size());
}

void set_nonblocking(int fd, bool on) {
  int fl = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, on ? (fl | O_NONBLOCK) : (fl & ~O_NONBLOCK));
}

void set_cloexec(int fd, bool on) {
  int fl = ::fcntl(fd, F_GETFD);
  ::fcntl(fd, F_SETFD, on ? (fl | FD_CLOEXEC) : (fl & ~FD_CLOEXEC));
}

std::string self_dir() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string p(buf, static_cast<size_t>(n));
  return p.substr(0, p.rfind('/'));
}

bool is_directory(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string real_path(const std::string& path) {
  char* r = ::realpath(path.c_str(), nullptr);
  if (!r) return path;
  std::string s = r;
  ::free(r);
  return s;
}

std::string helper_path(const std::string& name) {
  std::string dir = self_dir();
  for (const auto& c : {dir + "/" + name, dir + "/../lib/umlcluster/" + name})
    if (::access(c.c_str(), X_OK) == 0) return c;
  return dir + "/" + name;
}

Result<TempDir> TempDir::create(const std::string& parent, const std::string& prefix) {
  std::string tmpl = parent + "/" + prefix + "XXXXXX";
  if (!::mkdtemp(tmpl.data()))
    return errno_error("cannot create a temporary directory in " + parent);
  return TempDir(tmpl);
}
TempDir::TempDir(TempDir&& o) noexcept : path_(std::exchange(o.path_, {})) {}
TempDir::~TempDir() {
  if (!path_.empty()) (void)remove_tree(path_);
}
std::string TempDir::release() { return std::exchange(path_, {}); }

Result<FileLock> FileLock::try_acquire(const std::string& path) {
  auto fd = open_file(path, O_RDWR | O_CREAT, 0600);
  if (!fd) return fd.error();
  if (::flock(fd->get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) return err(path + " is locked by a running process");
    return errno_error("cannot lock " + path);
  }
  return FileLock(std::move(*fd));
}

bool lock_is_held(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

}  // namespace uc
