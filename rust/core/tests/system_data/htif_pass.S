/* HTIF console (device 1, command 1) and a reported pass. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    la a0, message
1:  lbu a1, 0(a0)
    beqz a1, 3f
    li t0, (1 << 56) | (1 << 48)
    or t0, t0, a1
    la t1, tohost
    sd t0, 0(t1)
2:  ld t0, 0(t1)             /* the host clears tohost once it took the byte */
    bnez t0, 2b
    addi a0, a0, 1
    j 1b
3:  la t1, fromhost          /* and acknowledges the command in fromhost */
    ld t0, 0(t1)
    CHECK t0, (1 << 56) | (1 << 48), 2
    PASS

    .data
message: .asciz "htif says hi\n"
    HTIF_WORDS
