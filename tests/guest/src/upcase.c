/* Copies standard input to standard output in upper case, then reports the
 * byte count on standard error: exercises read(0) to EOF and both outputs. */
#include <ctype.h>
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    char buf[256];
    size_t total = 0;
    ssize_t n;

    while ((n = read(0, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            buf[i] = (char)toupper((unsigned char)buf[i]);
        if (write(1, buf, (size_t)n) != n)
            return 1;
        total += (size_t)n;
    }
    if (n < 0) {
        perror("upcase: read");
        return 1;
    }
    fprintf(stderr, "upcase: %zu bytes\n", total);
    return 0;
}
