// A shared disk on the host: a sparse file that every attached node opens as a UML block
// device (ubdNc: shared, no host lock). Created once; never truncated or reformatted.
#pragma once

#include <cstdint>
#include <string>

#include "sys/result.h"

namespace uc::ocfs2 {

enum class DiskContent { kBlank, kOcfs2, kOther };

// Creates the file if it does not exist (owned by the nodes' user, 0600); an existing
// disk is left exactly as it is.
Status ensure_disk_file(const std::string& path, uint64_t size, unsigned uid, unsigned gid);
// Looks for the OCFS2 superblock signature ("OCFSV2" at block 2 for any block size).
Result<DiskContent> probe_disk(const std::string& path);
DiskContent classify_disk_head(const std::string& first_bytes);

}  // namespace uc::ocfs2
