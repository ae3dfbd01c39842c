/* mtime read through the CLINT advances with the instructions retired,
 * with nothing else happening: a loop polling it sees 100 ticks pass, and
 * the timer interrupt it armed for then is taken at once. */
#include "common.h"
#define MTIMECMP 0x2004000
#define MTIME 0x200bff8
    .section .text.init
    .globl _start
_start:
    la t0, m_timer
    csrw mtvec, t0
    li s0, MTIME
    li s1, MTIMECMP
    li s3, 0                     /* timer interrupts taken */
    ld t0, 0(s0)
    addi s2, t0, 100
    sd s2, 0(s1)
    li t0, 1 << 7
    csrw mie, t0
    csrsi mstatus, 1 << 3
1:  ld t0, 0(s0)
    bltu t0, s2, 1b
    /* Taken at the next block boundary at the latest. */
    nop
    j 2f
2:  CHECK s3, 1, 2
    PASS

    .align 4
m_timer:
    addi s3, s3, 1
    li t0, -1
    sd t0, 0(s1)
    mret

    HTIF_WORDS
