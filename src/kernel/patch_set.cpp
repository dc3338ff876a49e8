#include "kernel/patch_set.h"

#include <fmt/format.h>
#include <unistd.h>

#include <sstream>

#include "sys/files.h"

namespace uc::kernel {

Result<std::vector<std::string>> parse_series(const std::string& text, const std::string& shown) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string name, extra;
    if (!(words >> name)) continue;
    if (words >> extra)
      return Error{fmt::format("{} line {}: one patch file a line, found \"{}\" after \"{}\"",
                               shown, n, extra, name)};
    if (name.find('/') != std::string::npos || name.front() == '.' || name.size() < 7 ||
        name.compare(name.size() - 6, 6, ".patch") != 0)
      return Error{
          fmt::format("{} line {}: \"{}\" is not a .patch file of this folder", shown, n, name)};
    for (const auto& seen : out)
      if (seen == name) return Error{fmt::format("{} line {}: {} is listed twice", shown, n, name)};
    out.push_back(name);
  }
  if (out.empty()) return Error{shown + ": lists no patch"};
  return out;
}

std::string project_patch_dir() {
  std::string dir = self_dir();
  for (const auto& candidate :
       {dir + "/../../kernel/patches", dir + "/../share/umlcluster/kernel/patches"})
    if (::access((candidate + "/series").c_str(), R_OK) == 0) return real_path(candidate);
  return "";
}

Result<std::vector<std::string>> patch_set_files(const std::string& name) {
  if (name != kProjectPatchSet)
    return Error{
        fmt::format("--patches {}: no such patch set (known: {})", name, kProjectPatchSet)};
  std::string dir = project_patch_dir();
  if (dir.empty())
    return Error{fmt::format(
        "--patches {}: the project's patch folder is missing (kernel/patches/series beside "
        "the binary, or share/umlcluster/kernel/patches when installed)",
        name)};
  std::string series = dir + "/series";
  auto text = read_file(series);
  if (!text) return Error{"--patches " + name + ": " + text.error().message};
  auto names = parse_series(*text, series);
  if (!names) return names.error();
  std::vector<std::string> out;
  for (const auto& n : *names) {
    std::string path = dir + "/" + n;
    if (!path_exists(path))
      return Error{fmt::format("{}: lists {}, which is not in {}", series, n, dir)};
    out.push_back(path);
  }
  return out;
}

}  // namespace uc::kernel
