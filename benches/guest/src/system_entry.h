/* Shared by the system-mode bench images: the image header the harness
 * reads, entry into S mode under Sv39, and HTIF. The header at offset 8
 * holds the address of the parameter block the harness fills before the
 * run, at offset 16 the address of the result it reads after. */

#define PTE_V 1
#define PTE_R 2
#define PTE_W 4
#define PTE_X 8
#define PTE_G 32
#define PTE_A 64
#define PTE_D 128
#define KERNEL (PTE_V | PTE_R | PTE_W | PTE_X | PTE_G | PTE_A | PTE_D)

.macro HEADER
    .section .text.start, "ax"
    .globl _start
_start:
    j       1f
    .balign 8
    .dword  params
    .dword  result
1:
.endm

/* table[index] = PTE of the page at physical address `pa` with `flags`
 * (clobbers t0, t1). */
.macro SET_PTE table, index, pa, flags
    srli    t0, \pa, 12
    slli    t0, t0, 10
    ori     t0, t0, \flags
    la      t1, \table
    sd      t0, (8 * \index)(t1)
.endm

/* Turn on Sv39 with root table `root` and continue at `entry` in S mode. */
.macro ENTER_S root, entry
    la      t0, \root
    srli    t0, t0, 12
    li      t1, 8 << 60
    or      t0, t0, t1
    csrw    satp, t0
    li      t0, 3 << 11
    csrc    mstatus, t0
    li      t0, 1 << 11
    csrs    mstatus, t0
    la      t0, \entry
    csrw    mepc, t0
    mret
.endm

/* Report success through HTIF: the run stops with exit code 0. */
.macro HTIF_EXIT
    li      t0, 1
    la      t1, tohost
    sd      t0, 0(t1)
99: j       99b
.endm

.macro HTIF_WORDS
    .section .tohost, "aw", @progbits
    .balign 64
    .globl tohost
tohost: .dword 0
    .balign 64
    .globl fromhost
fromhost: .dword 0
.endm
