/* A CPU-bound kernel for speed measurements, in S mode under Sv39: each
 * round an xorshift generator fills a 16 KiB array, then a loop folds it
 * into a checksum with multiplies. The checksum ends in s9 (5.3 million
 * instructions in all). */
#include "common.h"
#include "paging.h"
#define WORDS 2048
#define ROUNDS 150

    .section .text.init
    .globl _start
_start:
    INSTALL_HANDLER
    li t0, RAM
    PTE root, 2, t0, V|R|W|X|A|D
    SATP t0, root, 0
    csrw satp, t0
    ENTER_S s_main

s_main:
    li s7, 88172645463325252
    li s8, 1
    li s9, 0
    li s11, ROUNDS
round:
    la a0, array
    li a1, WORDS
fill:
    slli t0, s7, 13
    xor s7, s7, t0
    srli t0, s7, 7
    xor s7, s7, t0
    slli t0, s7, 17
    xor s7, s7, t0
    sd s7, 0(a0)
    addi a0, a0, 8
    addi a1, a1, -1
    bnez a1, fill
    la a0, array
    li a1, WORDS
sum:
    ld t0, 0(a0)
    mul t1, t0, s8
    add s9, s9, t1
    addi s8, s8, 2
    addi a0, a0, 8
    addi a1, a1, -1
    bnez a1, sum
    addi s11, s11, -1
    bnez s11, round
    PASS

    SET_PTE_FUNCTION
    M_HANDLER

    .data
    .align 12
root: .zero 4096
array: .zero 8 * WORDS
    HTIF_WORDS
