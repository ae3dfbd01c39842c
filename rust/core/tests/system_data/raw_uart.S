/* A raw binary (no ELF, no HTIF): print on the UART, then wait for an
 * interrupt that can never come. */
    .option norvc
    .globl _start
_start:
    li s0, 0x10000000
    la a0, message
1:  lbu a1, 0(a0)
    beqz a1, 2f
    sb a1, 0(s0)
    addi a0, a0, 1
    j 1b
2:  wfi
    j 2b
message: .asciz "raw\n"
