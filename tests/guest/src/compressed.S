# The C extension with no libc: every RV64C instruction that user code can
# run, written by its c.* name so the assembler cannot pick another encoding.
# After each group the result is printed as "name: <16 hex digits>".
# Registers x8-x15 (s0, s1, a0-a5) are the only ones the 3-bit register
# fields of CIW/CL/CS/CA/CB formats reach.

    .option rvc

# REPORT label, reg: print "label: value" and keep every register but t3-t6
# and ra (report saves what else it uses).
.macro REPORT label, reg
    .section .rodata
1:  .asciz "\label"
    .text
    mv      t6, \reg
    lla     t5, 1b
    call    report
.endm

    .text
    .globl _start
_start:
    # Integer constants and arithmetic on one register (CI format).
    c.li    a0, -7
    c.addi  a0, 3
    REPORT  "c.li -7; c.addi 3", a0
    c.lui   a1, 0xfffff                 # nzimm -1: a1 = 0xffff_ffff_ffff_f000
    REPORT  "c.lui 0xfffff", a1
    c.lui   a1, 0x1f
    c.addiw a1, -1
    REPORT  "c.lui 0x1f; c.addiw -1", a1
    lui     a2, 0x80000
    addiw   a2, a2, -1                  # a2 = 0x7fffffff
    c.addiw a2, 1                       # wraps and sign-extends
    REPORT  "c.addiw 0x7fffffff+1", a2
    c.li    a3, 1
    c.slli  a3, 63
    REPORT  "c.slli 63", a3
    c.srai  a3, 62
    REPORT  "c.srai 62", a3
    c.srli  a3, 60
    REPORT  "c.srli 60", a3
    c.li    a4, -1
    c.andi  a4, -16
    REPORT  "c.andi -16", a4
    c.nop
    c.li    a5, 31
    c.andi  a5, 10
    REPORT  "c.andi 10", a5

    # Register-register forms (CR and CA).
    c.li    s0, 12
    c.li    s1, 10
    c.mv    a0, s0
    c.add   a0, s1
    REPORT  "c.mv; c.add", a0
    c.mv    a0, s0
    c.sub   a0, s1
    REPORT  "c.sub", a0
    c.mv    a0, s0
    c.xor   a0, s1
    REPORT  "c.xor", a0
    c.mv    a0, s0
    c.or    a0, s1
    REPORT  "c.or", a0
    c.mv    a0, s0
    c.and   a0, s1
    REPORT  "c.and", a0
    lui     a1, 0x80000                 # a1 = 0xffff_ffff_8000_0000
    c.li    a0, 1
    c.subw  a1, a0                      # 32-bit wrap to 0x7fffffff
    REPORT  "c.subw", a1
    c.addw  a1, a0                      # and back, sign-extended
    REPORT  "c.addw", a1

    # Stack-relative forms (CSS, CI) and the stack pointer adjusters.
    mv      s1, sp
    c.addi16sp sp, -64
    sub     a0, s1, sp
    REPORT  "c.addi16sp -64 (sp moved by)", a0
    c.addi4spn a0, sp, 24
    sub     a0, a0, sp
    REPORT  "c.addi4spn 24 (offset from sp)", a0
    li      a1, 0x0123456789abcdef
    c.sdsp  a1, 8(sp)
    c.ldsp  a2, 8(sp)
    REPORT  "c.sdsp; c.ldsp", a2
    c.lwsp  a3, 12(sp)                  # high word 0x01234567
    REPORT  "c.lwsp (high word)", a3
    c.lwsp  a3, 8(sp)                   # low word 0x89abcdef, sign-extended
    REPORT  "c.lwsp (low word, sign-extended)", a3
    c.li    a4, -1
    c.sdsp  a4, 16(sp)                  # known upper word
    li      a4, 0x7edcba98
    c.swsp  a4, 16(sp)
    c.ldsp  a5, 16(sp)
    REPORT  "c.swsp (low word of a dword)", a5
    c.fldsp fa0, 8(sp)
    c.fsdsp fa0, 24(sp)
    c.ldsp  a0, 24(sp)
    REPORT  "c.fldsp; c.fsdsp", a0
    c.addi16sp sp, 64
    sub     a0, s1, sp
    REPORT  "c.addi16sp +64 (sp restored)", a0

    # Register-based loads and stores (CL, CS).
    lla     s0, data
    c.ld    a0, 0(s0)
    REPORT  "c.ld", a0
    c.lw    a1, 8(s0)
    REPORT  "c.lw (sign-extended)", a1
    c.sw    a1, 16(s0)
    c.sd    a0, 24(s0)
    c.ld    a2, 16(s0)
    REPORT  "c.sw", a2
    c.ld    a2, 24(s0)
    REPORT  "c.sd", a2
    c.fld   fa1, 0(s0)
    c.fsd   fa1, 32(s0)
    c.ld    a3, 32(s0)
    REPORT  "c.fld; c.fsd", a3

    # Control flow: c.j, c.beqz/c.bnez taken and not, c.jalr and c.jr.
    c.li    a0, 0
    c.j     1f
    c.li    a0, 1                       # skipped
