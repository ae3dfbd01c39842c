/* UART receive interrupts through the PLIC: the main loop sleeps in wfi;
 * each external interrupt claims source 10, reads one received byte,
 * echoes it upper-cased and completes, until five bytes have come. Then
 * the line is low and nothing is left to claim. */
#include "common.h"
#define CLAIM_M (PLIC + 0x200004)
#define COUNT 5
    .section .text.init
    .globl _start
_start:
    la t0, m_external
    csrw mtvec, t0
    li s0, UART
    li s1, 0                 /* bytes received */
    li s7, 0                 /* interrupts taken */
    UART_IRQ_TO PLIC + 0x2000
1:  li t0, COUNT
    beq s1, t0, 2f
    wfi
    csrsi mstatus, 1 << 3
    nop
    csrci mstatus, 1 << 3
    j 1b
2:  CHECK s7, COUNT, 2
    lbu t0, 5(s0)            /* LSR: nothing left */
    andi t0, t0, 1
    CHECK t0, 0, 3
    lbu t0, 2(s0)            /* IIR: no interrupt */
    CHECK t0, 0xc1, 4
    li t1, CLAIM_M
    lw t0, 0(t1)
    CHECK t0, 0, 5
    PASS

    .align 4
m_external:
    csrr t0, mcause
    li t1, (1 << 63) | 11
    beq t0, t1, 1f
    FAIL 6
1:  addi s7, s7, 1
    li t1, CLAIM_M
    lw t2, 0(t1)
    li t0, 10
    beq t2, t0, 2f
    FAIL 7
2:  lbu t0, 2(s0)            /* IIR: received data */
    li t3, 0xc4
    beq t0, t3, 3f
    FAIL 8
3:  lbu a1, 0(s0)
    addi a1, a1, -32
    sb a1, 0(s0)
    addi s1, s1, 1
    sw t2, 0(t1)
    mret

    HTIF_WORDS
