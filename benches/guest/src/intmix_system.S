/* The integer kernel (intmix_core.c) in system mode: M mode maps RAM with
 * a global Sv39 gigapage and runs the kernel in S mode with paging on, the
 * round count taken from `params`, the checksum left in `result`. */
#include "system_entry.h"
    HEADER
    li      t2, 0x80000000
    SET_PTE root, 2, t2, KERNEL
    ENTER_S root, s_entry
s_entry:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, stack_top
    ld      a0, params
    call    intmix_run
    la      t0, result
    sd      a0, 0(t0)
    HTIF_EXIT

    HTIF_WORDS

    .bss
    .balign 4096
root:
    .space  4096
    .globl params
params:
    .dword  0
    .globl result
result:
    .dword  0
stack:
    .space  65536
stack_top:
