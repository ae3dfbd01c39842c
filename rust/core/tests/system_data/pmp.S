/* PMP registers are accepted: every even pmpcfg (0 to 14) and every
 * pmpaddr (0 to 63) reads back what was written, with the WARL rules
 * (reserved bits 6:5 and W without R clear, 54 address bits); the odd
 * pmpcfg CSRs do not exist on RV64; a locked entry keeps its config and
 * address, and so does the address below a locked TOR entry. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    INSTALL_HANDLER
    li s0, 0x1d1b19170f0d0b09   /* legal bytes: A, X, R, W set variously */
    .irp n, 0,2,4,6,8,10,12,14
    csrw pmpcfg\n, s0
    csrr t0, pmpcfg\n
    CHECK_EQ t0, s0, 2
    .endr
    li t0, 0x7f7f7f7f7f7f7f7f    /* all but L: reserved bits 6:5 clear */
    csrw pmpcfg0, t0
    csrr t0, pmpcfg0
    CHECK t0, 0x1f1f1f1f1f1f1f1f, 3
    li t0, 0x0302                /* W without R; R and W */
    csrw pmpcfg2, t0
    csrr t0, pmpcfg2
    CHECK t0, 0x0300, 4
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
    li t1, 0x1000 + \n
    csrw pmpaddr\n, t1
    .endr
    .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,60,61,62,63
    csrr t0, pmpaddr\n
    CHECK t0, 0x1000 + \n, 5
    .endr
    li t0, -1
    csrw pmpaddr63, t0
    csrr t0, pmpaddr63
    CHECK t0, (1 << 54) - 1, 6
    /* Odd pmpcfg CSRs are illegal on RV64. */
odd:
    csrr t0, 0x3a1
    CHECK_BITS odd, 7
    /* Entry 1 locked as top of range [pmpaddr0, pmpaddr1). */
    li t0, (0x80 | 0x08 | 0x01) << 8
    csrw pmpcfg0, t0
    csrw pmpcfg0, zero
    csrr t1, pmpcfg0
    CHECK_EQ t1, t0, 8
    li t0, 0x7777
    csrw pmpaddr0, t0
    csrw pmpaddr1, t0
    csrw pmpaddr2, t0
    csrr t0, pmpaddr0
    CHECK t0, 0x1000, 9
    csrr t0, pmpaddr1
    CHECK t0, 0x1001, 10
    csrr t0, pmpaddr2
    CHECK t0, 0x7777, 11
    PASS

    M_HANDLER
    HTIF_WORDS
