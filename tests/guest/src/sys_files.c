/* File system syscalls inside a directory given as argv[1] (it must exist;
 * the program makes its own subdirectory there and removes it at the end):
 * openat/write/read/lseek/fchmod/fstat/newfstatat, renameat, unlinkat, mkdirat,
 * getdents64, faccessat. Paths are never printed, only what they hold. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static char dir[4096];

static const char *path(const char *name)
{
    static char buf[2][4200];
    static int which;
    which ^= 1;
    snprintf(buf[which], sizeof buf[which], "%s/%s", dir, name);
    return buf[which];
}

static void check(int ok, const char *what)
{
    if (!ok) {
        printf("FAILED: %s: %s\n", what, strerror(errno));
        exit(1);
    }
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lists the directory with raw getdents64 and prints the names sorted, with
 * the type of each entry (the order getdents64 returns is unspecified). */
static void list(void)
{
    char buf[4096], *names[64];
    int n = 0, fd = open(dir, O_RDONLY | O_DIRECTORY);
    long got;

    check(fd >= 0, "open directory");
    while ((got = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < got;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            char type = d->d_type == DT_DIR ? 'd' : d->d_type == DT_REG ? 'f' : '?';
            if (n < 64 && asprintf(&names[n], "%s(%c)", d->d_name, type) > 0)
                n++;
            off += d->d_reclen;
        }
    }
    check(got == 0, "getdents64");
    close(fd);
    qsort(names, (size_t)n, sizeof names[0], compare_names);
    printf("listing:");
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: sys_files DIR\n");
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/sys_files.d", argv[1]);
    check(mkdir(dir, 0755) == 0, "mkdir");
    printf("mkdir: ok\n");
    errno = 0;
    printf("mkdir again: %s\n", mkdir(dir, 0755) < 0 && errno == EEXIST ? "EEXIST" : "wrong");

    static const char text[] = "hello, file\nsecond line\n";
    int fd = open(path("a.txt"), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    check(fd >= 0, "create a.txt");
    /* fchmod rather than the creation mode, which the umask would filter. */
    check(fchmod(fd, 0640) == 0, "fchmod");
    printf("write: %zd\n", write(fd, text, sizeof text - 1));
    check(close(fd) == 0, "close");

    char buf[64] = { 0 };
    fd = open(path("a.txt"), O_RDONLY);
    check(fd >= 0, "open a.txt");
    ssize_t n = read(fd, buf, sizeof buf - 1);
    printf("read back %zd bytes: %s", n, buf);
    printf("read at EOF: %zd\n", read(fd, buf, sizeof buf));
    printf("lseek SEEK_SET 7: %ld\n", (long)lseek(fd, 7, SEEK_SET));
    memset(buf, 0, sizeof buf);
    n = read(fd, buf, 4);
    printf("read 4 there: %zd \"%s\"\n", n, buf);
    printf("lseek SEEK_CUR -2: %ld\n", (long)lseek(fd, -2, SEEK_CUR));
    printf("lseek SEEK_END 0: %ld\n", (long)lseek(fd, 0, SEEK_END));
    errno = 0;
    printf("lseek to -1: %s\n", lseek(fd, -1, SEEK_SET) < 0 && errno == EINVAL ? "EINVAL" : "wrong");

    struct stat st;
    check(fstat(fd, &st) == 0, "fstat");
    printf("fstat: size %ld, regular %s, mode %03o\n", (long)st.st_size,
           S_ISREG(st.st_mode) ? "yes" : "no", st.st_mode & 0777);
    close(fd);
    errno = 0;
    printf("read from closed fd: %s\n", read(fd, buf, 1) < 0 && errno == EBADF ? "EBADF" : "wrong");

    /* Append mode writes at the end whatever the offset. */
    fd = open(path("a.txt"), O_WRONLY | O_APPEND);
    check(fd >= 0, "open for append");
    lseek(fd, 0, SEEK_SET);
    write(fd, "third\n", 6);
    close(fd);
    check(stat(path("a.txt"), &st) == 0, "stat");
    printf("size after append: %ld\n", (long)st.st_size);

    check(rename(path("a.txt"), path("b.txt")) == 0, "rename");
    errno = 0;
    printf("open old name after rename: %s\n",
           open(path("a.txt"), O_RDONLY) < 0 && errno == ENOENT ? "ENOENT" : "wrong");
    printf("access new name: %s\n", access(path("b.txt"), R_OK) == 0 ? "ok" : "wrong");

    fd = open(path("c.txt"), O_CREAT | O_EXCL | O_WRONLY, 0600);
    check(fd >= 0, "create c.txt");
    close(fd);
    errno = 0;
    printf("O_EXCL on existing file: %s\n",
           open(path("c.txt"), O_CREAT | O_EXCL | O_WRONLY, 0600) < 0 && errno == EEXIST ? "EEXIST" : "wrong");
    check(mkdir(path("sub"), 0755) == 0, "mkdir sub");
    list();

    check(unlink(path("b.txt")) == 0, "unlink b.txt");
    check(unlink(path("c.txt")) == 0, "unlink c.txt");
    errno = 0;
    printf("unlink missing file: %s\n", unlink(path("c.txt")) < 0 && errno == ENOENT ? "ENOENT" : "wrong");
    check(rmdir(path("sub")) == 0, "rmdir sub");
    list();
    check(rmdir(dir) == 0, "rmdir");
    printf("removed everything: %s\n", access(dir, F_OK) < 0 ? "yes" : "no");
    return 0;
}