1:  c.addi  a0, 2
    c.beqz  a0, 2f                      # a0 = 2: not taken
    c.addi  a0, 4
2:  c.bnez  a0, 3f                      # taken
    c.li    a0, 0                       # skipped
3:  REPORT  "c.j; c.beqz; c.bnez", a0
    lla     a1, triple
    c.li    a0, 14
    c.jalr  a1
    REPORT  "c.jalr; c.jr", a0
    c.li    a2, 0
    c.li    a3, 3
4:  c.addi  a2, 5
    c.addi  a3, -1
    c.bnez  a3, 4b
    REPORT  "c.bnez loop 3 times", a2

    li      a0, 0
    li      a7, 93                      # exit
    ecall

# a0 = 3 * a0, returning with c.jr ra.
triple:
    c.mv    a5, a0
    c.add   a0, a5
    c.add   a0, a5
    c.jr    ra

# report(t5 = NUL-terminated label, t6 = value): writes "label: hex\n".
report:
    addi    sp, sp, -64
    sd      a0, 0(sp)
    sd      a1, 8(sp)
    sd      a2, 16(sp)
    sd      a7, 24(sp)
    mv      a1, t5                      # label length into a2
    li      a2, 0
5:  add     t4, a1, a2
    lbu     t4, 0(t4)
    beqz    t4, 6f
    addi    a2, a2, 1
    j       5b
6:  li      a0, 1
    li      a7, 64                      # write(1, label, len)
    ecall
    # ": " then 16 hex digits and a newline, built at 32(sp).
    li      t4, ':'
    sb      t4, 32(sp)
    li      t4, ' '
    sb      t4, 33(sp)
    addi    a1, sp, 49                  # last digit slot
    li      t3, 16
7:  andi    t4, t6, 15
    addi    t4, t4, '0'
    li      a2, '9'
    ble     t4, a2, 8f
    addi    t4, t4, 'a' - '9' - 1
8:  sb      t4, 0(a1)
    srli    t6, t6, 4
    addi    a1, a1, -1
    addi    t3, t3, -1
    bnez    t3, 7b
    li      t4, '\n'
    sb      t4, 50(sp)
    li      a0, 1
    addi    a1, sp, 32
    li      a2, 19
    li      a7, 64
    ecall
    ld      a0, 0(sp)
    ld      a1, 8(sp)
    ld      a2, 16(sp)
    ld      a7, 24(sp)
    addi    sp, sp, 64
    ret

    .data
    .balign 8
data:
    .dword  0xfedcba9876543210
    .dword  0x0000000080000001
    .dword  0
    .dword  0
    .dword  0
