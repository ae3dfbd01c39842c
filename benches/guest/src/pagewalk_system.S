/* Page walks in system mode: S mode under Sv39 reads one dword from each
 * of 512 pages mapped with 4 KiB leaves, `params[0]` times; when
 * `params[1]` is non-zero, an sfence.vma before each pass empties the TLBs,
 * so every read walks the page table. 512 pages are twice the host-pointer
 * TLB, so without the fence every read still misses it and is served by
 * the second-level TLB: the difference between the two runs is the cost
 * of the walks. `result` gets the sum of the dwords read. */
#include "system_entry.h"
#define PAGES 512
#define VA 0x40000000
    HEADER
    li      t2, 0x80000000
    SET_PTE root, 2, t2, KERNEL
    la      t2, level1
    SET_PTE root, 1, t2, PTE_V
    la      t2, level0
    SET_PTE level1, 0, t2, PTE_V
    /* level0[i] -> pages + i * 4096, readable and writable. */
    la      t2, pages
    la      t3, level0
    li      t4, PAGES
1:  srli    t0, t2, 12
    slli    t0, t0, 10
    ori     t0, t0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D
    sd      t0, 0(t3)
    sd      t4, 0(t2)              /* page i holds PAGES - i */
    li      t0, 4096
    add     t2, t2, t0
    addi    t3, t3, 8
    addi    t4, t4, -1
    bnez    t4, 1b
    ENTER_S root, s_entry
s_entry:
    la      t0, params
    ld      s0, 0(t0)              /* passes */
    ld      s1, 8(t0)              /* fence before each pass */
    li      s2, 0                  /* sum */
    li      s3, 4096
2:  beqz    s0, 5f
    beqz    s1, 3f
    sfence.vma
3:  li      t0, VA
    li      t1, PAGES
4:  ld      t2, 0(t0)
    add     s2, s2, t2
    add     t0, t0, s3
    addi    t1, t1, -1
    bnez    t1, 4b
    addi    s0, s0, -1
    j       2b
5:  la      t0, result
    sd      s2, 0(t0)
    HTIF_EXIT

    HTIF_WORDS

    .bss
    .balign 4096
root:
    .space  4096
level1:
    .space  4096
level0:
    .space  4096
pages:
    .space  PAGES * 4096
    .globl params
params:
    .dword  0, 0
    .globl result
result:
    .dword  0
