/* Processes seen from a glibc program: fork, wait statuses, pipelines,
 * execve, posix_spawn, vfork, #! scripts.
 *
 * Without arguments it runs every scenario in an order forced by waits, so
 * its whole output (the children's included) is deterministic. It runs
 * itself in other modes:
 *
 *   gen N      print "line 1" .. "line N"
 *   upper      copy stdin to stdout in upper case
 *   echo ARGS  print ARGS on one line
 *   cat PATHS  print each file, or the error opening it
 *
 * When PROCS_EXEC_WRAPPER names a program (a user-mode emulator), every
 * exec of this program goes through it: `make check` records the expected
 * output under qemu-riscv64 that way, since a host without binfmt_misc
 * cannot exec a RISC-V file directly. The output does not depend on it.
 *
 * Output goes through write(2), never stdio buffers, so a fork never
 * duplicates pending output. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static char self[4096];

static void say(const char *fmt, ...) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (write(1, buf, n) != n) _exit(99);
}

/* Describe a wait status as a shell would. */
static void report(const char *what, int status) {
    if (WIFEXITED(status))
        say("%s: exited %d\n", what, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        say("%s: killed by signal %d\n", what, WTERMSIG(status));
    else
        say("%s: status %#x\n", what, status);
}

/* argv to run this program in `mode` with up to two arguments, through the
 * wrapper when there is one. */
static char **self_argv(char **v, const char *mode, const char *a, const char *b) {
    int i = 0;
    const char *wrapper = getenv("PROCS_EXEC_WRAPPER");
    if (wrapper && *wrapper) v[i++] = (char *)wrapper;
    v[i++] = self;
    v[i++] = (char *)mode;
    if (a) v[i++] = (char *)a;
    if (b) v[i++] = (char *)b;
    v[i] = NULL;
    return v;
}

static void exec_self(const char *mode, const char *a, const char *b) {
    char *v[8];
    self_argv(v, mode, a, b);
    execve(v[0], v, environ);
    say("execve %s: %s\n", mode, strerror(errno));
    _exit(127);
}

static void exit_codes(void) {
    int codes[] = {0, 3, 255};
    pid_t parent = getpid();
    for (int i = 0; i < 3; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            say("child %d: getppid is the parent: %d, own pid differs: %d\n", i, getppid() == parent, getpid() != parent);
            _exit(codes[i]);
        }
        int status;
        pid_t got = waitpid(pid, &status, 0);
        say("waitpid returned the child: %d\n", got == pid);
        report("child", status);
    }
}

/* Nothing is mapped there. */
static volatile int *volatile nowhere;

static void killed_by_signal(void) {
    pid_t pid = fork();
    if (pid == 0) {
        *nowhere = 1;
        _exit(0);
    }
    int status;
    waitpid(pid, &status, 0);
    report("faulting child", status);
}

static void nohang_and_echild(void) {
    int fds[2];
    if (pipe(fds)) _exit(98);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(fds[1]);
        /* Wait for the parent to close its end. */
        while (read(fds[0], &c, 1) > 0) {}
        _exit(5);
    }
    close(fds[0]);
    int status = -1;
    say("WNOHANG while running: %d\n", waitpid(pid, &status, WNOHANG));
    close(fds[1]);
    pid_t got = wait4(-1, &status, 0, NULL);
    say("wait4(-1) got the child: %d\n", got == pid);
    report("blocked child", status);
    errno = 0;
    say("no children left: %d %s\n", waitpid(-1, &status, 0), strerror(errno));
    say("WNOHANG without children: %d %s\n", waitpid(-1, &status, WNOHANG), strerror(errno));
}

static void waitid_and_groups(void) {
    pid_t pid = fork();
    if (pid == 0) {
        /* A group of its own, as a shell does for a job. */
        say("child setpgid: %d, leads its group: %d\n", setpgid(0, 0), getpgid(0) == getpid());
        _exit(7);
    }
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int r = waitid(P_PID, pid, &info, WEXITED | WNOWAIT);
    say("waitid WNOWAIT: %d code %d status %d pid matches %d\n", r, info.si_code, info.si_status,
        info.si_pid == pid);
    say("parent sees the child's group: %d\n", getpgid(pid) == pid);
    memset(&info, 0, sizeof info);
    r = waitid(P_ALL, 0, &info, WEXITED);
    say("waitid: %d code %d status %d signo %d\n", r, info.si_code, info.si_status, info.si_signo);
    memset(&info, 0, sizeof info);
    errno = 0;
    r = waitid(P_ALL, 0, &info, WEXITED | WNOHANG);
    say("waitid without children: %d %s\n", r, strerror(errno));
    say("own session is the caller's: %d\n", getsid(0) == getsid(getpid()));
}

