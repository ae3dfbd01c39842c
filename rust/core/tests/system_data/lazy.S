/* A raw image whose pages the host supplies on first touch. Page 0 jumps
 * to page 2, which prints the string of page 3 on the UART, then loads
 * from page 5 (beyond the image: the host leaves it zero) into a2 and
 * stores there. Page 1 is never touched. Ends in wfi with nothing to
 * wake the hart. */
    .option norvc
    .section .text.init
    .globl _start
_start:
    j far
    .balign 4096
untouched:
    .fill 1024, 4, 0xdeadbeef
far:
    li s0, 0x10000000
    lla a0, message
1:  lbu a1, 0(a0)
    beqz a1, 2f
    sb a1, 0(s0)
    addi a0, a0, 1
    j 1b
2:  li t0, 0x80005000
    ld a2, 0(t0)
    sd a0, 8(t0)
3:  wfi
    j 3b
    .balign 4096
message: .asciz "lazy pages\n"
