/* C interface of heartbeat_locate.c (libocfs2 behind it). */
#pragma once

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uc_heartbeat_extent {
  uint64_t offset; /* in bytes, from the start of the disk file */
  uint32_t blocks; /* slots: node numbers 0 .. blocks-1 */
  char uuid[64];   /* the volume's, as the kernel names its region */
};

/* 0, or -1 with a message in err. Reads a few blocks of the file (blocking). */
int uc_locate_heartbeat(const char* disk_file, struct uc_heartbeat_extent* out, char* err,
                        size_t err_len);

#ifdef __cplusplus
}
#endif
