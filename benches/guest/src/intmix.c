/* The integer workload as a Linux (or host) program: intmix ROUNDS. */
#include <stdio.h>
#include <stdlib.h>

#include "intmix.h"

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], 0, 10) : 1000;
    printf("intmix %u %08x\n", rounds, intmix_run(rounds));
    return 0;
}
