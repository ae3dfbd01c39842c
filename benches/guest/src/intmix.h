/* The integer workload's kernel, shared by the Linux/host program (intmix.c)
 * and the bare-metal image (intmix_bare.c). Uses no libc at all, so the
 * bare-metal build links it unchanged. */
#ifndef INTMIX_H
#define INTMIX_H

#include <stdint.h>

/* Runs `iterations` rounds of the list, matrix, state-machine and CRC mix
 * and returns a CRC-32 of all their results. */
uint32_t intmix_run(uint32_t iterations);

#endif
