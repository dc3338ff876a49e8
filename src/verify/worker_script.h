// The guest half of `umlcluster verify`: a perl program (perl-base only: Fcntl, IO::Handle,
// POSIX) that the host runs on every node as `perl -e SCRIPT MODE ARGS...`.
//   run DIR NODE SECONDS SEED
//     For SECONDS seconds (whole seconds: at least SECONDS, at most one more; 0 does
//     nothing), or until SIGTERM/SIGINT (the current operation finishes, exit 0), does
//     operations picked by a PRNG seeded with SEED (give each node its own seed): append a
//     record to DIR/log-NODE (O_APPEND, fsync); append one to DIR/shared under flock(LOCK_EX)
//     at the end it sees under the lock (fsync, unlock); create DIR/files/NODE-SEQ via a
//     fsynced .tmp, rename and directory fsync; now and then unlink one of its acknowledged
//     files (directory fsync). Record lines: record_format.h. stdout lines: worker_lines.h;
//     an ack is printed only once everything is fsynced. An I/O error prints an error line
//     and the worker goes on after 100 ms. NODE: [A-Za-z0-9_.-]{1,64}; SEED: up to 18
//     digits. SEQ starts one past the highest this node already has in DIR, so a restarted
//     worker never reuses an id; use a fresh DIR for every verify run all the same (older
//     records would show up as unexpected).
//   dump DIR
//     Prints every regular file under DIR in the format of volume_dump.h. Run it after all
//     workers stopped, on every node, to compare what each node reads.
// Exit status 0, or 2 with a usage line on stderr for bad arguments. The mode comes first
// so that perl takes no later argument for one of its own switches.
#pragma once

#include <string>

namespace uc::verify {

std::string worker_script();

}  // namespace uc::verify
