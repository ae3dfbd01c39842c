/* The same virtual pages run in S and in U: a page with the U bit runs in
 * U and faults when S fetches it (S never executes user pages), a page
 * without it the other way round. Code decoded or compiled under one
 * privilege must never run under the other. Ecalls from U and instruction
 * page faults are delegated to S, whose handler counts the faults and
 * resumes at s6. */
#include "common.h"
#include "paging.h"
#define VA_U 0x40000000
#define VA_S 0x40001000
#define ROUNDS 200

    .section .text.init
    .globl _start
_start:
    INSTALL_HANDLER
    li t0, RAM
    PTE root, 2, t0, V|R|W|X|A|D
    la t0, l1
    PTE root, 1, t0, V
    la t0, l0
    PTE l1, 0, t0, V
    la t0, u_page
    PTE l0, 0, t0, V|R|X|U|A
    la t0, s_page
    PTE l0, 1, t0, V|R|X|A
    li t0, (1 << 8) | (1 << 12)
    csrw medeleg, t0
    SATP t0, root, 0
    csrw satp, t0
    ENTER_S s_main

s_main:
    la t0, s_trap
    csrw stvec, t0
    li s7, 0
    li s8, 0
    li s9, 0
    li s11, ROUNDS
1:  /* The user page in U: it runs, and its ecall comes back. */
    la s6, 2f
    li t0, 1 << 8
    csrc sstatus, t0
    li t0, VA_U
    csrw sepc, t0
    sret
2:  CHECK a7, 8, 2
    /* The user page in S: an instruction page fault. */
    la s6, 3f
    li t0, VA_U
    jalr t0
3:  CHECK a7, 12, 3
    li t0, VA_U
    CHECK_EQ a6, t0, 4
    /* The supervisor page in S: it runs and returns. */
    li t0, VA_S
    jalr t0
    /* The supervisor page in U: an instruction page fault. */
    la s6, 4f
    li t0, 1 << 8
    csrc sstatus, t0
    li t0, VA_S
    csrw sepc, t0
    sret
4:  CHECK a7, 12, 5
    li t0, VA_S
    CHECK_EQ a6, t0, 6
    addi s11, s11, -1
    bnez s11, 1b
    CHECK s7, ROUNDS, 7
    CHECK s8, ROUNDS, 8
    CHECK s9, 2 * ROUNDS, 9
    PASS

    .align 4
s_trap:
    csrr a7, scause
    csrr a6, stval
    li t0, 12
    bne a7, t0, 1f
    addi s9, s9, 1
1:  jr s6

    SET_PTE_FUNCTION
    M_HANDLER

    .align 12
u_page:
    addi s7, s7, 1
    ecall
    .align 12
s_page:
    addi s8, s8, 1
    ret

    .data
    .align 12
root: .zero 4096
l1: .zero 4096
l0: .zero 4096
    HTIF_WORDS
