// Thin wrappers over file syscalls: every error names the path.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sys/fd.h"
#include "sys/result.h"

namespace uc {

Result<std::string> read_file(const std::string& path);
// Everything an fd yields until EOF (a child's error or readiness pipe); stops at an error.
std::string read_to_eof(int fd);
// Writes to a temporary file beside `path`, fsyncs, then renames: readers see old or new.
Status write_file_atomic(const std::string& path, const std::string& data, mode_t mode = 0600);
// mkdir -p; directories it creates get `mode`.
Status make_dirs(const std::string& path, mode_t mode = 0700);
Status remove_tree(const std::string& path);
bool path_exists(const std::string& path);
bool is_directory(const std::string& path);  // follows symlinks
// The absolute path with links resolved; `path` itself if that fails.
std::string real_path(const std::string& path);
std::vector<std::string> list_dir(const std::string& path);
Result<Fd> open_file(const std::string& path, int flags, mode_t mode = 0600);
Status write_all(int fd, const void* data, size_t len);
Status copy_file(const std::string& from, const std::string& to, mode_t mode);
void set_nonblocking(int fd, bool on = true);
void set_cloexec(int fd, bool on = true);

// Directory of the running executable (siblings live there).
std::string self_dir();
// A helper program of umlcluster (umlclusterd, umlcluster-switch, umlcluster-agent): beside
// the running executable in a build tree, or in ../lib/umlcluster/ once installed
// (bin/umlcluster). The build tree's path when neither has it, for the error message.
std::string helper_path(const std::string& name);

// TempDir: a directory removed with its contents on destruction unless released.
class TempDir {
 public:
  static Result<TempDir> create(const std::string& parent, const std::string& prefix);
  TempDir(TempDir&& o) noexcept;
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string release();

 private:
  explicit TempDir(std::string p) : path_(std::move(p)) {}
  std::string path_;
};

// FileLock: an flock(2) held while this object lives; a second holder fails fast.
class FileLock {
 public:
  static Result<FileLock> try_acquire(const std::string& path);
  bool held() const { return fd_.valid(); }
  int fd() const { return fd_.get(); }

 private:
  explicit FileLock(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
};
// True if some process holds the lock on `path` (a live owner), false if free or absent.
bool lock_is_held(const std::string& path);

}  // namespace uc
