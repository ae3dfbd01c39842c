# Prints "asleep", sleeps one second in nanosleep, prints "awake", exits 0:
# a guest blocked in the host, for the tests of cancellation and of the
# event loop's responsiveness.
    .globl _start
    .text
_start:
    li a0, 1
    la a1, asleep
    li a2, 7
    li a7, 64           # write
    ecall
    la a0, second
    li a1, 0
    li a7, 101          # nanosleep
    ecall
    li a0, 1
    la a1, awake
    li a2, 6
    li a7, 64           # write
    ecall
    li a0, 0
    li a7, 93           # exit
    ecall

    .section .rodata
    .balign 8
second:
    .dword 1, 0         # struct timespec: 1 s, 0 ns
asleep:
    .ascii "asleep\n"
awake:
    .ascii "awake\n"
