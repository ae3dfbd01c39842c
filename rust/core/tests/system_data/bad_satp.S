/* satp names a root page table where there is no memory: the walk's PTE
 * read is an access fault of the fetch, taken to M with tval = pc. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    la t0, handler
    csrw mtvec, t0
    li t0, (8 << 60) | 0x10      /* root at physical 0x10000 */
    csrw satp, t0
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    li t0, 0x80001000
    csrw mepc, t0
    mret
    FAIL 5
    .align 4
handler:                         /* stays in M */
    csrr s2, mcause
    csrr s3, mtval
    csrr s4, mepc
    CHECK s2, 1, 2
    CHECK s3, 0x80001000, 3
    CHECK s4, 0x80001000, 4
    PASS
    HTIF_WORDS
