/* Three ways to end a process, chosen by argv[1]:
 *   exit    exit(42): stdio buffers are flushed on the way out
 *   return  return 3 from main: the same path as exit(3)
 *   _exit   _exit(9): the raw syscall, so text still in a stdio buffer is lost
 * Anything else prints a usage line on stderr and returns 2. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "";

    if (strcmp(how, "exit") == 0) {
        printf("calling exit(42)\n");
        exit(42);
    }
    if (strcmp(how, "return") == 0) {
        printf("returning 3 from main\n");
        return 3;
    }
    if (strcmp(how, "_exit") == 0) {
        static const char msg[] = "calling _exit(9)\n";
        write(1, msg, sizeof msg - 1);
        /* No newline: never flushed, whether stdout is a tty or a pipe. */
        printf("this stays in the stdio buffer and is lost");
        _exit(9);
    }
    fprintf(stderr, "usage: exit_codes exit|return|_exit\n");
    return 2;
}
