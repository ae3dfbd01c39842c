/* Sv39 translation from S and U mode: a gigapage identity-maps RAM for the
 * kernel; 4 KiB pages and megapages at 0x40000000 test permissions, the
 * Svade A/D rule, SUM, MXR, the U bit, misaligned superpages, reserved
 * encodings, non-canonical addresses, sfence.vma after a remap, and MPRV.
 * Faults go to M (not delegated) with the virtual address in mtval. */
#include "common.h"
#include "paging.h"
#define VA 0x40000000

    .section .text.init
    .globl _start
_start:
    INSTALL_HANDLER
    la s0, data_page
    li t0, 0x1234
    sd t0, 0(s0)
    li t0, RAM
    PTE root, 2, t0, V|R|W|X|A|D         /* 0x80000000: RAM, gigapage */
    la t0, l1
    PTE root, 1, t0, V                   /* 0x40000000: next level */
    li t0, 0x90000000
    PTE root, 3, t0, V|W|A|D             /* 0xc0000000: W without R */
    la t0, l0
    PTE l1, 0, t0, V
    PTE l0, 0, s0, V|R|W|A|D
    PTE l0, 1, s0, V|R|A                 /* read-only */
    PTE l0, 2, s0, V|R|W|A               /* not dirty */
    PTE l0, 3, s0, V|R|W                 /* not accessed */
    PTE l0, 4, s0, V|R|W|U|A|D           /* user page */
    PTE l0, 5, s0, V|X|A                 /* execute-only */
    la t0, u_page
    PTE l0, 7, t0, V|R|X|U|A             /* user code */
    li t0, RAM + 0x1000
    PTE l1, 1, t0, V|R|W|A|D             /* misaligned megapage */
    li t0, RAM
    PTE l1, 2, t0, V|R|W|A|D             /* megapage at RAM */
    li t0, 1 << 8                        /* ecall from U goes to S */
    csrw medeleg, t0

    la t0, root
    srli t0, t0, 12
    li t1, 8 << 60
    or t0, t0, t1
    csrw satp, t0
    csrr t1, satp
    CHECK_EQ t0, t1, 2
    /* An unsupported mode leaves satp as it was. */
    li t1, 10 << 60
    csrw satp, t1
    csrr t1, satp
    CHECK_EQ t0, t1, 3
    /* M is untranslated: 0x40000000 is physical, and nothing is there. */
    li s6, VA
m_load:
    ld t1, 0(s6)
    CHECK_TRAP 5, VA, m_load, 4
    /* MPRV with MPP = S: M's loads and stores translate as S's. */
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, (1 << 17) | (1 << 11)
    csrs mstatus, t0
    ld t1, 0(s6)
    CHECK t1, 0x1234, 5
    li t0, 1 << 17
    csrc mstatus, t0

    la t0, s_code
    csrw mepc, t0
    mret

s_code:
    li t1, 0x1111
    sd t1, 8(s6)
    ld t2, 8(s0)                          /* seen through the physical alias */
    CHECK t2, 0x1111, 6
    li s6, VA + 0x1000
    ld t1, 0(s6)
    CHECK t1, 0x1234, 7
store_ro:
    sd t1, 0(s6)
    CHECK_TRAP 15, VA + 0x1000, store_ro, 8
    li s6, VA + 0x2000
    ld t1, 0(s6)
    CHECK t1, 0x1234, 9
store_clean:
    sd t1, 0(s6)
    CHECK_TRAP 15, VA + 0x2000, store_clean, 10
    li s6, VA + 0x3000
load_unaccessed:
    ld t1, 0(s6)
    CHECK_TRAP 13, VA + 0x3000, load_unaccessed, 11
    li s6, VA + 0x4008
load_user:
    ld t1, 0(s6)
    CHECK_TRAP 13, VA + 0x4008, load_user, 12
    li t0, 1 << 18                       /* SUM */
    csrs sstatus, t0
    ld t1, 0(s6)
    CHECK t1, 0x1111, 13
    li s6, VA + 0x5000
load_xonly:
    ld t1, 0(s6)
    CHECK_TRAP 13, VA + 0x5000, load_xonly, 14
    li t0, 1 << 19                       /* MXR */
    csrs sstatus, t0
    ld t1, 0(s6)
    CHECK t1, 0x1234, 15
    li s6, VA + 0x6000
load_invalid:
    ld t1, 0(s6)
    CHECK_TRAP 13, VA + 0x6000, load_invalid, 16
    li s6, VA + 0x200000
load_misaligned_super:
    ld t1, 0(s6)
    CHECK_TRAP 13, VA + 0x200000, load_misaligned_super, 17
    li s6, VA + 0x400000
    lwu t1, 0(s6)
    la t0, _start
    lwu t0, 0(t0)
    CHECK_EQ t0, t1, 18
    li s6, 0xc0000000
load_w_only:
    ld t1, 0(s6)
    CHECK_TRAP 13, 0xc0000000, load_w_only, 19
    li s6, 0x4000000000
load_noncanonical:
    ld t1, 0(s6)
    CHECK_TRAP 13, 0x4000000000, load_noncanonical, 20
    /* S never executes user pages, SUM or not. */
    la s5, after_user_fetch
    li t0, VA + 0x7000
    jr t0
after_user_fetch:
    CHECK s2, 12, 21
    CHECK s3, VA + 0x7000, 21
    CHECK s4, VA + 0x7000, 21
    /* No X: instruction page fault. */
    la s5, after_data_fetch
    li t0, VA
    jr t0
after_data_fetch:
    CHECK s2, 12, 22
    CHECK s3, VA, 22
    li s2, -1
    /* Remap VA to another page: visible after sfence.vma. */
    la t0, other_page
    li t1, 0x5678
    sd t1, 0(t0)
    PTE l0, 0, t0, V|R|W|A|D
    sfence.vma
    li s6, VA
    ld t1, 0(s6)
    CHECK t1, 0x5678, 23
    /* Into U: user code at VA + 0x7000; its ecall comes back to S. */
    la t0, u_done
    csrw stvec, t0
    li t0, 1 << 8
    csrc sstatus, t0
    li t0, VA + 0x7000
    csrw sepc, t0
    sret

    .align 4
u_done:
    csrr t0, scause
    CHECK t0, 8, 24
    csrr t0, sepc
    CHECK t0, VA + 0x7000 + 16, 25
    CHECK s2, 13, 26                     /* U's load of a supervisor page */
    CHECK s3, VA, 26
    CHECK s4, VA + 0x7000 + 4, 26
    CHECK t1, 0x1111, 27                 /* U's load of its own page */
    PASS

    SET_PTE_FUNCTION

    M_HANDLER

    .align 12
u_page:
    lui t0, VA >> 12
    ld t1, 0(t0)                         /* supervisor page: faults */
    lui t0, (VA + 0x4000) >> 12
    ld t1, 8(t0)                         /* user page */
    ecall
    j .

    .data
    .align 12
root: .zero 4096
l1: .zero 4096
l0: .zero 4096
data_page: .zero 4096
other_page: .zero 4096
    HTIF_WORDS
