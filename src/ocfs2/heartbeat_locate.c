/* Where a volume's heartbeat region lies in its disk file, read with libocfs2 (Debian's
 * ocfs2-tools-dev) as mount.ocfs2 finds it for the kernel: the heartbeat system file's one
 * extent. libocfs2's headers are C only (C++ keywords as names), hence this file. */
#define _GNU_SOURCE
#include "ocfs2/heartbeat_locate.h"

#include <ocfs2/ocfs2.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

int uc_locate_heartbeat(const char* disk_file, struct uc_heartbeat_extent* out, char* err,
                        size_t err_len) {
  static int tables_ready = 0;
  if (!tables_ready) {
    initialize_ocfs_error_table();
    initialize_o2cb_error_table();
    tables_ready = 1;
  }
  ocfs2_filesys* fs = NULL;
  /* Buffered: the nodes write through the host's page cache, which O_DIRECT would pass by. */
  errcode_t e = ocfs2_open(disk_file, OCFS2_FLAG_RO | OCFS2_FLAG_BUFFERED, 0, 0, &fs);
  if (e) {
    snprintf(err, err_len, "%s", error_message(e));
    return -1;
  }
  struct o2cb_region_desc d;
  memset(&d, 0, sizeof d);
  e = ocfs2_fill_heartbeat_desc(fs, &d);
  if (e) {
    snprintf(err, err_len, "%s", error_message(e));
    ocfs2_close(fs);
    return -1;
  }
  out->offset = (uint64_t)d.r_start_block * d.r_block_bytes;
  out->blocks = (uint32_t)d.r_blocks;
  snprintf(out->uuid, sizeof out->uuid, "%s", d.r_name ? d.r_name : "");
  ocfs2_close(fs);
  return 0;
}
