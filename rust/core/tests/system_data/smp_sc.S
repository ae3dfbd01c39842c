/* A store by another hart to a reserved address makes SC fail: hart 0
 * reserves `word` with LR and waits until hart 1 has stored to it; its SC
 * must fail and leave hart 1's value, and a fresh LR/SC pair succeeds.
 * Fail codes: 2 SC succeeded, 3 the word lost hart 1's store, 4 the
 * fresh pair failed, 5 its value. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    bnez a0, hart1
    la a3, word
    lr.d t0, (a3)
    la a4, flag
1:  ld t1, 0(a4)
    beqz t1, 1b
    li t2, 5
    sc.d t1, t2, (a3)
    bnez t1, 2f
    FAIL 2
2:  ld t0, 0(a3)
    CHECK t0, 7, 3
    lr.d t0, (a3)
    addi t0, t0, 1
    sc.d t1, t0, (a3)
    CHECK t1, 0, 4
    ld t0, 0(a3)
    CHECK t0, 8, 5
    PASS

hart1:
    la a3, word
    li t0, 7
    sd t0, 0(a3)
    la a4, flag
    li t0, 1
    sd t0, 0(a4)
3:  wfi
    j 3b

    .data
    .align 3
word: .dword 0
flag: .dword 0

    HTIF_WORDS
