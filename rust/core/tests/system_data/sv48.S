/* Sv48 translation from S mode: four levels, a gigapage identity-mapping
 * RAM, a 4 KiB page, terapages (aligned, misaligned, and in the upper
 * half of the address space) and a non-canonical address. */
#include "common.h"
#include "paging.h"
#define VA 0x40000000

    .section .text.init
    .globl _start
_start:
    INSTALL_HANDLER
    la s0, data_page
    li t0, 0x4848
    sd t0, 0(s0)
    la t0, l2
    PTE root, 0, t0, V
    li t0, RAM
    PTE l2, 2, t0, V|R|W|X|A|D           /* 0x80000000: RAM, gigapage */
    la t0, l1
    PTE l2, 1, t0, V
    la t0, l0
    PTE l1, 0, t0, V
    PTE l0, 0, s0, V|R|W|A|D             /* 0x40000000: a 4 KiB page */
    li t0, 0
    PTE root, 1, t0, V|R|W|A|D           /* 0x80_0000_0000: terapage at 0 */
    PTE root, 256, t0, V|R|W|A|D         /* 0xffff_8000_0000_0000: the same */
    li t0, RAM
    PTE root, 2, t0, V|R|W|A|D           /* misaligned terapage */

    la t0, root
    srli t0, t0, 12
    li t1, 9 << 60
    or t0, t0, t1
    csrw satp, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, s_code
    csrw mepc, t0
    mret

s_code:
    li s6, VA
    ld t1, 0(s6)
    CHECK t1, 0x4848, 2
    la t0, _start
    lwu t0, 0(t0)
    li s6, 0x8080000000
    lwu t1, 0(s6)
    CHECK_EQ t0, t1, 3
    li s6, 0xffff800080000000
    lwu t1, 0(s6)
    CHECK_EQ t0, t1, 4
    li s6, 0x10000000000
load_misaligned_tera:
    ld t1, 0(s6)
    CHECK_TRAP 13, 0x10000000000, load_misaligned_tera, 5
    li s6, 0x800000000000
load_noncanonical:
    ld t1, 0(s6)
    CHECK_TRAP 13, 0x800000000000, load_noncanonical, 6
    li s6, 0x4000000000                  /* canonical in Sv48, not mapped */
load_unmapped:
    sd t1, 0(s6)
    CHECK_TRAP 15, 0x4000000000, load_unmapped, 7
    PASS

    SET_PTE_FUNCTION

    M_HANDLER

    .data
    .align 12
root: .zero 4096
l2: .zero 4096
l1: .zero 4096
l0: .zero 4096
data_page: .zero 4096
    HTIF_WORDS
