/* Interrupts: machine software (msip) and timer (mtimecmp) interrupts
 * through a vectored mtvec, the global MIE gate, priority between pending
 * interrupts, wfi waking on the timer, and a supervisor software interrupt
 * delegated to S. Each handler appends its cause to `log`. */
#include "common.h"
#define CLINT 0x2000000
#define MSIP CLINT
#define MTIMECMP (CLINT + 0x4000)
#define MTIME (CLINT + 0xbff8)
    .section .text.init
    .globl _start
_start:
    la t0, vectors
    ori t0, t0, 1
    csrw mtvec, t0
    la s8, log
    li s0, CLINT
    li s1, MTIMECMP
    /* mtime can be set; the time CSR reads the same clock. */
    li s2, MTIME
    li t0, 1000000
    sd t0, 0(s2)
    csrr t1, time
    ld t2, 0(s2)
    sub t0, t2, t1               /* at most a tick apart */
    sltiu t0, t0, 2
    CHECK t0, 1, 12
    li t0, 1000000
    sub t0, t1, t0
    sltiu t0, t0, 10
    CHECK t0, 1, 13
    lw t0, 4(s2)                 /* the high half alone */
    CHECK t0, 0, 14
    /* Pending but globally disabled: no trap, mip shows it. */
    li t0, (1 << 3) | (1 << 7)
    csrw mie, t0
    li t0, 1
    sw t0, 0(s0)
    sd zero, 0(s1)               /* mtimecmp = 0: the timer is due too */
    nop
    nop
    csrr t0, mip
    andi t0, t0, (1 << 3) | (1 << 7)
    CHECK t0, (1 << 3) | (1 << 7), 2
    la t0, log
    CHECK_EQ s8, t0, 3
    /* Enabled: the software interrupt first (higher priority), then the
     * timer. */
    csrsi mstatus, 1 << 3
    nop
    nop
    csrci mstatus, 1 << 3
    la t0, log
    ld t1, 0(t0)
    CHECK t1, (1 << 63) | 3, 4
    ld t1, 8(t0)
    CHECK t1, (1 << 63) | 7, 5
    addi t0, t0, 16
    CHECK_EQ s8, t0, 6
    /* wfi waits for the timer, which lets time pass. */
    li s1, MTIME
    ld t2, 0(s1)
    li t0, 1000
    add t2, t2, t0
    li s1, MTIMECMP
    sd t2, 0(s1)
    li t0, 1 << 7
    csrw mie, t0
    wfi
    csrr t0, mip
    andi t0, t0, 1 << 7
    CHECK t0, 1 << 7, 7
    li s1, MTIME
    ld t1, 0(s1)
    bgeu t1, t2, 1f
    FAIL 8
1:  csrsi mstatus, 1 << 3
    nop
    csrci mstatus, 1 << 3
    la t0, log
    ld t1, 16(t0)
    CHECK t1, (1 << 63) | 7, 9
    /* Supervisor software interrupt delegated to S: raised by S itself
     * through sip, taken at stvec. */
    li t0, 1 << 1
    csrw mideleg, t0
    csrw mie, t0
    la t0, s_handler
    csrw stvec, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, s_code
    csrw mepc, t0
    mret
s_code:
    csrsi sstatus, 1 << 1        /* SIE */
    csrsi sip, 1 << 1
    nop
    la t0, log
    ld t1, 24(t0)
    CHECK t1, (1 << 63) | 1, 10
    csrr t1, sip
    CHECK t1, 0, 11
    PASS

    .align 4
s_handler:
    csrr t6, scause
    sd t6, 0(s8)
    addi s8, s8, 8
    csrci sip, 1 << 1
    sret

    .align 6
vectors:
    j fail_trap                  /* 0: exceptions */
    j fail_trap
    j fail_trap
    j msi_handler                /* 3 */
    j fail_trap
    j fail_trap
    j fail_trap
    j mti_handler                /* 7 */
fail_trap:
    FAIL 20
msi_handler:
    csrr t6, mcause
    sd t6, 0(s8)
    addi s8, s8, 8
    li t6, CLINT
    sw zero, 0(t6)
    mret
mti_handler:
    csrr t6, mcause
    sd t6, 0(s8)
    addi s8, s8, 8
    li t6, MTIMECMP
    li t5, -1
    sd t5, 0(t6)
    mret

    .data
    .align 3
log: .dword 0, 0, 0, 0, 0, 0, 0, 0
    HTIF_WORDS
