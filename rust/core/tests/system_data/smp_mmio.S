/* Three harts take tickets from a device the host serves at DEV (mapped
 * by the test): each reads the ticket register at 0 three times, a turn
 * of work apart, sums its tickets in s3 and reports each at DEV + 64 +
 * 8 * hart id. Hart 0 passes once all have arrived. */
#include "common.h"
#define DEV 0x40000000
#define HARTS 3
    .section .text.init
    .globl _start
_start:
    li s0, DEV
    slli s1, a0, 3
    add s1, s0, s1
    li s2, 3
    li s3, 0
1:  ld t0, 0(s0)
    add s3, s3, t0
    sd t0, 64(s1)
    li t1, 500
2:  addi t1, t1, -1
    bnez t1, 2b
    addi s2, s2, -1
    bnez s2, 1b
    ARRIVE_AND_PARK a0, arrived, HARTS
    PASS

    .data
    .align 3
arrived: .dword 0

    HTIF_WORDS
