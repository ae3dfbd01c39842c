/* Page tables for the test programs: PTE bits, macros that write one
 * entry (at any level, Sv39 or Sv48) and the function they call, and Sv39
 * satp values. */
#define V 1
#define R 2
#define W 4
#define X 8
#define U 16
#define G 32
#define A 64
#define D 128
#define SV39 (8 << 60)

/* table[index] = leaf or pointer to the physical address in register pa.
 * Clobbers a0-a3 and ra. */
.macro PTE table, index, pa, flags
    la a0, \table
    li a1, \index
    mv a2, \pa
    li a3, \flags
    call set_pte
.endm

/* table[index] = leaf or pointer to the page at label `to`. Clobbers t5,
 * a0-a3 and ra. */
.macro PTE_TO table, index, to, flags
    la t5, \to
    PTE \table, \index, t5, \flags
.endm

/* reg = the satp value of Sv39 with root table `table` and ASID `asid`. */
.macro SATP reg, table, asid
    la \reg, \table
    srli \reg, \reg, 12
    li t6, SV39 | (\asid << 44)
    or \reg, \reg, t6
.endm

/* reg = a leaf PTE for the page at label `page` with `flags`. */
.macro LEAF reg, page, flags
    la \reg, \page
    srli \reg, \reg, 12
    slli \reg, \reg, 10
    ori \reg, \reg, \flags
.endm

.macro SET_PTE_FUNCTION
set_pte:
    srli a2, a2, 12
    slli a2, a2, 10
    or a2, a2, a3
    slli a1, a1, 3
    add a0, a0, a1
    sd a2, 0(a0)
    ret
.endm
