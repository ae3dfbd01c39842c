/* Entry of the bare-metal integer image (no libc, no OS). The harness loads
 * the flat image at its link address, puts the round count in a0 and starts
 * at offset 0; the image stores the checksum at `result` and spins at `halt`,
 * where the harness stops it. Offsets 8 and 16 hold those two addresses, so
 * the harness needs no symbol table. */
    .section .text.start, "ax"
    .globl _start
_start:
    j       1f
    .balign 8
    .dword  halt
    .dword  result
1:
    .option push
    .option norelax
    la      gp, __global_pointer$
    .option pop
    la      sp, stack_top
    call    intmix_run
    la      t0, result
    sd      a0, 0(t0)
halt:
    j       halt

    .bss
    .balign 16
    .globl result
result:
    .dword  0
stack:
    .space  65536
stack_top:
