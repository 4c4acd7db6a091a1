/*
 * forcelog: a preload library that records every fsync and fdatasync a process makes, for tests that must
 * see the system calls themselves (a SIGKILL keeps the page cache, so it cannot tell a force from none).
 *
 * Loaded with LD_PRELOAD; writes nothing unless RAFTLOG_FORCE_LOG names a file. One line per call, appended
 * with a single write (so lines of concurrent threads and processes do not mix):
 *   <pid> <start ns> <end ns> <fsync|fdatasync> <return value> <path of the descriptor>
 * Times are CLOCK_MONOTONIC, the clock of Java's System.nanoTime on Linux, so a test can order them against
 * its own.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int log_fd = -1;

__attribute__((constructor)) static void forcelog_init(void) {
    real_fsync = (int (*)(int)) dlsym(RTLD_NEXT, "fsync");
    real_fdatasync = (int (*)(int)) dlsym(RTLD_NEXT, "fdatasync");
    const char *path = getenv("RAFTLOG_FORCE_LOG");
    if (path != NULL) {
        log_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    }
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void record(const char *call, int fd, long long start, long long end, int rc) {
    if (log_fd < 0) {
        return;
    }
    char link[64];
    char target[PATH_MAX];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    target[n < 0 ? 0 : n] = '\0';
    char line[PATH_MAX + 128];
    int len = snprintf(line, sizeof line, "%d %lld %lld %s %d %s\n", (int) getpid(), start, end, call, rc, target);
    if (len > 0) {
        ssize_t ignored = write(log_fd, line, len < (int) sizeof line ? (size_t) len : sizeof line - 1);
        (void) ignored;
    }
}

static int traced(const char *call, int (*real)(int), int fd) {
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    int saved;
    long long start = now_ns();
    int rc = real(fd);
    saved = errno;
    record(call, fd, start, now_ns(), rc);
    errno = saved;
    return rc;
}

int fsync(int fd) {
    return traced("fsync", real_fsync, fd);
}

int fdatasync(int fd) {
    return traced("fdatasync", real_fdatasync, fd);
}
