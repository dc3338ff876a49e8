#include "ocfs2/volume.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "sys/files.h"

namespace uc::ocfs2 {

Status ensure_disk_file(const std::string& path, uint64_t size, unsigned uid, unsigned gid) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return {};
    return errno_error("cannot create disk " + path);
  }
  Fd owner(fd);
  if (::ftruncate(fd, static_cast<off_t>(size)) != 0 || ::fchown(fd, uid, gid) != 0) {
    auto e = errno_error("cannot size disk " + path);
    ::unlink(path.c_str());
    return e;
  }
  return {};
}

DiskContent classify_disk_head(const std::string& head) {
  for (size_t block : {512u, 1024u, 2048u, 4096u}) {
    size_t off = 2 * block;
    if (head.size() >= off + 6 && head.compare(off, 6, "OCFSV2") == 0) return DiskContent::kOcfs2;
  }
  bool zero = std::all_of(head.begin(), head.end(), [](char c) { return c == 0; });
  return zero ? DiskContent::kBlank : DiskContent::kOther;
}

Result<DiskContent> probe_disk(const std::string& path) {
  auto fd = open_file(path, O_RDONLY);
  if (!fd) return fd.error();
  std::string head(1 << 20, '\0');
  ssize_t n = ::pread(fd->get(), head.data(), head.size(), 0);
  if (n < 0) return errno_error("cannot read " + path);
  head.resize(static_cast<size_t>(n));
  return classify_disk_head(head);
}

}  // namespace uc::ocfs2
