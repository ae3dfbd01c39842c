/* Shared by the bare-metal test programs: HTIF words, pass/fail reporting,
 * a machine-mode trap handler that records the trap, and entering S mode.
 *
 * The handler stores mcause in s2, mtval in s3 and mepc in s4, then
 * resumes at s5 when it is non-zero (and clears it), else after the
 * trapping instruction (every instruction is 4 bytes: no compression). */

#define RAM 0x80000000
#define UART 0x10000000
#define PLIC 0x0c000000

.option norvc

.macro PASS
    li t6, 1
    la t5, tohost
    sd t6, 0(t5)
99: j 99b
.endm

.macro FAIL code
    li t6, (\code << 1) | 1
    la t5, tohost
    sd t6, 0(t5)
99: j 99b
.endm

/* Fail with `code` unless register `reg` equals `value`. */
.macro CHECK reg, value, code
    li t6, \value
    beq \reg, t6, .Lok\@
    FAIL \code
.Lok\@:
.endm

/* Count this hart in at `counter`; every hart but 0 (`id` holds the hart
 * id) then sleeps for good, and hart 0 goes on once `harts` have arrived.
 * Uses t0-t2. */
.macro ARRIVE_AND_PARK id, counter, harts
    la t0, \counter
    li t1, 1
    amoadd.d zero, t1, (t0)
    beqz \id, .Lwait\@
.Lpark\@:
    wfi
    j .Lpark\@
.Lwait\@:
    ld t1, 0(t0)
    li t2, \harts
    bne t1, t2, .Lwait\@
.endm

/* Fail with `code` unless registers `a` and `b` are equal. */
.macro CHECK_EQ a, b, code
    beq \a, \b, .Leq\@
    FAIL \code
.Leq\@:
.endm

/* Fail with `code` unless the last trap was an illegal instruction at
 * `label` with its bits in tval. */
.macro CHECK_BITS label, code
    la t6, \label
    lwu t6, 0(t6)
    CHECK_EQ s3, t6, \code
    li t6, 2
    CHECK_EQ s2, t6, \code
    la t6, \label
    CHECK_EQ s4, t6, \code
    li s2, -1
.endm

/* Fail with `code` unless the last trap had this cause, tval and pc. */
.macro CHECK_TRAP cause, tval, epc, code
    CHECK s2, \cause, \code
    li t6, \tval
    beq s3, t6, .Ltv\@
    FAIL \code
.Ltv\@:
    la t6, \epc
    beq s4, t6, .Lpc\@
    FAIL \code
.Lpc\@:
    li s2, -1
.endm

.macro INSTALL_HANDLER
    la t0, m_handler
    csrw mtvec, t0
    li s2, -1
    li s5, 0
.endm

.macro M_HANDLER
    .align 4
m_handler:
    csrr s2, mcause
    csrr s3, mtval
    csrr s4, mepc
    beqz s5, 1f
    csrw mepc, s5
    li s5, 0
    mret
1:  addi s4, s4, 4
    csrw mepc, s4
    addi s4, s4, -4
    mret
.endm

/* From M, continue at `label` in S mode. */
.macro ENTER_S label
    li t0, 3 << 11
    csrc mstatus, t0
    li t0, 1 << 11
    csrs mstatus, t0
    la t0, \label
    csrw mepc, t0
    mret
.endm

.macro HTIF_WORDS
    .section .tohost, "aw", @progbits
    .align 6
    .globl tohost
tohost: .dword 0
    .align 6
    .globl fromhost
fromhost: .dword 0
.endm

/* Route the UART's received-data interrupt (PLIC source 10, priority 7)
 * to the M-mode context whose enable word is at `enable`, and let M mode
 * take external interrupts (mie.MEIE). s0 holds the UART's address. */
.macro UART_IRQ_TO enable
    li t1, PLIC + 4 * 10
    li t0, 7
    sw t0, 0(t1)
    li t1, \enable
    li t0, 1 << 10
    sw t0, 0(t1)
    li t0, 1                 /* IER: received data available */
    sb t0, 1(s0)
    li t0, 1 << 11
    csrw mie, t0
.endm
