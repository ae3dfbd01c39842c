/* The syscall-heavy workload: syscalls ROUNDS. Each round writes a small
 * message into a pipe and reads it back, and writes it to /dev/null: three
 * system calls carrying a few bytes each, so the cost is the system call
 * path, not the copying. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void die(const char *what)
{
    perror(what);
    exit(1);
}

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : 100000;
    int fds[2];
    if (pipe(fds) != 0)
        die("pipe");
    int null = open("/dev/null", O_WRONLY);
    if (null < 0)
        die("/dev/null");
    uint32_t sum = 0;
    unsigned char msg[16], back[16];
    for (unsigned r = 0; r < rounds; r++) {
        for (int i = 0; i < 16; i++)
            msg[i] = (unsigned char)(r * 31 + i);
        if (write(fds[1], msg, sizeof msg) != sizeof msg)
            die("write");
        if (read(fds[0], back, sizeof back) != sizeof back)
            die("read");
        if (write(null, back, sizeof back) != sizeof back)
            die("write /dev/null");
        for (int i = 0; i < 16; i++)
            sum = sum * 33 + back[i];
    }
    printf("syscalls %u %08x\n", rounds, sum);
    return 0;
}
