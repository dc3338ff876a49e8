/* umlcluster's xstate shim: preloaded into every UML kernel process (linux.uml is
 * dynamically linked), so that UML 6.1 runs on hosts whose XSAVE area is larger than
 * the one it knows.
 *
 * Why: UML saves a guest thread's FPU state with PTRACE_GETREGSET(NT_X86_XSTATE) into a
 * fixed 832-byte buffer (legacy area, header, AVX) and restores it with
 * PTRACE_SETREGSET. A short GET is allowed, but the host kernel takes a SET only of its
 * whole XSAVE size (arch/x86/kernel/fpu/regset.c, xstateregs_set: "A whole standard-
 * format XSAVE buffer is needed"), which on a CPU with AVX-512 and AMX is about 11 KB.
 * The SET fails with EFAULT, UML prints "ptrace set fp regs failed, errno = 14" and its
 * init dies of SIGSEGV at once. Upstream UML later sizes the buffer from the host.
 *
 * What: a short SET of NT_X86_XSTATE becomes GET whole, overlay UML's bytes, SET whole:
 * the state UML knows is restored exactly as before, and the parts it does not know keep
 * what the host process holds. Every other ptrace call goes to libc unchanged. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifndef NT_X86_XSTATE
#define NT_X86_XSTATE 0x202
#endif

typedef long (*ptrace_fn)(int, pid_t, void*, void*);

/* Far above any XSAVE area (AMX's is about 11 KB); UML's tracer is one thread. */
static _Thread_local unsigned char whole[64 * 1024] __attribute__((aligned(64)));

long ptrace(enum __ptrace_request request, ...) {
  static ptrace_fn real;
  va_list ap;
  va_start(ap, request);
  pid_t pid = va_arg(ap, pid_t);
  void* addr = va_arg(ap, void*);
  void* data = va_arg(ap, void*);
  va_end(ap);
  if (!real) real = (ptrace_fn)dlsym(RTLD_NEXT, "ptrace");
  if (!real) {
    errno = ENOSYS;
    return -1;
  }
  if (request == PTRACE_SETREGSET && (long)addr == NT_X86_XSTATE && data) {
    struct iovec* theirs = (struct iovec*)data;
    struct iovec full = {whole, sizeof whole};
    if (real(PTRACE_GETREGSET, pid, (void*)(long)NT_X86_XSTATE, &full) == 0 &&
        full.iov_len > theirs->iov_len) {
      memcpy(whole, theirs->iov_base, theirs->iov_len);
      return real(PTRACE_SETREGSET, pid, (void*)(long)NT_X86_XSTATE, &full);
    }
  }
  return real((int)request, pid, addr, data);
}
