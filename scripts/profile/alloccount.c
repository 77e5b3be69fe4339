// LD_PRELOAD counter for scripts/profile/earn-counts: counts the malloc-family and fsync/fdatasync
// calls of a process and appends them, with its getrusage CPU time, to $ALLOC_COUNT_FILE at exit.
// Counts do not depend on machine load (this VM has no hardware counters, valgrind crashes on Swift).
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
static atomic_ulong calls;
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
void *malloc(size_t n) { atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed); return __libc_malloc(n); }
void *calloc(size_t a, size_t b) { atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed); return __libc_calloc(a, b); }
void *realloc(void *p, size_t n) { atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed); return __libc_realloc(p, n); }
int posix_memalign(void **out, size_t align, size_t n) {
  atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
  void *p = __libc_memalign(align, n); if (!p) return 12; *out = p; return 0;
}
void *aligned_alloc(size_t align, size_t n) { atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed); return __libc_memalign(align, n); }
static atomic_ulong syncs;
int fsync(int fd) { atomic_fetch_add_explicit(&syncs, 1, memory_order_relaxed); static int (*real)(int); if (!real) real = dlsym(RTLD_NEXT, "fsync"); return real(fd); }
int fdatasync(int fd) { atomic_fetch_add_explicit(&syncs, 1, memory_order_relaxed); static int (*real)(int); if (!real) real = dlsym(RTLD_NEXT, "fdatasync"); return real(fd); }
__attribute__((destructor)) static void report(void) {
  const char *path = getenv("ALLOC_COUNT_FILE"); if (!path) return;
  FILE *f = fopen(path, "a"); if (!f) return;
  struct rusage u; getrusage(RUSAGE_SELF, &u);
  fprintf(f, "allocations %lu syncs %lu cpu_us %ld\n", (unsigned long)atomic_load(&calls), (unsigned long)atomic_load(&syncs), (long)(u.ru_utime.tv_sec*1000000L+u.ru_utime.tv_usec+u.ru_stime.tv_sec*1000000L+u.ru_stime.tv_usec)); fclose(f);
}
