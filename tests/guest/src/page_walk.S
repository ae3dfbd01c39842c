# A TLB-miss-heavy loop that ends in a fault. Three passes walk 600 pages of
# .bss with a page stride (more pages than a small TLB holds), each step a
# loop of three blocks (a branch inside the body): read a doubleword, fold
# it into a0, write a0 back. Then a0's 8 bytes go to stdout, and a walk on
# past the end of .bss faults in a two-block loop: SIGSEGV, status 139, with
# the pc, registers and instruction count the interpreter has there.

    .bss
    .balign 4096
buf:
    .space  600 * 4096

    .text
    .globl _start
_start:
    li      t3, 4096
    li      s0, 3                       # passes
    li      a0, 1
pass:
    la      t0, buf
    li      t1, 600                     # pages
step:
    ld      t2, 8(t0)
    andi    t4, a0, 1
    beqz    t4, even
    addi    a0, a0, 7
even:
    add     a0, a0, t2
    slli    t5, a0, 3
    xor     a0, a0, t5
    sd      a0, 8(t0)
    add     t0, t0, t3
    addi    t1, t1, -1
    bnez    t1, step
    addi    s0, s0, -1
    bnez    s0, pass

    addi    sp, sp, -16
    sd      a0, 0(sp)
    mv      s1, a0
    li      a7, 64                      # write(1, sp, 8)
    li      a0, 1
    mv      a1, sp
    li      a2, 8
    ecall
    mv      a0, s1
past_the_end:
    ld      t2, 0(t0)
    beqz    t2, next
next:
    add     t0, t0, t3
    j       past_the_end
