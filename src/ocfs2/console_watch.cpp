#include "ocfs2/console_watch.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace uc::cluster {

namespace {
constexpr size_t kMaxReadPerLook = 256 * 1024;
}

void ConsoleWatch::open(const std::string& path) {
  fd_ = Fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st;
  offset_ = fd_ && ::fstat(fd_.get(), &st) == 0 ? st.st_size : 0;
  splitter_ = ConsoleLineSplitter();
}

std::vector<std::string> ConsoleWatch::read_new() {
  std::vector<std::string> lines;
  if (!fd_) return lines;
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0) return lines;
  if (st.st_size < offset_) offset_ = 0;  // truncated: a new log
  char buf[65536];
  size_t total = 0;
  while (total < kMaxReadPerLook) {
    ssize_t n = ::pread(fd_.get(), buf, sizeof buf, offset_);
    if (n <= 0) break;
    offset_ += n;
    total += static_cast<size_t>(n);
    for (auto& l : splitter_.feed(std::string_view(buf, static_cast<size_t>(n))))
      lines.push_back(std::move(l));
  }
  return lines;
}

}  // namespace uc::cluster
