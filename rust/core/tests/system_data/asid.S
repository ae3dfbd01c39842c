/* The ASID-tagged TLB and sfence.vma. Two Sv39 address spaces (ASID 1 and
 * 2) share a global gigapage identity-mapping RAM and map VA to different
 * pages. S mode switches satp between them without fencing, then remaps
 * VA and fences in each of the four forms of sfence.vma; every access
 * after a fence must see the new mapping. The walk count the host reads
 * afterwards tells which leaves stayed cached (see system_programs.rs). */
#include "common.h"
#include "paging.h"
#define RW_LEAF (V|R|W|A|D)
#define VA 0x40000000

/* Fail with `code` unless the dword at VA holds `value`. */
.macro EXPECT value, code
    li t0, VA
    ld t0, 0(t0)
    CHECK t0, \value, \code
.endm

    .section .text.init
    .globl _start
_start:
    INSTALL_HANDLER
    li t0, 0x11
    la t1, page1
    sd t0, 0(t1)
    li t0, 0x22
    la t1, page2
    sd t0, 0(t1)
    li t0, 0x33
    la t1, page3
    sd t0, 0(t1)
    li t0, 0x44
    la t1, page4
    sd t0, 0(t1)
    PTE_TO root1, 2, _start, V|R|W|X|G|A|D   /* RAM, global gigapage */
    PTE_TO root2, 2, _start, V|R|W|X|G|A|D
    PTE_TO root1, 1, mid1, V
    PTE_TO root2, 1, mid2, V
    PTE_TO mid1, 0, leaves1, V
    PTE_TO mid2, 0, leaves2, V
    PTE_TO leaves1, 0, page1, RW_LEAF
    PTE_TO leaves2, 0, page2, RW_LEAF
    SATP s6, root1, 1
    SATP s7, root2, 2
    csrw satp, s6
    ENTER_S s_code

s_code:
    /* Walks: the code gigapage (1), VA in space 1 (2), in space 2 (3). */
    EXPECT 0x11, 2
    csrw satp, s7
    EXPECT 0x22, 3
    /* Back and forth: both spaces' leaves are still cached. */
    csrw satp, s6
    EXPECT 0x11, 4
    csrw satp, s7
    EXPECT 0x22, 5
    /* By ASID: space 1 now maps page3 (walk 4); the global gigapage and
     * space 2's leaf stay. */
    PTE_TO leaves1, 0, page3, RW_LEAF
    li t1, 1
    sfence.vma zero, t1
    csrw satp, s6
    EXPECT 0x33, 6
    csrw satp, s7
    EXPECT 0x22, 7
    /* By address, every ASID: both spaces remapped (walks 5 and 6). */
    PTE_TO leaves1, 0, page1, RW_LEAF
    PTE_TO leaves2, 0, page4, RW_LEAF
    li t1, VA
    sfence.vma t1, zero
    EXPECT 0x44, 8
    csrw satp, s6
    EXPECT 0x11, 9
    /* By address and ASID (walk 7); fencing the global code page by
     * ASID keeps it. */
    PTE_TO leaves1, 0, page3, RW_LEAF
    li t1, VA
    li t2, 1
    sfence.vma t1, t2
    EXPECT 0x33, 10
    la t1, s_code
    sfence.vma t1, t2
    /* Everything: the code gigapage (walk 8) and VA (walk 9). */
    PTE_TO leaves1, 0, page2, RW_LEAF
    sfence.vma
    EXPECT 0x22, 11
    PASS

    SET_PTE_FUNCTION

    M_HANDLER
    HTIF_WORDS

    .data
    .align 12
root1: .zero 4096
root2: .zero 4096
mid1: .zero 4096
mid2: .zero 4096
leaves1: .zero 4096
leaves2: .zero 4096
page1: .zero 4096
page2: .zero 4096
page3: .zero 4096
page4: .zero 4096
