# Every compressed (RVC) form, written as the 32-bit instruction it
# expands to: assembled as rv64gc each line below becomes the compressed
# form named in its comment, assembled as rv64g it stays 32 bits. The test
# checks that both decode to the same instructions. Immediates and
# offsets are taken at their extremes. (The assembler compresses jumps
# only when written as j, jr, ret and jalr rs1.)

	.text
	.globl	_start
_start:
	# Quadrant 0
	addi	s0, sp, 4		# c.addi4spn
	addi	a5, sp, 1020		# c.addi4spn
	fld	fs0, 0(a0)		# c.fld
	fld	fa5, 248(s1)		# c.fld
	lw	a0, 4(a1)		# c.lw
	lw	a5, 124(s0)		# c.lw
	ld	a0, 8(a1)		# c.ld
	ld	s1, 248(a5)		# c.ld
	fsd	fs1, 16(a2)		# c.fsd
	fsd	fa4, 248(s0)		# c.fsd
	sw	a0, 0(a1)		# c.sw
	sw	s0, 124(a5)		# c.sw
	sd	a0, 248(a1)		# c.sd
	sd	s1, 0(a4)		# c.sd

	# Quadrant 1
	nop				# c.nop
	addi	a0, a0, 1		# c.addi
	addi	t0, t0, -32		# c.addi
	addi	s1, s1, 31		# c.addi
	addiw	a0, a0, -1		# c.addiw
	addiw	t1, t1, 31		# c.addiw
	addiw	a1, a1, 0		# c.addiw (sext.w)
	addi	a0, zero, -32		# c.li
	addi	t6, zero, 31		# c.li
	addi	ra, zero, 0		# c.li
	addi	sp, sp, -512		# c.addi16sp
	addi	sp, sp, 496		# c.addi16sp
	addi	sp, sp, 16		# c.addi16sp
	lui	a0, 1			# c.lui
	lui	t2, 0x1f		# c.lui
	lui	s0, 0xfffe0		# c.lui
	srli	s0, s0, 1		# c.srli
	srli	a5, a5, 63		# c.srli
	srai	a0, a0, 32		# c.srai
	srai	s1, s1, 1		# c.srai
	andi	a1, a1, -32		# c.andi
	andi	s1, s1, 31		# c.andi
	andi	a2, a2, 0		# c.andi
	sub	s0, s0, s1		# c.sub
	xor	a0, a0, a5		# c.xor
	or	a1, a1, a2		# c.or
	and	a3, a3, a4		# c.and
	subw	a5, a5, s0		# c.subw
	addw	s1, s1, a0		# c.addw
back:
	j	back			# c.j
	j	ahead			# c.j
	beq	s0, zero, back		# c.beqz
	beq	a5, zero, ahead		# c.beqz
	bne	a0, zero, back		# c.bnez
	bne	s1, zero, ahead		# c.bnez

ahead:
	# Quadrant 2
	slli	a0, a0, 1		# c.slli
	slli	t6, t6, 63		# c.slli
	slli	ra, ra, 32		# c.slli
	fld	fa0, 8(sp)		# c.fldsp
	fld	ft0, 504(sp)		# c.fldsp
	lw	ra, 252(sp)		# c.lwsp
	lw	a0, 0(sp)		# c.lwsp
	ld	s0, 504(sp)		# c.ldsp
	ld	t6, 8(sp)		# c.ldsp
	jr	a0			# c.jr
	ret				# c.jr

	add	a0, zero, a1		# c.mv
	add	t6, zero, ra		# c.mv
	ebreak				# c.ebreak
	jalr	a0			# c.jalr
	jalr	t6			# c.jalr
	add	a0, a0, a1		# c.add
	add	sp, sp, t6		# c.add
	fsd	fs0, 504(sp)		# c.fsdsp
	fsd	ft11, 0(sp)		# c.fsdsp
	sw	a0, 252(sp)		# c.swsp
	sw	zero, 4(sp)		# c.swsp
	sd	ra, 504(sp)		# c.sdsp
	sd	t6, 8(sp)		# c.sdsp
