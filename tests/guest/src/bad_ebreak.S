# Prints a line, then executes ebreak with no debugger attached: Linux kills
# the process with SIGTRAP (exit status 133).
# Layout (no compression): entry+0 j main; entry+4 ebreak.
    .section .rodata
msg:    .ascii "executing ebreak\n"
    .equ msglen, . - msg

    .option norvc
    .text
    .globl _start
_start:
    j       main
fault:
    ebreak
main:
    li      a0, 1
    lla     a1, msg
    li      a2, msglen
    li      a7, 64                      # write
    ecall
    j       fault
