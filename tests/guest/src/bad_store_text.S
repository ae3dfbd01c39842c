# Prints a line, then stores to its own first instruction: text is mapped
# read + execute only, so this is SIGSEGV on a write of the entry address.
# Layout (no compression): entry+0 j main; entry+4 the faulting sd.
    .section .rodata
msg:    .ascii "storing to the text segment\n"
    .equ msglen, . - msg

    .option norvc
    .text
    .globl _start
_start:
    j       main
fault:
    sd      zero, 0(t0)
main:
    li      a0, 1
    lla     a1, msg
    li      a2, msglen
    li      a7, 64                      # write
    ecall
    lla     t0, _start
    j       fault
