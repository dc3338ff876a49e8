// The lab folder's steps in a node (config/lab.h): copied files, startup and shutdown
// scripts, each a job of the node's agent, their output in the node's console log.
#include <fcntl.h>
#include <fmt/format.h>

#include "supervisor/supervisor_core.h"
#include "sys/files.h"

namespace uc::cluster {

void Supervisor::run_lab(const std::string& node, std::shared_ptr<std::vector<LabStep>> steps,
                         size_t i, int64_t launched, bool must_pass, std::function<void()> then) {
  ManagedNode* n = find(node);
  bool same_boot = n && n->machine.launched_at() == launched;
  if (!same_boot || i == steps->size()) {
    // A node that restarted meanwhile starts its own steps; a shutdown still counts as done.
    if (same_boot || !must_pass) then();
    return;
  }
  const LabStep& s = (*steps)[i];
  record(node, "lab_step", {{"step", s.what}}, fmt::format("{}: lab {}", node, s.what));
  n->link.run_job(
      s.argv,
      [this, node, steps, i, launched, must_pass, then](int code, const std::string& out,
                                                        const std::string& err) {
        const LabStep& step = (*steps)[i];
        std::string output = out + err;
        if (auto fd = open_file(paths_.node_log(node), O_WRONLY | O_APPEND)) {
          std::string block =
              fmt::format("==== umlcluster: lab {} (exit {}) ====\n{}", step.what, code, output);
          if (!block.empty() && block.back() != '\n') block += '\n';
          (void)write_all(fd->get(), block.data(), block.size());
        }
        if (code != 0) {
          std::string why = lab_failure(node, step, code, output);
          record(node, "lab_failed", {{"step", step.what}, {"exit_code", code}}, why);
          if (must_pass) {
            ManagedNode* m = find(node);
            if (m && m->machine.launched_at() == launched) failed(node, why);
            return;
          }
        }
        run_lab(node, steps, i + 1, launched, must_pass, then);
      },
      s.input);
}

}  // namespace uc::cluster
