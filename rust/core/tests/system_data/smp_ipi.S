/* Hart 0 wakes hart 1 from wfi with a software interrupt through hart
 * 1's CLINT msip. Hart 1 announces it is about to wait, sleeps in wfi with
 * only MSIE enabled, and its handler records mcause and clears its msip.
 * Fail codes: 2 hart 1's mcause, 3 its msip still set. */
#include "common.h"
#define CLINT 0x2000000
    .section .text.init
    .globl _start
_start:
    bnez a0, hart1
    la a4, ready
1:  ld t0, 0(a4)
    beqz t0, 1b
    li t0, CLINT
    li t1, 1
    sw t1, 4(t0)
    la a4, woken
2:  ld t0, 0(a4)
    beqz t0, 2b
    la a4, cause
    ld t0, 0(a4)
    li t1, 0x8000000000000003
    CHECK_EQ t0, t1, 2
    li t0, CLINT
    lw t1, 4(t0)
    CHECK t1, 0, 3
    PASS

hart1:
    la t0, msi_handler
    csrw mtvec, t0
    li t0, 1 << 3
    csrs mie, t0
    csrsi mstatus, 8
    la a4, ready
    li t0, 1
    sd t0, 0(a4)
3:  wfi
    la a4, woken
    ld t0, 0(a4)
    beqz t0, 3b
    csrw mie, zero
4:  wfi
    j 4b

    .align 4
msi_handler:
    csrr t0, mcause
    la t1, cause
    sd t0, 0(t1)
    li t0, CLINT
    sw zero, 4(t0)
    la t1, woken
    li t0, 1
    sd t0, 0(t1)
    mret

    .data
    .align 3
ready: .dword 0
woken: .dword 0
cause: .dword 0

    HTIF_WORDS
