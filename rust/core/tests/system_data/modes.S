/* Privilege modes: mret/sret into S and U, ecall from each mode, traps
 * delegated to S (breakpoints) and not (everything else), CSR privilege,
 * counter enables and the instructions U and S may not run. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    INSTALL_HANDLER
    li t0, 1 << 3                /* delegate breakpoints to S */
    csrw medeleg, t0
    li t0, 0b101                 /* S may read cycle and instret, not time */
    csrw mcounteren, t0
    la t0, s_handler
    csrw stvec, t0
    /* Traps from M are never delegated. */
brk_m:
    ebreak
    CHECK s2, 3, 2
    li s2, -1
    /* Into S with mret. */
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, s_code
    csrw mepc, t0
    mret
    FAIL 3

s_code:
ecall_s:
    ecall
    CHECK_TRAP 9, 0, ecall_s, 4
read_mstatus_s:
    csrr t0, mstatus
    CHECK_BITS read_mstatus_s, 5
    csrr t0, sstatus
    CHECK s2, -1, 6
    csrr t0, cycle
    CHECK s2, -1, 7
read_time_s:
    csrr t0, time
    CHECK_BITS read_time_s, 8
mret_s:
    mret
    CHECK_BITS mret_s, 9
    /* A breakpoint in S goes to S, with SPP = S. */
brk_s:
    ebreak
    la t0, brk_s
    CHECK_EQ s9, t0, 10
    CHECK s7, 3, 10
    CHECK_EQ s8, t0, 10
    li t0, 1 << 8
    and t1, s10, t0
    CHECK_EQ t1, t0, 11
    CHECK s2, -1, 12
    /* Into U with sret; U may read cycle (scounteren), not instret. */
    li t0, 1
    csrw scounteren, t0
    li t0, 1 << 8
    csrc sstatus, t0
    la t0, u_code
    csrw sepc, t0
    sret
    FAIL 13

u_code:
ecall_u:
    ecall
    CHECK_TRAP 8, 0, ecall_u, 14
brk_u:
    ebreak
    la t0, brk_u
    CHECK_EQ s9, t0, 15
    CHECK s7, 3, 15
    andi t1, s10, 1 << 8         /* SPP = U */
    CHECK t1, 0, 15
    csrr t0, cycle
    CHECK s2, -1, 16
read_instret_u:
    csrr t0, instret
    CHECK_BITS read_instret_u, 17
read_sstatus_u:
    csrr t0, sstatus
    CHECK_BITS read_sstatus_u, 18
sret_u:
    sret
    CHECK_BITS sret_u, 19
wfi_u:
    wfi
    CHECK_BITS wfi_u, 20
sfence_u:
    sfence.vma
    CHECK_BITS sfence_u, 21
    PASS

    M_HANDLER

    .align 4
s_handler:                       /* scause in s7, stval in s8, sepc in s9, sstatus in s10 */
    csrr s7, scause
    csrr s8, stval
    csrr s9, sepc
    csrr s10, sstatus
    addi t6, s9, 4
    csrw sepc, t6
    sret

    HTIF_WORDS
