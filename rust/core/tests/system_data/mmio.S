/* Accesses to a device the host serves at DEV (mapped by the test):
 * two reads of a counter register, a store to a mailbox, stores and loads
 * of each size, an AMO, LR/SC, and an instruction fetch (an access fault).
 * The test checks the device's log and a0..a7 after the pass. */
#include "common.h"
#define DEV 0x40000000
    .section .text.init
    .globl _start
_start:
    li s0, DEV
    ld a0, 0(s0)            /* the first access: at RAM + 4 */
    ld a1, 0(s0)
    add a2, a0, a1
    sd a2, 8(s0)
    sb a2, 16(s0)
    sh a2, 18(s0)
    sw a2, 20(s0)
    lbu a3, 16(s0)
    lh a4, 18(s0)
    lw a5, 20(s0)
    lb a6, 32(s0)
    li t1, 5
    addi t2, s0, 40
    amoadd.w a7, t1, (t2)
    lr.w t3, (t2)
    addi t3, t3, 1
    sc.w t4, t3, (t2)
    CHECK t4, 0, 6          /* the SC succeeded */
    CHECK t3, 16, 7
    INSTALL_HANDLER
    la s5, after_fetch
    jr s0
after_fetch:
    CHECK s2, 1, 3          /* instruction access fault */
    CHECK s3, DEV, 4        /* at the device address */
    CHECK s4, DEV, 5
    PASS
    M_HANDLER
    HTIF_WORDS
