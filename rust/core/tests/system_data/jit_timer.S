/* Timer interrupts arriving in hot loops: one on registers only, one with
 * loads and stores to RAM, one reading mtime (a device register, which
 * compiled code leaves to the interpreter) in the middle of each round. mtime counts retired instructions, so each interrupt arrives
 * at the same instruction on every engine; the handler logs the
 * interrupted pc and minstret, which end up in registers for the test to
 * compare between engines. */
#include "common.h"
#define CLINT 0x2000000
#define MTIMECMP (CLINT + 0x4000)
#define MTIME (CLINT + 0xbff8)

/* Arm the timer `ticks` from now and enable interrupts. */
.macro ARM ticks
    ld t0, 0(s1)
    li t1, \ticks
    add t0, t0, t1
    sd t0, 0(s0)
    csrsi mstatus, 1 << 3
.endm

    .section .text.init
    .globl _start
_start:
    la t0, m_timer
    csrw mtvec, t0
    li s0, MTIMECMP
    li s1, MTIME
    li s6, 0
    li t0, 1 << 7
    csrw mie, t0

    ARM 3000
1:  addi a0, a0, 1
    addi a1, a1, 3
    beqz s6, 1b

    la a2, buffer
    ARM 2345
2:  ld t0, 0(a2)
    addi t0, t0, 1
    sd t0, 0(a2)
    li t1, 2
    bne s6, t1, 2b
    ld a4, 0(a2)

    ARM 777
3:  addi a3, a3, 1
    ld t2, 0(s1)
    li t1, 3
    bne s6, t1, 3b

    la t0, log
    ld s7, 16(t0)
    ld s8, 24(t0)
    ld s9, 32(t0)
    ld s10, 40(t0)
    ld s11, 48(t0)
    ld a5, 56(t0)
    CHECK s6, 3, 2
    beqz a0, fail
    beqz a4, fail
    beqz a3, fail
    PASS
fail:
    FAIL 3

    .align 4
m_timer:
    addi s6, s6, 1
    la t3, log
    slli t4, s6, 4
    add t3, t3, t4
    csrr t4, mepc
    sd t4, 0(t3)
    csrr t4, minstret
    sd t4, 8(t3)
    li t4, -1
    sd t4, 0(s0)                 /* disarm */
    li t4, 1 << 7                /* return with interrupts off */
    csrc mstatus, t4
    mret

    .data
    .align 4
log: .zero 64
buffer: .zero 8
    HTIF_WORDS
