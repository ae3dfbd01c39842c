/* The start-up workload: a tiny program whose run is mostly process start-up
 * (loading, libc initialisation, exit). The harness runs it many times;
 * startup N prints N's square, so each run's output is checked. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], 0, 10) : 0;
    printf("startup %lu %lu\n", n, n * n);
    return 0;
}
