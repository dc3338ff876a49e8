#include "ocfs2/heartbeat_region.h"

#include <fcntl.h>
#include <sys/uio.h>

#include <cerrno>
#include <span>

#include "ocfs2/heartbeat_locate.h"

namespace uc::ocfs2 {

Result<HeartbeatLocation> locate_heartbeat_region(const std::string& disk_file) {
  uc_heartbeat_extent e{};
  char msg[256] = {0};
  if (uc_locate_heartbeat(disk_file.c_str(), &e, msg, sizeof msg) != 0)
    return err(disk_file + ": no OCFS2 heartbeat region found: " + msg);
  if (e.blocks == 0) return err(disk_file + ": its OCFS2 heartbeat region is empty");
  return HeartbeatLocation{e.offset, e.blocks, e.uuid};
}

Result<HeartbeatReader> HeartbeatReader::open(const std::string& disk_file,
                                              HeartbeatLocation region) {
  Fd fd(::open(disk_file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return errno_error("open " + disk_file);
  return HeartbeatReader(std::move(fd), std::move(region));
}

std::optional<std::vector<HeartbeatBlock>> HeartbeatReader::read(uint32_t first, uint32_t count) {
  if (first >= region_.slots) return std::vector<HeartbeatBlock>{};
  count = std::min(count, region_.slots - first);
  size_t bytes = size_t{count} * kHeartbeatSlotBytes;
  buf_.resize(bytes);
  off_t at = static_cast<off_t>(region_.offset + uint64_t{first} * kHeartbeatSlotBytes);
  iovec v{buf_.data(), bytes};
  ssize_t n = ::preadv2(fd_.get(), &v, 1, at, nowait_ ? RWF_NOWAIT : 0);
  if (n < 0 && errno == EOPNOTSUPP && nowait_) {
    // A filesystem without RWF_NOWAIT: plain reads from now on. The region is in the page
    // cache nearly always (every node writes its slot every 2 s), so they rarely wait.
    nowait_ = false;
    n = ::preadv2(fd_.get(), &v, 1, at, 0);
  }
  if (n < 0 && errno == EAGAIN) {
    (void)::posix_fadvise(fd_.get(), at, static_cast<off_t>(bytes), POSIX_FADV_WILLNEED);
    return std::nullopt;
  }
  if (n != static_cast<ssize_t>(bytes)) return std::nullopt;  // an error, or short: next time
  std::vector<HeartbeatBlock> out;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i)
    out.push_back(parse_heartbeat_block(std::span<const uint8_t>(buf_).subspan(
        size_t{i} * kHeartbeatSlotBytes, kHeartbeatSlotBytes)));
  return out;
}

}  // namespace uc::ocfs2
