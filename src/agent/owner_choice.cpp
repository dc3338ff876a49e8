#include "agent/owner_choice.h"

#include <sstream>

namespace uc::agent {

bool lists_cgroup2(const std::string& proc_filesystems) {
  std::istringstream in(proc_filesystems);
  std::string line;
  while (std::getline(in, line)) {
    // "nodev\tcgroup2": the name is the last word of the line.
    std::istringstream words(line);
    std::string word, last;
    while (words >> word) last = word;
    if (last == "cgroup2") return true;
  }
  return false;
}

OwnerChoice choose_owner(bool is_init, const std::string& sessions_param,
                         const std::string& proc_filesystems) {
  std::string note;
  if (sessions_param == "tree")
    return {OwnerKind::kTree, "uc.sessions=tree on the kernel command line"};
  if (!sessions_param.empty() && sessions_param != "cgroup")
    note = " (uc.sessions=" + sessions_param + " ignored: it takes cgroup or tree)";
  // Run by hand on some system, the agent is a guest there: that system's cgroups are not
  // its to mount or carve up.
  if (!is_init) return {OwnerKind::kTree, "not the guest's init" + note};
  if (!lists_cgroup2(proc_filesystems))
    return {OwnerKind::kTree, "the kernel has no cgroup2 (built without CONFIG_CGROUPS)" + note};
  return {OwnerKind::kCgroup, "cgroup2" + note};
}

}  // namespace uc::agent
