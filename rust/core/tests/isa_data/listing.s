# The parts of an objdump listing beyond single instructions: a block per
# symbol (ties between symbols at one address, functions, locals), targets
# named <symbol+offset>, the "# address" comments objdump adds after
# lui/auipc pairs and gp-, tp- and zero-based accesses, runs of zero bytes
# folded into "...", data marked by mapping symbols, and a second code
# section.

	.text
	.globl	_start
	.type	_start, @function
_start:
	lui	a0, %hi(table)
	addi	a0, a0, %lo(table)
	lui	a1, %hi(table)
	ld	a2, %lo(table)(a1)
	lui	a3, %hi(table + 8)
	sd	a2, %lo(table + 8)(a3)
	lui	a4, %hi(table)
	flw	fa0, %lo(table)(a4)
	lui	a5, 0x80000
	addiw	a5, a5, -1
	lui	s0, 0x12
	jalr	ra, 0(s0)
	auipc	t0, 0
	jalr	ra, 24(t0)
	ld	a0, 16(gp)
	sw	a1, -16(gp)
	ld	a1, 8(tp)
	lw	a2, -4(zero)
	lui	a6, 0x10
	add	a7, a7, a7
	addi	a6, a6, 256
	call	helper
	tail	helper
	j	.Linside
	bnez	a0, .Linside

	.type	helper, @function
helper:
	addi	sp, sp, -16
	sd	ra, 8(sp)
.Linside:
	ld	ra, 8(sp)
	addi	sp, sp, 16
	ret
	.size	helper, . - helper

local_twin:
	.globl	global_twin
global_twin:
	nop
	.word	0x12345678
	.2byte	0x1234
	.byte	0x56, 0x78
	.byte	0x9a
	.balign	2, 0
	.word	0
	.word	0
	.word	0
	ecall
	.2byte	0
	.2byte	0x1234
	.zero	16

last:
	ebreak
	.2byte	0

	.section .text.cold, "ax", @progbits
cold:
	j	_start
	ret

	.data
table:
	.dword	1, 2
