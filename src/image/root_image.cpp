#include "image/root_image.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <set>

#include "config/cluster_file.h"
#include "node/kernel_cmdline.h"
#include "paths/state_paths.h"
#include "sys/files.h"
#include "sys/fnv_hash.h"
#include "sys/logged_run.h"
#include "sys/process.h"

namespace uc::image {
namespace {

constexpr const char* kRecipeVersion = "umlcluster-image-1";
constexpr const char* kModulesRoot = "/usr/lib/uml/modules";

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// Runs a build step with its output in `log`; on failure the error carries the log's tail.
// Ctrl-C or SIGTERM ends the step's whole process group (mmdebstrap and its apt and dpkg)
// and fails it: nothing of an interrupted build outlives `up`.
Status step(const std::vector<std::string>& argv, const std::string& log) {
  return run_logged({argv, log, "", {}, {}});
}

}  // namespace

std::vector<std::string> base_packages() {
  return {"ocfs2-tools", "kmod", "iproute2", "procps", "util-linux", "iputils-ping"};
}

std::string hash_hex(const std::string& data) { return fnv1a_hex(data); }

Result<ImageRecipe> recipe_for(const ImageSpec& spec, const std::string& kernel) {
  ImageRecipe r;
  r.suite = spec.suite;
  std::set<std::string> pk(spec.packages.begin(), spec.packages.end());
  for (auto& p : base_packages()) pk.insert(p);
  r.packages.assign(pk.begin(), pk.end());
  r.size = spec.size;
  // The modules must match the kernel the nodes run: Debian's user-mode-linux ships both.
  auto versions = list_dir(kModulesRoot);
  if (versions.empty())
    return err(std::string("no UML kernel modules in ") + kModulesRoot +
               " (install Debian's user-mode-linux package)");
  r.kernel_version = versions.back();
  (void)kernel;
  r.agent_path = helper_path("umlcluster-agent");
  if (::access(r.agent_path.c_str(), R_OK) != 0)
    return err("the guest agent is missing: " + r.agent_path + " (build the project first)");
  return r;
}

std::string package_key(const ImageRecipe& r) {
  std::string s = std::string(kRecipeVersion) + "|" + r.suite;
  for (auto& p : r.packages) s += "|" + p;
  return hash_hex(s);
}

Result<std::string> image_key(const ImageRecipe& r) {
  auto agent = read_file(r.agent_path);
  if (!agent) return agent.error();
  return hash_hex(package_key(r) + "|" + r.kernel_version + "|" + std::to_string(r.size) + "|" +
                  hash_hex(*agent));
}

Result<ImageBuild> ensure_image(const ImageRecipe& r, const Progress& progress, bool rebuild) {
  auto key = image_key(r);
  if (!key) return key.error();
  std::string dir = images_dir() + "/" + *key;
  std::string img = dir + "/rootfs.img";
  UC_TRY(make_dirs(images_dir(), 0700));
  UC_TRY(make_dirs(cache_dir(), 0700));
  // One builder at a time; a second `up` waits here and then finds the image ready.
  auto lockfd = open_file(images_dir() + "/.build.lock", O_RDWR | O_CREAT, 0600);
  if (!lockfd) return lockfd.error();
  if (::flock(lockfd->get(), LOCK_EX | LOCK_NB) != 0) {
    progress("waiting for another image build to finish");
    ::flock(lockfd->get(), LOCK_EX);
  }
  if (!rebuild && path_exists(img) && path_exists(dir + "/manifest.json"))
    return ImageBuild{img, false};

  auto t0 = std::chrono::steady_clock::now();
  auto tmp = TempDir::create(state_root(), ".image-build-");
  if (!tmp) return tmp.error();
  std::string log = tmp->path() + "/build.log";
  std::string tar = cache_dir() + "/packages-" + package_key(r) + ".tar";

  if (rebuild || !path_exists(tar)) {
    progress(
        fmt::format("[1/4] downloading and installing Debian {} packages with mmdebstrap "
                    "(about 20-40 s)",
                    r.suite));
    std::string inc;
    for (auto& p : r.packages) inc += (inc.empty() ? "" : ",") + p;
    std::string part = tmp->path() + "/packages.tar";
    UC_TRY(step({"mmdebstrap", "--variant=minbase", "--include=" + inc, r.suite, part}, log));
    if (::rename(part.c_str(), tar.c_str()) != 0) return errno_error("rename " + tar);
  } else {
    progress("[1/4] Debian packages: cached");
  }

  progress("[2/4] unpacking the root tree");
  std::string tree = tmp->path() + "/tree";
  UC_TRY(make_dirs(tree, 0755));
  UC_TRY(step({"tar", "-C", tree, "-xf", tar}, log));

  progress(fmt::format("[3/4] adding UML modules {}, depmod, the guest agent", r.kernel_version));
  UC_TRY(make_dirs(tree + "/lib/modules", 0755));
  UC_TRY(
      step({"cp", "-a", std::string(kModulesRoot) + "/" + r.kernel_version, tree + "/lib/modules/"},
           log));
  // The host has no depmod; the image's own does the job in a chroot.
  UC_TRY(step({"chroot", tree, "/sbin/depmod", r.kernel_version}, log));
  UC_TRY(copy_file(r.agent_path, tree + node::kAgentPath, 0755));
  ::unlink((tree + "/etc/mtab").c_str());
  // mkfs.ocfs2 and o2cb read /etc/mtab to see what is mounted.
  if (::symlink("../proc/self/mounts", (tree + "/etc/mtab").c_str()) != 0)
    return errno_error("symlink /etc/mtab");

  progress(fmt::format("[4/4] writing the {} ext4 image", format_size(r.size)));
  bool new_dir = !path_exists(dir);
  UC_TRY(make_dirs(dir, 0700));
  std::string part = img + ".part";
  ::unlink(part.c_str());
  if (auto st = step({"mke2fs", "-q", "-F", "-t", "ext4", "-L", "umlroot", "-d", tree, part,
                      std::to_string(r.size / 1024) + "k"},
                     log);
      !st) {
    ::unlink(part.c_str());
    if (new_dir) (void)remove_tree(dir);  // no half-made image folder
    return st.error();
  }
  // Read-only for everyone: nodes share it, and a COW file remembers its mtime.
  ::chmod(part.c_str(), 0444);
  if (::rename(part.c_str(), img.c_str()) != 0) return errno_error("rename " + img);
  nlohmann::json m{{"key", *key},
                   {"suite", r.suite},
                   {"packages", r.packages},
                   {"kernel_version", r.kernel_version},
                   {"size", r.size},
                   {"built_at", std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count()},
                   {"build_seconds", seconds_since(t0)}};
  UC_TRY(write_file_atomic(dir + "/manifest.json", m.dump(2) + "\n", 0600));
  progress(fmt::format("image {} built in {:.1f} s", *key, seconds_since(t0)));
  return ImageBuild{img, true};
}

Result<ImageBuild> image_for(const ClusterSpec& spec, const Progress& progress, bool rebuild) {
  auto recipe = recipe_for(spec.image, spec.nodes.front().kernel);
  if (!recipe) return recipe.error();
  auto img = ensure_image(*recipe, progress, rebuild);
  if (!img) return err("image build failed: " + img.error().message);
  return img;
}

std::vector<ImageInfo> list_images() {
  std::vector<ImageInfo> out;
  for (const auto& key : list_dir(images_dir())) {
    std::string dir = images_dir() + "/" + key;
    auto text = read_file(dir + "/manifest.json");
    if (!text) continue;
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded()) continue;
    ImageInfo i;
    i.key = key;
    i.path = dir + "/rootfs.img";
    struct stat st;
    if (::stat(i.path.c_str(), &st) == 0) {
      i.size = static_cast<uint64_t>(st.st_size);
      i.disk_bytes = static_cast<uint64_t>(st.st_blocks) * 512;
    }
    i.suite = j.value("suite", "");
    i.kernel_version = j.value("kernel_version", "");
    i.packages = j.value("packages", std::vector<std::string>{});
    i.built_at = j.value("built_at", int64_t{0});
    out.push_back(i);
  }
  return out;
}

Status remove_image(const std::string& key) {
  if (key.empty() || key.find('/') != std::string::npos || key[0] == '.')
    return err("not an image key: " + key);
  std::string dir = images_dir() + "/" + key;
  if (!path_exists(dir)) return err("no image " + key);
  return remove_tree(dir);
}

}  // namespace uc::image
