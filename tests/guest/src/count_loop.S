# A program whose instruction count is known exactly: 3 setup instructions,
# 1000 iterations of 3, then 3 to exit = 3006, exit status
# (0 + 1 + ... + 999) & 0xff = 499500 & 0xff = 44.
# Plain 32-bit encodings only (no pseudo-instruction that could expand), so
# the tests can compute every address from the entry point:
#   entry+0  setup, entry+12 loop (add, addi, bne), entry+24 exit.
# After 3 + 3k instructions (k < 1000) the hart sits at loop with t0 = k and
# a1 = k(k-1)/2; the tests stop it there and change t1 (the bound) or a1.

    .option norvc
    .text
    .globl _start
_start:
    addi    t0, zero, 0                 # i
    addi    t1, zero, 1000              # bound
    addi    a1, zero, 0                 # sum
loop:
    add     a1, a1, t0
    addi    t0, t0, 1
    bne     t0, t1, loop
    andi    a0, a1, 0xff
    addi    a7, zero, 93                # exit
    ecall
