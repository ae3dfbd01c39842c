# F and D: every instruction; every operation with a rounding mode in each
# of the six modes (the default, dyn, is printed without a suffix). The
# widening conversions fcvt.d.s, fcvt.d.w and fcvt.d.wu are exact: the
# assembler of reference accepts only their default mode (rne).

	.text
	.globl	_start
_start:
	flw	fa0, 0(a0)
	flw	ft11, -2048(sp)
	fsw	fs0, 2047(s1)
	fld	fa1, 8(a1)
	fld	ft0, -8(sp)
	fsd	fs11, 16(tp)
	fld	fs1, 504(sp)
	fsd	fa5, 248(a5)

	.irp	rm, rne, rtz, rdn, rup, rmm, dyn
	.irp	fmt, s, d
	fmadd.\fmt	fa0, fa1, fa2, fa3, \rm
	fmsub.\fmt	ft0, ft1, ft2, ft3, \rm
	fnmsub.\fmt	fs0, fs1, fs2, fs3, \rm
	fnmadd.\fmt	ft8, ft9, ft10, ft11, \rm
	fadd.\fmt	fa4, fa5, fa6, \rm
	fsub.\fmt	fa7, fs4, fs5, \rm
	fmul.\fmt	fs6, fs7, fs8, \rm
	fdiv.\fmt	fs9, fs10, fs11, \rm
	fsqrt.\fmt	ft4, ft5, \rm
	fcvt.w.\fmt	a0, fa0, \rm
	fcvt.wu.\fmt	t0, ft0, \rm
	fcvt.l.\fmt	s0, fs0, \rm
	fcvt.lu.\fmt	a7, fa7, \rm
	.endr
	fcvt.s.l	fs0, s0, \rm
	fcvt.s.lu	fa7, a7, \rm
	fcvt.d.l	fs1, s1, \rm
	fcvt.d.lu	ft9, t6, \rm
	fcvt.s.w	fa0, a0, \rm
	fcvt.s.wu	ft0, t0, \rm
	fcvt.s.d	fa0, fa1, \rm
	.endr

	fcvt.d.s	fa0, fa1
	fcvt.d.w	ft0, zero
	fcvt.d.wu	fs0, s11

	.irp	fmt, s, d
	fsgnj.\fmt	fa0, fa1, fa2
	fsgnjn.\fmt	fa0, fa1, fa2
	fsgnjx.\fmt	fa0, fa1, fa2
	fmv.\fmt	ft0, ft1
	fneg.\fmt	fs0, fs1
	fabs.\fmt	fa3, fa4
	fmin.\fmt	ft2, ft3, ft4
	fmax.\fmt	ft5, ft6, ft7
	feq.\fmt	a0, fa0, fa1
	flt.\fmt	t0, ft0, ft1
	fle.\fmt	s0, fs0, fs1
	fclass.\fmt	a1, fa2
	.endr
	fmv.x.w	a0, fa0
	fmv.w.x	ft0, t0
	fmv.x.d	s0, fs0
	fmv.d.x	fa7, a7
