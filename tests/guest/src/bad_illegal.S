# Prints a line, then executes an all-zero parcel: the defined illegal
# instruction. Linux kills the process with SIGILL (exit status 132).
# Layout (no compression): entry+0 j main; entry+4 the illegal word.
    .section .rodata
msg:    .ascii "executing an illegal instruction\n"
    .equ msglen, . - msg

    .option norvc
    .text
    .globl _start
_start:
    j       main
fault:
    .word   0
main:
    li      a0, 1
    lla     a1, msg
    li      a2, msglen
    li      a7, 64                      # write
    ecall
    j       fault
