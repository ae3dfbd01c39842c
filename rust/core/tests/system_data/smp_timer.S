/* Each hart arms its own mtimecmp (hart 0 300 ticks ahead, hart 1 100)
 * and sleeps in wfi; with both asleep time jumps to the earlier deadline,
 * so hart 1's timer fires first, on hart 1. Each handler records mtime in
 * its hart's slot and disarms its timer; hart 0 checks the order.
 * Fail codes: 2 a cause other than the machine timer, 3 a timer fired
 * before its deadline, 4 not two interrupts, 5 hart 0's came first. */
#include "common.h"
#define CLINT 0x2000000
    .section .text.init
    .globl _start
_start:
    la t0, timer_handler
    csrw mtvec, t0
    mv s0, a0
    li s1, CLINT
    li t0, 300
    beqz s0, 1f
    li t0, 100
1:  li t1, 0xbff8
    add t1, s1, t1
    ld t2, 0(t1)
    add s4, t2, t0
    slli t3, s0, 3
    li t4, 0x4000
    add t3, t3, t4
    add s3, s1, t3
    sd s4, 0(s3)
    li t0, 1 << 7
    csrs mie, t0
    csrsi mstatus, 8
2:  wfi
    la t0, fired
    slli t1, s0, 3
    add t0, t0, t1
    ld t1, 0(t0)
    beqz t1, 2b
    bgeu t1, s4, 3f
    FAIL 3
3:  csrw mie, zero
    bnez s0, park
    la t0, fired
4:  ld t1, 8(t0)
    beqz t1, 4b
    ld t2, 0(t0)
    bltu t1, t2, 5f
    FAIL 5
5:  la t0, count
    ld t1, 0(t0)
    CHECK t1, 2, 4
    PASS

park:
    wfi
    j park

    .align 4
timer_handler:
    csrr t0, mcause
    li t1, 0x8000000000000007
    beq t0, t1, 1f
    FAIL 2
1:  li t0, 0xbff8
    add t0, s1, t0
    ld t1, 0(t0)
    la t0, fired
    slli t2, s0, 3
    add t0, t0, t2
    sd t1, 0(t0)
    li t1, -1
    sd t1, 0(s3)
    la t0, count
    li t1, 1
    amoadd.d zero, t1, (t0)
    mret

    .data
    .align 3
fired: .dword 0, 0
count: .dword 0

    HTIF_WORDS
