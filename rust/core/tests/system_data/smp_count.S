/* Four harts share three counters: a plain one behind an amoswap
 * spinlock, one incremented with LR/SC and one with amoadd. Every hart
 * checks a0 = mhartid and records a1; hart 0 waits for the others, then
 * checks the exact totals and that every hart was given the same device
 * tree address. The other harts park in wfi.
 * Fail codes: 2 a0 is not mhartid, 3 spinlock total, 4 LR/SC total,
 * 5 a hart saw another a1. */
#include "common.h"
#define HARTS 4
#define ITER 2000
    .section .text.init
    .globl _start
_start:
    csrr t0, mhartid
    CHECK_EQ a0, t0, 2
    mv s0, a0
    mv s1, a1
    la t1, fdt_seen
    slli t2, s0, 3
    add t1, t1, t2
    sd s1, 0(t1)

    la a2, lock
    la a3, plain
    li s6, ITER
1:  li t1, 1
2:  amoswap.w.aq t0, t1, (a2)
    bnez t0, 2b
    ld t2, 0(a3)
    addi t2, t2, 1
    sd t2, 0(a3)
    amoswap.w.rl zero, zero, (a2)
    addi s6, s6, -1
    bnez s6, 1b

    la a3, lrsc
    li s6, ITER
3:  lr.d t0, (a3)
    addi t0, t0, 1
    sc.d t1, t0, (a3)
    bnez t1, 3b
    addi s6, s6, -1
    bnez s6, 3b

    ARRIVE_AND_PARK s0, arrived, HARTS
    la a3, plain
    ld t0, 0(a3)
    CHECK t0, HARTS * ITER, 3
    la a3, lrsc
    ld t0, 0(a3)
    CHECK t0, HARTS * ITER, 4
    la a3, fdt_seen
    li t2, HARTS
5:  ld t0, 0(a3)
    CHECK_EQ t0, s1, 5
    addi a3, a3, 8
    addi t2, t2, -1
    bnez t2, 5b
    PASS

    .data
    .align 3
lock:     .dword 0
plain:    .dword 0
lrsc:     .dword 0
arrived:  .dword 0
fdt_seen: .fill HARTS, 8, 0

    HTIF_WORDS
