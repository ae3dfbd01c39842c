/* PLIC: the UART's THR-empty interrupt (source 10) drives the PLIC; its
 * pending bit, the per-context enables, the threshold, the claim/complete
 * cycle, an external interrupt taken in M mode, and SEIP delegated to S
 * mode with the S context's claim register. */
#include "common.h"
#define PRIORITY10 (PLIC + 4 * 10)
#define PENDING (PLIC + 0x1000)
#define ENABLE_M (PLIC + 0x2000)
#define ENABLE_S (PLIC + 0x2080)
#define THRESHOLD_M (PLIC + 0x200000)
#define CLAIM_M (PLIC + 0x200004)
#define CLAIM_S (PLIC + 0x201004)
#define MEIP (1 << 11)
#define SEIP (1 << 9)
    .section .text.init
    .globl _start
_start:
    INSTALL_HANDLER
    li s0, UART
    li s1, PLIC
    li t0, 1
    li t1, PRIORITY10
    sw t0, 0(t1)
    /* THR-empty enabled: the line rises and source 10 is pending. */
    li t0, 2
    sb t0, 1(s0)
    li t1, PENDING
    lw t0, 0(t1)
    CHECK t0, 1 << 10, 2
    /* Not enabled for any context yet: no MEIP. */
    csrr t0, mip
    li t1, MEIP
    and t0, t0, t1
    CHECK t0, 0, 3
    li t1, ENABLE_M
    li t0, 1 << 10
    sw t0, 0(t1)
    csrr t0, mip
    li t1, MEIP
    and t0, t0, t1
    CHECK t0, MEIP, 4
    /* A threshold at the source's priority masks it. */
    li t2, THRESHOLD_M
    li t0, 1
    sw t0, 0(t2)
    csrr t0, mip
    li t1, MEIP
    and t0, t0, t1
    CHECK t0, 0, 5
    sw zero, 0(t2)
    /* Claim: source 10 once, then nothing until completion. */
    li t2, CLAIM_M
    lw t0, 0(t2)
    CHECK t0, 10, 6
    csrr t0, mip
    li t1, MEIP
    and t0, t0, t1
    CHECK t0, 0, 7
    lw t0, 0(t2)
    CHECK t0, 0, 8
    /* Completed with the line still high: pending again. */
    li t0, 10
    sw t0, 0(t2)
    li t1, PENDING
    lw t0, 0(t1)
    CHECK t0, 1 << 10, 9
    /* Reading IIR reports THR empty and clears it: the line falls, and
     * after completion nothing is pending. */
    lw t0, 0(t2)
    CHECK t0, 10, 10
    lbu t0, 2(s0)
    CHECK t0, 0xc2, 11
    lbu t0, 2(s0)
    CHECK t0, 0xc1, 12
    li t0, 10
    sw t0, 0(t2)
    li t1, PENDING
    lw t0, 0(t1)
    CHECK t0, 0, 13
    csrr t0, mip
    li t1, MEIP
    and t0, t0, t1
    CHECK t0, 0, 14
    /* Only 32-bit accesses reach the PLIC. */
    la s5, 1f
    lb t0, 0(t2)
1:  CHECK s2, 5, 15
    li s2, -1
    /* A machine external interrupt: sending a byte raises THR empty. */
    la t0, m_external
    csrw mtvec, t0
    li t0, MEIP
    csrw mie, t0
    csrsi mstatus, 1 << 3
    li t0, 'M'
    sb t0, 0(s0)
    nop
    csrci mstatus, 1 << 3
    li t0, (1 << 63) | 11
    CHECK_EQ s2, t0, 16
    CHECK s3, 10, 17
    /* Delegated to S: the S context is enabled instead, SEIP goes to
     * stvec. */
    li t1, ENABLE_M
    sw zero, 0(t1)
    li t1, ENABLE_S
    li t0, 1 << 10
    sw t0, 0(t1)
    li t0, SEIP
    csrw mideleg, t0
    csrw mie, t0
    la t0, s_external
    csrw stvec, t0
    la t0, m_handler
    csrw mtvec, t0
    ENTER_S s_code
s_code:
    csrsi sstatus, 1 << 1
    li s2, -1
    li t0, 'S'
    sb t0, 0(s0)
    nop
    csrci sstatus, 1 << 1
    li t0, (1 << 63) | 9
    CHECK_EQ s2, t0, 18
    CHECK s3, 10, 19
    csrr t0, sip
    CHECK t0, 0, 20
    PASS

/* Claim, acknowledge the UART through IIR, complete; the cause in s2
 * and the claimed source in s3. */
    .align 4
m_external:
    csrr s2, mcause
    li t1, CLAIM_M
    lw s3, 0(t1)
    lbu t0, 2(s0)
    sw s3, 0(t1)
    mret

    .align 4
s_external:
    csrr s2, scause
    li t1, CLAIM_S
    lw s3, 0(t1)
    lbu t0, 2(s0)
    sw s3, 0(t1)
    sret

    M_HANDLER
    HTIF_WORDS
