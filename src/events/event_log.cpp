// The event log's file: append under an flock, rotate by renames, read, follow.
#include "events/event_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "sys/files.h"

namespace uc::cluster {
namespace {

constexpr size_t kMaxPartial = 1 << 20;  // no event line is this long: drop, resync at "\n"
constexpr int kMaxRotated = 1000;

bool same_file(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

Status rename_if_there(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT)
    return errno_error("cannot rename " + from + " to " + to);
  return {};
}

}  // namespace

uint64_t event_log_rotate_bytes(size_t nodes) {
  constexpr uint64_t kPerNode = 256 << 10, kBase = 4 << 20, kMost = 64 << 20;
  return std::clamp<uint64_t>(kPerNode * nodes, kBase, kMost);
}

EventLog::EventLog(std::string path, uint64_t rotate_bytes, int keep)
    : path_(std::move(path)),
      rotate_bytes_(std::max<uint64_t>(rotate_bytes, 1)),
      keep_(std::max(keep, 0)) {}

Status EventLog::append(const Event& e) {
  std::string line = event_line(e) + "\n";
  // A few tries: each time another writer rotated the file between our open and our lock,
  // the line belongs in the new file.
  for (int attempt = 0; attempt < 8; ++attempt) {
    if (!fd_) {
      fd_ = Fd(::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600));
      if (!fd_) return errno_error("cannot open the event log " + path_);
    }
    while (::flock(fd_.get(), LOCK_EX) != 0)
      if (errno != EINTR) return errno_error("cannot lock the event log " + path_);
    // Unlocked when this scope ends, whichever way; the descriptor stays (one closed here
    // has lost its lock already).
    struct Unlock {
      Fd& fd;
      ~Unlock() {
        if (fd) ::flock(fd.get(), LOCK_UN);
      }
    } unlock{fd_};
    struct stat held {
    }, named{};
    if (::fstat(fd_.get(), &held) != 0) return errno_error("cannot stat " + path_);
    if (::stat(path_.c_str(), &named) != 0 || !same_file(held, named)) {
      fd_ = Fd();  // rotated or removed by another writer: the line goes to the new file
      continue;
    }
    if (held.st_size > 0 && static_cast<uint64_t>(held.st_size) + line.size() > rotate_bytes_) {
      UC_TRY(rotate());
      continue;
    }
    return write_all(fd_.get(), line.data(), line.size());
  }
  return err("cannot append to the event log " + path_ + ": it keeps being replaced");
}

// Called holding the lock on the current file, so no writer appends to it after the rename.
Status EventLog::rotate() {
  if (keep_ == 0) {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
      return errno_error("cannot remove " + path_);
    return {};
  }
  std::string oldest = path_ + "." + std::to_string(keep_);
  if (::unlink(oldest.c_str()) != 0 && errno != ENOENT)
    return errno_error("cannot remove " + oldest);
  for (int i = keep_ - 1; i >= 1; --i)
    UC_TRY(rename_if_there(path_ + "." + std::to_string(i), path_ + "." + std::to_string(i + 1)));
  return rename_if_there(path_, path_ + ".1");
}

std::vector<std::string> event_log_files(const std::string& path) {
  std::vector<std::string> files;
  for (int i = 1; i <= kMaxRotated; ++i) {
    std::string f = path + "." + std::to_string(i);
    if (!path_exists(f)) break;
    files.push_back(f);
  }
  std::reverse(files.begin(), files.end());
  if (path_exists(path)) files.push_back(path);
  return files;
}

Result<std::vector<Event>> read_events(const std::vector<std::string>& files,
                                       const EventFilter& f) {
  std::vector<Event> out;
  for (const auto& file : files) {
    Fd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      if (errno == ENOENT) continue;  // rotated away since it was listed
      return errno_error("cannot read the event log " + file);
    }
    std::string text = read_to_eof(fd.get());
    size_t start = 0, nl;
    // A last line without its "\n" is still being written: it is not read yet.
    while ((nl = text.find('\n', start)) != std::string::npos) {
      auto e = parse_event_line(std::string_view(text).substr(start, nl - start));
      if (e && matches(f, *e)) out.push_back(std::move(*e));
      start = nl + 1;
    }
  }
  return out;
}

Result<std::vector<Event>> read_events(const std::string& path, const EventFilter& f) {
  return read_events(event_log_files(path), f);
}

bool EventTail::reopen() {
  Fd fd(::open(path_.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd || ::fstat(fd.get(), &st) != 0) return false;
  fd_ = std::move(fd);
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  offset_ = 0;
  partial_.clear();
  return true;
}

void EventTail::drain(std::vector<std::string>& out) {
  struct stat st {};
  if (::fstat(fd_.get(), &st) == 0 && st.st_size < offset_) {  // truncated
    offset_ = 0;
    partial_.clear();
  }
  char buf[65536];
  for (;;) {
    ssize_t n = ::pread(fd_.get(), buf, sizeof buf, offset_);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    offset_ += n;
    partial_.append(buf, static_cast<size_t>(n));
    size_t start = 0, nl;
    while ((nl = partial_.find('\n', start)) != std::string::npos) {
      out.emplace_back(partial_, start, nl - start);
      start = nl + 1;
    }
    partial_.erase(0, start);
    if (partial_.size() > kMaxPartial) partial_.clear();
  }
}

bool EventTail::holds(const std::string& file) const {
  struct stat st {};
  return fd_ && ::stat(file.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_;
}

std::vector<std::string> EventTail::poll() {
  std::vector<std::string> out;
  if (!fd_ && !reopen()) return out;
  // Look at the name before reading: a rotation happens under the writers' lock, so once
  // the name has moved on, everything the old file will ever hold is already in it.
  struct stat named {};
  bool replaced =
      ::stat(path_.c_str(), &named) == 0 && (named.st_dev != dev_ || named.st_ino != ino_);
  drain(out);
  if (replaced && reopen()) drain(out);
  return out;
}

}  // namespace uc::cluster
