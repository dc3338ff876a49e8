#include "client/disk_check.h"

#include <fcntl.h>
#include <fmt/format.h>

#include "client/lifecycle.h"
#include "sys/files.h"
#include "sys/process.h"

namespace uc::client {

FsckOutcome check_disks(const ClusterPaths& p, const ClusterSpec& spec, const std::string& only) {
  FsckOutcome out;
  for (const auto& d : spec.disks) {
    if (!only.empty() && d.name != only) continue;
    // Read-only: -n answers no to every question; nothing on the disk changes. -f: every
    // pass, whatever the superblock's flags say (without it fsck.ocfs2 reads the flags,
    // says "clean" and stops).
    std::string log_path = p.dir + "/fsck-" + d.name + ".log";
    auto log = open_file(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    Status st =
        log ? run_command({"fsck.ocfs2", "-fn", p.disk(d.name)}, log->get()) : Status(log.error());
    auto text = read_file(log_path);
    out.output += fmt::format("== {} ({})\n{}", d.name, p.disk(d.name), text ? *text : "");
    if (!st) {
      out.clean = false;
      out.summary += fmt::format(
          "disk {}: the forced check found problems or could not finish ({}); "
          "its output: {}\n",
          d.name, st.error().message, log_path);
    } else {
      out.summary += fmt::format("disk {}: every pass of the forced check succeeded\n", d.name);
    }
  }
  return out;
}

Result<FsckOutcome> fsck_between_runs(const ClusterPaths& p, const std::string& name,
                                      const ClusterSpec& spec,
                                      const std::function<void(const std::string&)>& note) {
  note(fmt::format("stopping cluster {} to check its disks\n", name));
  UC_TRY(stop_cluster(p));
  auto outcome = check_disks(p, spec);
  note(fmt::format("{}starting cluster {} again\n", outcome.summary, name));
  UC_TRY(start_supervisor(p, name, true));
  auto c = connect_supervisor(p);
  if (!c) return err("the supervisor did not answer after its start");
  auto snap = c->request({control::Op::kSubscribe});
  if (!snap) return snap.error();
  UC_TRY(wait_until_ready(*c, *snap, WaitOptions{}));
  return outcome;
}

}  // namespace uc::client
