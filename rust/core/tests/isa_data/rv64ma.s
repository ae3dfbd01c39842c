# M and A: every instruction; every AMO with each of its four aq/rl
# variants.

	.text
	.globl	_start
_start:
	mul	a0, a1, a2
	mulh	t0, t1, t2
	mulhsu	s0, s1, s2
	mulhu	a3, a4, a5
	div	a6, a7, s3
	divu	s4, s5, s6
	rem	t3, t4, t5
	remu	t6, ra, sp
	mulw	a0, zero, a1
	divw	s7, s8, s9
	divuw	s10, s11, gp
	remw	tp, t0, t1
	remuw	a0, a0, a0

	.macro	amo_all name
	\name		a0, a1, (a2)
	\name\().aq	t0, t1, (t2)
	\name\().rl	s0, s1, (sp)
	\name\().aqrl	zero, a3, (a4)
	.endm

	.irp	width, w, d
	lr.\width	a0, (a1)
	lr.\width\().aq	t0, (t1)
	lr.\width\().rl	s0, (sp)
	lr.\width\().aqrl	a5, (a6)
	amo_all	sc.\width
	amo_all	amoswap.\width
	amo_all	amoadd.\width
	amo_all	amoxor.\width
	amo_all	amoand.\width
	amo_all	amoor.\width
	amo_all	amomin.\width
	amo_all	amomax.\width
	amo_all	amominu.\width
	amo_all	amomaxu.\width
	.endr
