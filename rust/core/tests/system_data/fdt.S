/* The device tree at reset: a0 is the hart id (0) and a1 points at an
 * 8-byte aligned blob in RAM starting with the FDT magic; the program
 * prints the blob's address and its totalsize (a big-endian header word)
 * in hex on the UART. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    CHECK a0, 0, 2
    mv s1, a1
    andi t0, s1, 7
    CHECK t0, 0, 3
    li t0, RAM
    bgeu s1, t0, 1f
    FAIL 4
1:  lwu t0, 0(s1)
    CHECK t0, 0xedfe0dd0, 5   /* d0 0d fe ed in memory */
    li s0, UART
    mv a0, s1
    call puthex
    li a1, ' '
    call putc
    lwu a0, 4(s1)
    call bswap32
    call puthex
    li a1, '\n'
    call putc
    PASS

/* a0 = the byte-swapped low 32 bits of a0. */
bswap32:
    li t1, 0
    li t2, 4
1:  slli t1, t1, 8
    andi t0, a0, 0xff
    or t1, t1, t0
    srli a0, a0, 8
    addi t2, t2, -1
    bnez t2, 1b
    mv a0, t1
    ret

/* Print a0 in hex without leading zeros. */
puthex:
    mv t3, ra
    mv t4, a0
    li t5, 60                 /* shift of the current digit */
    li t2, 0                  /* a digit was printed */
1:  srl t0, t4, t5
    andi t0, t0, 0xf
    or t2, t2, t0
    bnez t2, 2f
    bnez t5, 4f               /* skip leading zeros, never the last digit */
2:  li t1, 10
    blt t0, t1, 3f
    addi t0, t0, 'a' - '0' - 10
3:  addi a1, t0, '0'
    li t2, 1
    call putc
4:  addi t5, t5, -4
    bgez t5, 1b
    mv ra, t3
    ret

putc:
    lbu t0, 5(s0)
    andi t0, t0, 0x20
    beqz t0, putc
    sb a1, 0(s0)
    ret

    HTIF_WORDS
