# Prints a line, then recurses forever, 32 bytes of stack per call, until a
# store runs off the bottom of the stack: SIGSEGV on a write. The faulting
# store is `sd ra, 0(sp)`, so the fault address equals sp at that moment.
# Layout (no compression): entry+0 j main; entry+4 recurse (addi, sd, jal).
    .section .rodata
msg:    .ascii "recursing without end\n"
    .equ msglen, . - msg

    .option norvc
    .text
    .globl _start
_start:
    j       main
recurse:
    addi    sp, sp, -32
    sd      ra, 0(sp)
    jal     ra, recurse
main:
    li      a0, 1
    lla     a1, msg
    li      a2, msglen
    li      a7, 64                      # write
    ecall
    andi    sp, sp, -16
    jal     ra, recurse
