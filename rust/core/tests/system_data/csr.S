/* Machine-mode CSRs: WARL values, read-only and unknown CSRs, the FS gate
 * on fcsr, and the synchronous exceptions with their mcause/mtval/mepc. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    INSTALL_HANDLER
    csrr t0, misa
    CHECK t0, (2 << 62) | 0x14112d, 2
    csrr t0, mhartid
    CHECK t0, 0, 3
    csrr t0, mvendorid
    CHECK t0, 0, 4

    /* mstatus: MPP, FS (Initial reads as Dirty, so SD), SUM, MXR, UXL/SXL. */
    li t0, (1 << 11) | (1 << 13) | (1 << 18) | (1 << 19)
    csrw mstatus, t0
    csrr t1, mstatus
    CHECK t1, (1 << 63) | (0xa << 32) | (1 << 19) | (1 << 18) | (3 << 13) | (1 << 11), 5
    csrr t1, sstatus
    CHECK t1, (1 << 63) | (2 << 32) | (1 << 19) | (1 << 18) | (3 << 13), 6
    /* MPP = 2 is reserved: the field keeps its value. */
    li t0, 2 << 11
    csrs mstatus, t0
    csrr t1, mstatus
    srli t1, t1, 11
    andi t1, t1, 3
    CHECK t1, 3, 7

    li t0, -1
    csrw medeleg, t0
    csrr t1, medeleg
    CHECK t1, 0xb3ff, 8
    csrw mideleg, t0
    csrr t1, mideleg
    CHECK t1, 0x222, 9
    csrw mie, t0
    csrr t1, mie
    CHECK t1, 0xaaa, 10
    csrw mie, zero
    csrw medeleg, zero
    csrw mideleg, zero
    li t0, 0x80001235
    csrw mepc, t0
    csrr t1, mepc
    CHECK t1, 0x80001234, 11
    li t0, 0x1f
    csrw pmpcfg0, t0
    csrr t1, pmpcfg0
    CHECK t1, 0x1f, 12
    li t0, -1
    csrw pmpaddr0, t0
    csrr t1, pmpaddr0
    CHECK t1, (1 << 54) - 1, 13
    la t0, m_handler
    ori t1, t0, 3            /* reserved mode: reads as direct */
    csrw mtvec, t1
    csrr t1, mtvec
    CHECK_EQ t0, t1, 14
    csrw mscratch, t0
    csrrw t1, mscratch, zero
    CHECK_EQ t0, t1, 15

    /* Writing a read-only CSR: illegal, tval = the instruction bits. */
write_mhartid:
    csrw mhartid, zero
    CHECK_BITS write_mhartid, 16
    /* A CSR that does not exist. */
read_unknown:
    csrr t0, 0x7c0
    CHECK_BITS read_unknown, 17
    /* fcsr while mstatus.FS is Off. */
    li t0, 3 << 13
    csrc mstatus, t0
read_fcsr:
    csrr t0, fcsr
    CHECK s2, 2, 18
    li t0, 1 << 13
    csrs mstatus, t0
    li s2, -1
    csrr t0, fcsr
    CHECK s2, -1, 19

illegal:
    .word 0x1234500b
    CHECK_TRAP 2, 0x1234500b, illegal, 20
ecall_m:
    ecall
    CHECK_TRAP 11, 0, ecall_m, 21
brk:
    ebreak
    la t0, brk               /* tval = pc of the ebreak */
    CHECK_EQ s3, t0, 22
    CHECK_EQ s4, t0, 22
    CHECK s2, 3, 22

    /* Misaligned AMO and LR: store/load address misaligned, tval = address. */
    la s6, scratch
    addi s6, s6, 2
misaligned_amo:
    amoadd.w t1, t1, (s6)
    CHECK_EQ s3, s6, 23
    la t0, misaligned_amo
    CHECK_EQ s4, t0, 23
    CHECK s2, 6, 23
misaligned_lr:
    lr.d t1, (s6)
    CHECK_EQ s3, s6, 24
    la t0, misaligned_lr
    CHECK_EQ s4, t0, 24
    CHECK s2, 4, 24
    /* Nothing at physical 0: access faults with tval = address. */
load_nothing:
    lw t0, 8(zero)
    CHECK_TRAP 5, 8, load_nothing, 25
store_nothing:
    sd t0, 16(zero)
    CHECK_TRAP 7, 16, store_nothing, 26
    /* A word access to the byte-wide UART is refused by the device. */
    li t0, 0x10000000
uart_word:
    lw t1, 0(t0)
    CHECK_TRAP 5, 0x10000000, uart_word, 27
    /* Fetch from nowhere: instruction access fault, mepc = tval = 0. */
    la s5, after_jump
    jr zero
after_jump:
    CHECK s2, 1, 28
    CHECK s3, 0, 28
    CHECK s4, 0, 28
    /* mret from M to M: MIE = MPIE, MPIE = 1, MPP = U. */
    li t0, (3 << 11) | (1 << 7)
    csrs mstatus, t0
    la t0, after_mret
    csrw mepc, t0
    mret
    FAIL 29
after_mret:
    csrr t0, mstatus
    andi t1, t0, (1 << 3) | (1 << 7)
    CHECK t1, (1 << 3) | (1 << 7), 30
    srli t0, t0, 11
    andi t0, t0, 3
    CHECK t0, 0, 31
    PASS

    M_HANDLER

    .data
    .align 3
scratch: .dword 0, 0
    HTIF_WORDS
