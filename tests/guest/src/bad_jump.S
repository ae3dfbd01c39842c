# Prints a line, then jumps to 0xbad0, below the lowest address Linux maps
# (vm.mmap_min_addr = 64 KiB): SIGSEGV on instruction fetch, pc = 0xbad0.
    .section .rodata
msg:    .ascii "jumping to 0xbad0\n"
    .equ msglen, . - msg

    .option norvc
    .text
    .globl _start
_start:
    li      a0, 1
    lla     a1, msg
    li      a2, msglen
    li      a7, 64                      # write
    ecall
    li      t0, 0xbad0
    jalr    ra, 0(t0)
