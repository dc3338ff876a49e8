// Patch sets that `kernel build --patches NAME` knows by name. "umlcluster": the project's own
// OCFS2 fixes, the files that kernel/patches/series lists in order (installed under
// share/umlcluster/kernel/patches). The series is parsed here without touching the disk; the
// folder is found beside the binary.
#pragma once

#include <string>
#include <vector>

#include "sys/result.h"

namespace uc::kernel {

inline constexpr const char* kProjectPatchSet = "umlcluster";

// The patch files a series names, in order. `shown` names the file in errors ("FILE line N:").
// A line is a file name of the same folder, optionally followed by a # comment.
Result<std::vector<std::string>> parse_series(const std::string& text, const std::string& shown);

// The folder with the project's patches: the source tree's kernel/patches beside a build's
// binary, or share/umlcluster/kernel/patches beside an installed one ("" if neither).
std::string project_patch_dir();

// The files of patch set `name`, as full paths, each checked to exist.
Result<std::vector<std::string>> patch_set_files(const std::string& name);

}  // namespace uc::kernel
