/* Hart 1 points mtvec at an address with nothing behind it and runs an
 * illegal instruction: it traps forever without retiring anything. Hart 0
 * goes on, counts to 5000 and passes. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    bnez a0, hart1
    li t0, 5000
1:  addi t0, t0, -1
    bnez t0, 1b
    PASS

hart1:
    li t0, 0x100
    csrw mtvec, t0
    .word 0

    HTIF_WORDS