static void pipeline(void) {
    int fds[2];
    if (pipe(fds)) _exit(98);
    pid_t gen = fork();
    if (gen == 0) {
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        exec_self("gen", "3", NULL);
    }
    pid_t up = fork();
    if (up == 0) {
        dup2(fds[0], 0);
        close(fds[0]);
        close(fds[1]);
        exec_self("upper", NULL, NULL);
    }
    close(fds[0]);
    close(fds[1]);
    /* upper ends after gen (at the end of its input) and after its own
     * output: waiting for it first orders that output before both reports. */
    int status;
    waitpid(up, &status, 0);
    report("upper", status);
    waitpid(gen, &status, 0);
    report("gen", status);
}

static void spawn(void) {
    char *v[8];
    pid_t pid;
    self_argv(v, "echo", "spawned", "by posix_spawn");
    int err = posix_spawn(&pid, v[0], NULL, NULL, v, environ);
    /* The child prints once it runs the new program: report after it. */
    int status;
    waitpid(pid, &status, 0);
    say("posix_spawn: %d\n", err);
    report("spawned", status);
}

static void vfork_exec(void) {
    pid_t pid = vfork();
    if (pid == 0) exec_self("echo", "after vfork", NULL);
    int status;
    waitpid(pid, &status, 0);
    report("vforked", status);
}

static void exec_errors(void) {
    char *v[] = {"x", NULL};
    errno = 0;
    say("execve missing: %d %s\n", execve("/nonexistent/program", v, environ), strerror(errno));
    say("execve directory: %d %s\n", execve("/", v, environ), strerror(errno));
    char path[] = "/tmp/procs-garbage-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, "\177ELF not really\n", 16) != 16) _exit(97);
    close(fd);
    chmod(path, 0644);
    say("execve not executable: %d %s\n", execve(path, v, environ), strerror(errno));
    chmod(path, 0755);
    say("execve bad ELF: %d %s\n", execve(path, v, environ), strerror(errno));
    unlink(path);
}

static void script(void) {
    char path[] = "/tmp/procs-script-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) _exit(96);
    char line[4200];
    const char *wrapper = getenv("PROCS_EXEC_WRAPPER");
    int n = wrapper && *wrapper ? snprintf(line, sizeof line, "#!%s %s\n", wrapper, self)
                                : snprintf(line, sizeof line, "#! %s\n", self);
    if (write(fd, line, n) != n) _exit(96);
    close(fd);
    chmod(path, 0755);
    pid_t pid = fork();
    if (pid == 0) {
        char *v[] = {"ignored", "given", NULL};
        execve(path, v, environ);
        say("execve script: %s\n", strerror(errno));
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    report("script", status);
    unlink(path);
}

int main(int argc, char **argv) {
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) return 90;
    self[n] = 0;
    if (argc >= 3 && strcmp(argv[1], "gen") == 0) {
        for (int i = 1; i <= atoi(argv[2]); i++) say("line %d\n", i);
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "upper") == 0) {
        char buf[256];
        ssize_t r;
        while ((r = read(0, buf, sizeof buf)) > 0) {
            for (ssize_t i = 0; i < r; i++) buf[i] = toupper((unsigned char)buf[i]);
            if (write(1, buf, r) != r) return 1;
        }
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "echo") == 0) {
        for (int i = 2; i < argc; i++) say("%s%s", argv[i], i + 1 < argc ? " " : "\n");
        return 0;
    }
    if (argc >= 2 && strcmp(argv[1], "cat") == 0) {
        for (int i = 2; i < argc; i++) {
            int fd = open(argv[i], O_RDONLY);
            if (fd < 0) {
                say("%s: %s\n", argv[i], strerror(errno));
                continue;
            }
            char buf[256];
            ssize_t r;
            while ((r = read(fd, buf, sizeof buf)) > 0)
                if (write(1, buf, r) != r) return 1;
            close(fd);
        }
        return 0;
    }
    if (argc >= 2 && strstr(argv[1], "/tmp/procs-script-")) {
        say("script interpreter got %d arguments, then: %s\n", argc, argc > 2 ? argv[2] : "-");
        return 4;
    }
    say("pid differs from parent: %d\n", getpid() != getppid());
    exit_codes();
    killed_by_signal();
    nohang_and_echild();
    waitid_and_groups();
    pipeline();
    spawn();
    vfork_exec();
    exec_errors();
    script();
    say("done\n");
    return 0;
}
