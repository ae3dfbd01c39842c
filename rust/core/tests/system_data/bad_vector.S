/* mtvec points at nothing: the load access fault sends the hart to 0x100,
 * whose fetch faults again, forever (as on hardware). */
#include "common.h"
    .section .text.init
    .globl _start
_start:
    li t0, 0x100
    csrw mtvec, t0
    lw t0, 0(zero)
    FAIL 2
    HTIF_WORDS
