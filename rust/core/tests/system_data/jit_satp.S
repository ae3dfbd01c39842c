/* Two address spaces map the same virtual page to different code. After
 * each satp switch the code of the new space runs, never code decoded or
 * compiled for the other: first with spaces that differ by root table and
 * ASID (no sfence.vma needed), then with one table under ASID 0 whose
 * entry is remapped, followed by sfence.vma. The loops run long enough for
 * the JIT to compile both the caller and the called code. */
#include "common.h"
#include "paging.h"
#define VA 0x40000000
#define ROUNDS 300

    .section .text.init
    .globl _start
_start:
    INSTALL_HANDLER
    li t0, RAM
    PTE root_a, 2, t0, V|R|W|X|A|D       /* RAM, identity gigapage */
    li t0, RAM
    PTE root_b, 2, t0, V|R|W|X|A|D
    la t0, l1_a
    PTE root_a, 1, t0, V
    la t0, l1_b
    PTE root_b, 1, t0, V
    la t0, l0_a
    PTE l1_a, 0, t0, V
    la t0, l0_b
    PTE l1_b, 0, t0, V
    la t0, code_a
    PTE l0_a, 0, t0, V|R|X|A             /* VA: code_a in space a */
    la t0, code_b
    PTE l0_b, 0, t0, V|R|X|A             /* VA: code_b in space b */
    SATP s9, root_a, 1
    SATP s10, root_b, 2
    csrw satp, s9
    ENTER_S s_main

s_main:
    li s7, 0
    li s8, 0
    li s6, VA
    li s11, ROUNDS
1:  csrw satp, s9
    jalr s6                              /* code_a: s7 += 1 */
    csrw satp, s10
    jalr s6                              /* code_b: s8 += 1 */
    addi s11, s11, -1
    bnez s11, 1b
    CHECK s7, ROUNDS, 2
    CHECK s8, ROUNDS, 3

    /* One table, ASID 0: remap VA, sfence.vma, call. */
    SATP s9, root_a, 0
    csrw satp, s9
    sfence.vma
    la a4, l0_a
    LEAF a5, code_a, V|R|X|A
    LEAF a6, code_b, V|R|X|A
    li s11, ROUNDS
2:  sd a6, 0(a4)
    sfence.vma
    jalr s6
    sd a5, 0(a4)
    sfence.vma
    jalr s6
    addi s11, s11, -1
    bnez s11, 2b
    CHECK s7, 2 * ROUNDS, 4
    CHECK s8, 2 * ROUNDS, 5
    PASS

    SET_PTE_FUNCTION
    M_HANDLER

    .align 12
code_a:
    addi s7, s7, 1
    ret
    .align 12
code_b:
    addi s8, s8, 1
    ret

    .data
    .align 12
root_a: .zero 4096
root_b: .zero 4096
l1_a: .zero 4096
l1_b: .zero 4096
l0_a: .zero 4096
l0_b: .zero 4096
    HTIF_WORDS
