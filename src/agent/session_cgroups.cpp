#include "agent/session_cgroups.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <sstream>

#include "sys/fd.h"
#include "sys/files.h"

namespace uc::agent {
namespace {

// cgroup files take one write of the whole value; no temporary file, no O_CREAT.
Status write_control(const std::string& path, const std::string& value) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return errno_error("cannot open " + path);
  if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size()))
    return errno_error("cannot write " + value + " to " + path);
  return {};
}

}  // namespace

bool is_mounted(const std::string& proc_mounts, const std::string& mount_point,
                const std::string& type) {
  std::istringstream in(proc_mounts);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream f(line);
    std::string dev, dir, fstype;
    if (f >> dev >> dir >> fstype && dir == mount_point && fstype == type) return true;
  }
  return false;
}

Result<SessionCgroups> SessionCgroups::set_up(const std::string& mount_point) {
  auto mounts = read_file("/proc/mounts");
  if (!mounts) return mounts.error();
  if (!is_mounted(*mounts, mount_point, "cgroup2")) {
    ::mkdir(mount_point.c_str(), 0755);  // sysfs has it already when the kernel has cgroups
    if (::mount("cgroup2", mount_point.c_str(), "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                nullptr) != 0)
      return errno_error("cannot mount cgroup2 on " + mount_point);
  }
  std::string folder = mount_point + "/umlcluster";
  if (::mkdir(folder.c_str(), 0755) != 0 && errno != EEXIST)
    return errno_error("cannot make " + folder);
  // The root cgroup has no cgroup.kill of its own; a child has it from Linux 5.14 on.
  if (::access((folder + "/cgroup.kill").c_str(), W_OK) != 0)
    return errno_error(folder + "/cgroup.kill (a kernel before 5.14 has none)");
  return SessionCgroups(folder);
}

Result<std::string> SessionCgroups::create() {
  std::string path = folder_ + "/" + std::to_string(next_++);
  if (::mkdir(path.c_str(), 0755) != 0) return errno_error("cannot make cgroup " + path);
  return path;
}

Status SessionCgroups::add(const std::string& cgroup, pid_t pid) {
  return write_control(cgroup + "/cgroup.procs", std::to_string(pid));
}

Status SessionCgroups::kill(const std::string& cgroup) {
  return write_control(cgroup + "/cgroup.kill", "1");
}

void SessionCgroups::retire(const std::string& cgroup) {
  retired_.push_back(cgroup);
  sweep();
}

void SessionCgroups::sweep() {
  // rmdir of a cgroup that still has a process fails with EBUSY (a plain folder that is
  // not empty: ENOTEMPTY); anything else will not get better by waiting.
  std::erase_if(retired_, [](const std::string& cg) {
    return ::rmdir(cg.c_str()) == 0 || (errno != EBUSY && errno != ENOTEMPTY);
  });
}

}  // namespace uc::agent
