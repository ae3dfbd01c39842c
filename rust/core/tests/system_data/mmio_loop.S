/* For benches/bench_devices.py: s1 loads of the word at s0 (both set by
 * the host before the run), then a pass. */
#include "common.h"
    .section .text.init
    .globl _start
_start:
1:  lw a0, 0(s0)
    addi s1, s1, -1
    bnez s1, 1b
    PASS
    HTIF_WORDS
