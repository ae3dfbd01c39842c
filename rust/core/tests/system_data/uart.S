/* 16550 UART: transmit with LSR polling, then echo every received byte
 * (upper-cased) until the receiver is empty. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    li s0, UART
    li t0, 0x80              /* DLAB: the divisor latch is readable back */
    sb t0, 3(s0)
    li t0, 3
    sb t0, 0(s0)
    lbu t1, 0(s0)
    CHECK t1, 3, 2
    sb zero, 3(s0)
    la a0, message
1:  lbu a1, 0(a0)
    beqz a1, 2f
    call putc
    addi a0, a0, 1
    j 1b
2:  lbu t0, 5(s0)            /* LSR: data ready? */
    andi t0, t0, 1
    beqz t0, 3f
    lbu a1, 0(s0)
    addi a1, a1, -32
    call putc
    j 2b
3:  PASS

putc:
    lbu t0, 5(s0)
    andi t0, t0, 0x20
    beqz t0, putc
    sb a1, 0(s0)
    ret

    .data
message: .asciz "uart: "
    HTIF_WORDS
