/* Process-level syscalls: pipes, mmap/munmap, brk, getcwd, clocks, uname,
 * getrandom, writev, an unknown syscall number. argv[1] is a writable
 * directory for the file-backed mapping. Host-dependent values (times,
 * addresses, the working directory) print only as properties. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static const char *yes(int cond)
{
    return cond ? "yes" : "no";
}

static void pipes(void)
{
    int p[2];
    char buf[16] = { 0 };

    printf("pipe2: %d\n", pipe2(p, O_CLOEXEC));
    printf("write to pipe: %zd\n", write(p[1], "ping", 4));
    printf("read from pipe: %zd \"%s\"\n", read(p[0], buf, sizeof buf - 1), buf);
    close(p[1]);
    printf("read after writer closed: %zd\n", read(p[0], buf, sizeof buf));
    close(p[0]);

    /* dup2 onto a chosen descriptor, then read back through it. */
    pipe2(p, 0);
    printf("dup2: %d\n", dup2(p[1], 20));
    write(20, "pong", 4);
    memset(buf, 0, sizeof buf);
    read(p[0], buf, sizeof buf - 1);
    printf("through dup2: \"%s\"\n", buf);
    close(20);
    close(p[0]);
    close(p[1]);
}

static void mappings(const char *dir)
{
    const size_t size = 3 * 4096;
    unsigned char *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    printf("mmap anonymous: %s\n", m == MAP_FAILED ? "failed" : "ok");
    printf("page aligned: %s\n", yes(((uintptr_t)m & 4095) == 0));
    int zero = 1;
    for (size_t i = 0; i < size; i++)
        zero &= m[i] == 0;
    printf("zero filled: %s\n", yes(zero));
    unsigned sum = 0;
    for (size_t i = 0; i < size; i++)
        m[i] = (unsigned char)(i * 31);
    for (size_t i = 0; i < size; i++)
        sum += m[i];
    printf("sum after writing: %u\n", sum);

    /* Unmap the middle page: a syscall that reads from it must get EFAULT
     * (touching it directly would kill the process). */
    printf("munmap middle page: %d\n", munmap(m + 4096, 4096));
    int p[2];
    pipe2(p, 0);
    errno = 0;
    ssize_t w = write(p[1], m + 4096, 16);
    printf("write from unmapped page: %s\n", w < 0 && errno == EFAULT ? "EFAULT" : "wrong");
    printf("pages around it still there: %u %u\n", m[4095], m[8192]);
    close(p[0]);
    close(p[1]);
    munmap(m, 4096);
    munmap(m + 8192, 4096);

    /* A private file mapping: bytes past the end of the file read as zero. */
    char path[4200];
    snprintf(path, sizeof path, "%s/sys_misc.map", dir);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
    write(fd, "mapped file contents\n", 21);
    char *f = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    printf("mmap file: %s\n", f == MAP_FAILED ? "failed" : "ok");
    close(fd);
    if (f != MAP_FAILED) {
        printf("file bytes: %.21s", f);
        printf("past end of file is zero: %s\n", yes(f[21] == 0 && f[4095] == 0));
        munmap(f, 4096);
    }
    unlink(path);

    /* mprotect: make an anonymous page read-only, then writable again. */
    char *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    q[0] = 'x';
    printf("mprotect read-only: %d\n", mprotect(q, 4096, PROT_READ));
    printf("mprotect read-write: %d\n", mprotect(q, 4096, PROT_READ | PROT_WRITE));
    q[1] = 'y';
    printf("page after mprotect: %c%c\n", q[0], q[1]);
    munmap(q, 4096);
}

static void program_break(void)
{
    /* Raw brk: glibc's sbrk caches the break, so ask the kernel directly. */
    uintptr_t start = (uintptr_t)syscall(SYS_brk, 0);
    uintptr_t grown = (uintptr_t)syscall(SYS_brk, start + 256 * 1024);
    printf("brk grows by 256 KiB: %s\n", yes(grown == start + 256 * 1024));
    memset((void *)start, 0xab, 256 * 1024);
    printf("new break area writable: %s\n", yes(((unsigned char *)start)[256 * 1024 - 1] == 0xab));
    uintptr_t shrunk = (uintptr_t)syscall(SYS_brk, start);
    printf("brk shrinks back: %s\n", yes(shrunk == start));
}

static void process_info(void)
{
    char cwd[4096];
    long len = syscall(SYS_getcwd, cwd, sizeof cwd);
    printf("getcwd: absolute %s, length matches %s\n", yes(len > 0 && cwd[0] == '/'),
           yes(len == (long)strlen(cwd) + 1));
    errno = 0;
    printf("getcwd into 1 byte: %s\n", getcwd(cwd, 1) == NULL && errno == ERANGE ? "ERANGE" : "wrong");

    struct timespec a, b, r;
    clock_gettime(CLOCK_MONOTONIC, &a);
    clock_gettime(CLOCK_MONOTONIC, &b);
    printf("monotonic: %s\n", yes(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec)));
    clock_gettime(CLOCK_REALTIME, &r);
    printf("realtime after 2020: %s\n", yes(r.tv_sec > 1577836800));
    printf("nanoseconds in range: %s\n", yes(a.tv_nsec >= 0 && a.tv_nsec < 1000000000));
    struct timespec nap = { 0, 1000000 };
    printf("nanosleep 1 ms: %d\n", nanosleep(&nap, NULL));

    struct utsname u;
    printf("uname: %d\n", uname(&u));
    printf("sysname=%s machine=%s\n", u.sysname, u.machine);

    unsigned char r1[32], r2[32];
    printf("getrandom: %zd\n", getrandom(r1, sizeof r1, 0));
    getrandom(r2, sizeof r2, 0);
    printf("two draws differ: %s\n", yes(memcmp(r1, r2, sizeof r1) != 0));

    printf("pid positive: %s, tid equals pid: %s\n", yes(getpid() > 0),
           yes(syscall(SYS_gettid) == getpid()));
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sys_misc DIR\n");
        return 2;
    }
    /* Unbuffered, so stdio output and the raw writev below stay in order. */
    setvbuf(stdout, NULL, _IONBF, 0);
    pipes();
    mappings(argv[1]);
    program_break();
    process_info();

    struct iovec iov[3] = { { "writev: ", 8 }, { "three ", 6 }, { "pieces\n", 7 } };
    printf("writev returned %zd\n", writev(1, iov, 3));

    errno = 0;
    long r = syscall(500);
    printf("syscall 500: %ld, %s\n", r, errno == ENOSYS ? "ENOSYS" : "wrong errno");
    return 0;
}
