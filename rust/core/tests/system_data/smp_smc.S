/* Hart 1 rewrites a function hart 0 has run (and, on the JIT, compiled):
 * after hart 1's store and its own fence.i, hart 0 runs the new code.
 * Fail codes: 2 the old function's result, 3 the new one's. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    bnez a0, hart1
    li s6, 50
1:  call func
    CHECK a0, 1, 2
    addi s6, s6, -1
    bnez s6, 1b
    la t0, go
    li t1, 1
    sd t1, 0(t0)
    la t0, patched
2:  ld t1, 0(t0)
    beqz t1, 2b
    fence.i
    call func
    CHECK a0, 2, 3
    PASS

hart1:
    la t0, go
1:  ld t1, 0(t0)
    beqz t1, 1b
    la t0, func
    la t1, new_insn
    lw t1, 0(t1)
    sw t1, 0(t0)
    la t0, patched
    li t1, 1
    sd t1, 0(t0)
3:  wfi
    j 3b

func:
    li a0, 1
    ret
new_insn:
    li a0, 2

    .data
    .align 3
go:      .dword 0
patched: .dword 0

    HTIF_WORDS
