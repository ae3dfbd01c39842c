# write(1, 0xbad0, 16) from a buffer that is not mapped must fail with
# EFAULT (-14 in a0) instead of crashing anything; the program says so and
# exits 0 (or says what it got instead and exits 1).
    .section .rodata
ok:     .ascii "write from an unmapped buffer: EFAULT\n"
    .equ oklen, . - ok
bad:    .ascii "write from an unmapped buffer: no EFAULT\n"
    .equ badlen, . - bad

    .text
    .globl _start
_start:
    li      a0, 1
    li      a1, 0xbad0
    li      a2, 16
    li      a7, 64                      # write
    ecall
    li      t0, -14                     # -EFAULT
    bne     a0, t0, wrong
    lla     a1, ok
    li      a2, oklen
    li      s0, 0
    j       report
wrong:
    lla     a1, bad
    li      a2, badlen
    li      s0, 1
report:
    li      a0, 1
    li      a7, 64
    ecall
    mv      a0, s0
    li      a7, 93                      # exit
    ecall
