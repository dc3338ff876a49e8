// What a node kernel's configuration must hold, and the configurations umlcluster offers:
// the paper's (every option the paper names in menuconfig plus what OCFS2 and a node need,
// nothing else) and Debian's own UML kernel config. Pure text in, text or findings out: the
// build (kernel_build.h) runs Kconfig and hands the resolved .config here to be checked.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "sys/result.h"

namespace uc::kernel {

// The paper's configuration as a Kconfig fragment for `make allnoconfig KCONFIG_ALLCONFIG=`:
// every option not named here is off. Grouped by the paper's menuconfig sections.
std::string paper_fragment();

// The "lab" configuration: the paper's and what measuring and the work ahead need (debugfs
// for o2dlm's counters, NBD for a disk served across hosts, the kernel DLM and OCFS2's user
// stack for Pacemaker's dlm_controld). lab_extras() is the part added to the paper's.
std::string lab_extras();
std::string lab_fragment();

// Debian's UML kernel config (the user-mode-linux package ships it gzipped).
inline constexpr const char* kDebianConfig = "/usr/share/doc/user-mode-linux/config.gz";

// One `--set OPTION=VALUE`: OPTION with or without CONFIG_, VALUE y, m, n, a number, a hex
// number or a quoted string.
struct ConfigSet {
  std::string option;        // without CONFIG_
  std::string value;         // as in a .config ("y", "42", "\"text\"")
  std::string line() const;  // CONFIG_X=v, or "# CONFIG_X is not set" for n
};
Result<ConfigSet> parse_set(const std::string& arg);
// The CONFIG_X=v lines of a fragment as sets (comments and other lines skipped).
std::vector<ConfigSet> fragment_sets(const std::string& fragment);

// A .config as option -> value ("n" for "# CONFIG_X is not set"; options absent from the
// file are absent from the map, which Kconfig also reads as off).
using DotConfig = std::map<std::string, std::string>;
DotConfig parse_dotconfig(const std::string& text);

// What a node needs built in ("y") or at least as a module ("ym"), and why.
struct Requirement {
  const char* option;
  const char* allowed;  // "y" or "ym"
  const char* why;
};
const std::vector<Requirement>& node_requirements();

// One line per unmet requirement: "CONFIG_OCFS2_FS is not set (needs y or m): OCFS2 itself".
std::vector<std::string> unmet_requirements(const DotConfig& c);
// The --set values Kconfig did not keep (an unmet dependency turns them back off).
std::vector<std::string> sets_not_taken(const std::vector<ConfigSet>& sets, const DotConfig& c);

}  // namespace uc::kernel
