/* The PLIC routes to the context a hart enabled: hart 1 enables UART
 * source 10 in its M-mode context (context 2, enable words at 0x2100,
 * claim at 0x202004), hart 0 in none. Hart 1 sleeps in wfi; the byte
 * waiting in the UART interrupts it, its handler claims source 10 from
 * context 2, echoes the byte upper-cased and completes. Hart 0's context
 * has nothing to claim.
 * Fail codes: 2 hart 1's claim, 3 something claimable in context 0,
 * 4 hart 1's mcause. */
#include "common.h"
#define ENABLE_CTX2 (PLIC + 0x2100)
#define CLAIM_CTX0 (PLIC + 0x200004)
#define CLAIM_CTX2 (PLIC + 0x202004)
    .section .text.init
    .globl _start
_start:
    bnez a0, hart1
    la a4, done
1:  ld t0, 0(a4)
    beqz t0, 1b
    li t1, CLAIM_CTX0
    lw t0, 0(t1)
    CHECK t0, 0, 3
    la a4, cause
    ld t0, 0(a4)
    li t1, 0x800000000000000b
    CHECK_EQ t0, t1, 4
    PASS

hart1:
    la t0, h1_external
    csrw mtvec, t0
    li s0, UART
    UART_IRQ_TO ENABLE_CTX2
    csrsi mstatus, 1 << 3
2:  wfi
    la a4, done
    ld t0, 0(a4)
    beqz t0, 2b
    csrw mie, zero
3:  wfi
    j 3b

    .align 4
h1_external:
    csrr t0, mcause
    la t1, cause
    sd t0, 0(t1)
    li t1, CLAIM_CTX2
    lw t2, 0(t1)
    li t0, 10
    beq t2, t0, 1f
    FAIL 2
1:  lbu a1, 0(s0)
    addi a1, a1, -32
    sb a1, 0(s0)
    sw t2, 0(t1)
    la t1, done
    li t0, 1
    sd t0, 0(t1)
    mret

    .data
    .align 3
done:  .dword 0
cause: .dword 0

    HTIF_WORDS
