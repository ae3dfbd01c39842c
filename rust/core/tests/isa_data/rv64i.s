# RV64I: every instruction, extreme immediates, and every alias objdump
# prints for them (nop, li, mv, not, neg, negw, sext.w, seqz, snez, sltz,
# sgtz, zext.b, beqz, bnez, blez, bgez, bltz, bgtz, j, jal, jr, jalr, ret).
# Assembled as rv64gc and as rv64g; `mv` and `addi rd,rs,0` are kept
# uncompressed (.option norvc) because their compressed form, c.mv, is
# `add rd,zero,rs` rather than the same addi.

	.text
	.globl	_start
_start:
	lui	a0, 0x12345
	lui	t6, 0xfffff
	lui	s11, 0x80000
	auipc	a1, 0
	auipc	t0, 0xfffff
	auipc	s2, 0x7ffff

jumps:
	jal	ra, jumps
	jal	a0, _start
	jal	zero, forward
	jal	s3, forward
	jalr	zero, 0(ra)
	jalr	zero, 0(a0)
	jalr	zero, 8(a0)
	jalr	ra, 0(t1)
	jalr	ra, -2048(t1)
	jalr	a2, 0(a3)
	jalr	a2, 2047(a3)
	ret
	jr	t2
	jalr	s4

branches:
	beq	a0, a1, branches
	bne	t0, t1, forward
	blt	s0, s1, branches
	bge	a2, a3, forward
	bltu	a4, a5, branches
	bgeu	a6, a7, forward
	beq	s5, zero, branches
	beq	zero, s5, branches
	bne	s6, zero, forward
	blt	s7, zero, branches
	blt	zero, s8, forward
	bge	s9, zero, branches
	bge	zero, s10, forward
	bge	zero, zero, forward
	blt	zero, zero, forward
	bltu	zero, t3, branches
	bgeu	t4, zero, forward

forward:
	lb	a0, 0(a1)
	lh	t0, -2048(sp)
	lw	s0, 2047(s1)
	ld	t3, -1(t4)
	lbu	a7, 1(gp)
	lhu	s11, 100(tp)
	lwu	zero, -100(zero)
	sb	a0, 0(a1)
	sh	t0, -2048(sp)
	sw	s0, 2047(s1)
	sd	t3, -1(t4)

immediates:
	addi	a0, a1, 1
	addi	t0, t1, -2048
	addi	s2, s3, 2047
	addi	zero, zero, 0
	addi	a4, zero, 5
	addi	a5, zero, -1
	addi	a6, zero, 2047
	.option	push
	.option	norvc
	addi	a0, a1, 0
	mv	s4, s5
	.option	pop
	slti	a0, a1, -1
	slti	t0, t1, 2047
	sltiu	a2, a3, 1
	sltiu	a2, a3, -2048
	sltiu	a2, a3, 7
	xori	a0, a1, -1
	xori	a4, a5, 0x7ff
	ori	t2, t3, -2048
	ori	zero, a0, 1
	andi	s6, s7, 255
	andi	s8, s9, -256
	andi	a0, a0, 0x7ff
	slli	a0, a1, 0
	slli	t0, t1, 63
	srli	s0, s1, 1
	srli	a2, a3, 32
	srai	a4, a5, 63
	srai	t5, t6, 17

registers:
	add	a0, a1, a2
	add	t0, zero, t1
	sub	s0, s1, s2
	sub	a3, zero, a4
	sll	a5, a6, a7
	slt	t3, t4, t5
	slt	t6, zero, ra
	slt	gp, tp, zero
	sltu	a0, a1, a2
	sltu	s10, zero, s11
	xor	a0, a1, a2
	srl	t0, t1, t2
	sra	s0, s1, s2
	or	a3, a4, a5
	and	a6, a7, s3

words:
	addiw	a0, a1, 1
	addiw	t0, t1, -2048
	addiw	s0, s1, 0
	slliw	a2, a3, 0
	slliw	a4, a5, 31
	srliw	a6, a7, 1
	sraiw	t3, t4, 31
	addw	a0, a1, a2
	subw	t0, t1, t2
	subw	s4, zero, s5
	sllw	a3, a4, a5
	srlw	s6, s7, s8
	sraw	t5, t6, ra

system:
	fence
	fence	rw, rw
	fence	r, w
	fence	iorw, o
	fence	i, r
	fence.tso
	fence.i
	ecall
	ebreak
