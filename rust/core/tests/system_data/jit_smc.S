/* Self-modifying code under the MMU: a function mapped at a virtual page
 * is rewritten through another mapping of its physical page (the identity
 * map of RAM), without fence.i. vmjit tracks pages holding decoded code by
 * physical page, so the new code runs from the next block on, in every
 * code context: S with paging, and M without. */
#include "common.h"
#include "paging.h"
#define VA 0x40000000
#define ROUNDS 200
#define LI_A0_2 0x00200513

    .section .text.init
    .globl _start
_start:
    la t0, m_trap
    csrw mtvec, t0
    /* M runs the function at its physical address first. */
    la s6, patch
    jalr s6
    CHECK a0, 1, 2
    li t0, RAM
    PTE root, 2, t0, V|R|W|X|A|D
    la t0, l1
    PTE root, 1, t0, V
    la t0, l0
    PTE l1, 0, t0, V
    la t0, patch
    PTE l0, 0, t0, V|R|X|A
    SATP t0, root, 0
    csrw satp, t0
    ENTER_S s_main

s_main:
    li s6, VA
    li s7, 0
    li s11, ROUNDS
1:  jalr s6
    add s7, s7, a0
    addi s11, s11, -1
    bnez s11, 1b
    CHECK s7, ROUNDS, 3
    /* li a0, 2 through the identity alias. */
    la t0, patch
    li t1, LI_A0_2
    sw t1, 0(t0)
    li s11, ROUNDS
2:  jalr s6
    add s7, s7, a0
    addi s11, s11, -1
    bnez s11, 2b
    CHECK s7, 3 * ROUNDS, 4
    /* Back in M: the untranslated context sees the new code too. */
    la s5, m_final
    ecall
m_final:
    la s6, patch
    jalr s6
    CHECK a0, 2, 5
    PASS

    .align 4
m_trap:
    csrr t0, mcause
    li t1, 9                     /* ecall from S */
    beq t0, t1, 1f
    FAIL 6
1:  jr s5

    SET_PTE_FUNCTION

    .align 12
patch:
    li a0, 1
    ret

    .data
    .align 12
root: .zero 4096
l1: .zero 4096
l0: .zero 4096
    HTIF_WORDS
