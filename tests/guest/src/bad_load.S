# Prints a line, then loads a doubleword from 0xbad8 (never mapped: below
# vm.mmap_min_addr): SIGSEGV on a read of 0xbad8.
# Layout (no compression): entry+0 j main; entry+4 the faulting ld.
    .section .rodata
msg:    .ascii "loading from 0xbad8\n"
    .equ msglen, . - msg

    .option norvc
    .text
    .globl _start
_start:
    j       main
fault:
    ld      t1, 0(t0)
main:
    li      a0, 1
    lla     a1, msg
    li      a2, msglen
    li      a7, 64                      # write
    ecall
    li      t0, 0xbad8
    j       fault
