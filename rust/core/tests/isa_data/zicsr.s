# Zicsr and the privileged instructions: every CSR instruction and every
# alias objdump prints for them, CSRs by name and by number, and one
# access to each CSR that has a name (the names of the unprivileged spec
# and of the privileged spec 1.12).

	.text
	.globl	_start
_start:
	csrrw	a0, mscratch, a1
	csrrs	t0, mstatus, t1
	csrrc	s0, sstatus, s1
	csrrwi	a2, mtvec, 0
	csrrsi	a3, mie, 31
	csrrci	a4, mip, 17
	csrrw	a0, 0x7c0, a1
	csrrs	a0, 0xfff, zero
	csrrci	t6, 0x800, 1

aliases:
	csrr	a0, mhartid
	csrr	a1, 0x7ff
	csrw	satp, a0
	csrs	sie, t0
	csrc	sip, t1
	csrwi	sscratch, 5
	csrsi	mstatus, 8
	csrci	mstatus, 31
	csrrs	zero, mcause, zero
	csrrw	zero, mepc, zero
	frflags	a0
	fsflags	a1
	fsflags	a2, a3
	fsflagsi	7
	fsflagsi	a4, 31
	frrm	a5
	fsrm	a6
	fsrm	a7, s2
	fsrmi	3
	fsrmi	s3, 4
	frcsr	s4
	fscsr	s5
	fscsr	s6, s7
	csrrs	a0, fflags, a1
	csrrc	zero, frm, a2
	csrrsi	zero, fcsr, 1
	rdcycle	t0
	rdtime	t1
	rdinstret	t2
	csrrs	t3, cycle, t4
	.option	push
	.option	norvc
	unimp
	.option	pop

privileged:
	mret
	sret
	wfi
	sfence.vma
	sfence.vma	a0
	sfence.vma	a0, a1
	sfence.vma	zero, t0

names:
	.irp	csr, fflags, frm, fcsr, sstatus, sie, stvec, scounteren, senvcfg
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, sscratch, sepc, scause, stval, sip, satp, vsstatus, vsie
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, vstvec, vsscratch, vsepc, vscause, vstval, vsip, vsatp, mstatus
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, misa, medeleg, mideleg, mie, mtvec, mcounteren, menvcfg, mstatush
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, menvcfgh, mcountinhibit, mhpmevent3, mhpmevent4, mhpmevent5, mhpmevent6, mhpmevent7, mhpmevent8
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mhpmevent9, mhpmevent10, mhpmevent11, mhpmevent12, mhpmevent13, mhpmevent14, mhpmevent15, mhpmevent16
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mhpmevent17, mhpmevent18, mhpmevent19, mhpmevent20, mhpmevent21, mhpmevent22, mhpmevent23, mhpmevent24
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mhpmevent25, mhpmevent26, mhpmevent27, mhpmevent28, mhpmevent29, mhpmevent30, mhpmevent31, mscratch
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mepc, mcause, mtval, mip, mtinst, mtval2, pmpcfg0, pmpcfg1
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, pmpcfg2, pmpcfg3, pmpcfg4, pmpcfg5, pmpcfg6, pmpcfg7, pmpcfg8, pmpcfg9
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, pmpcfg10, pmpcfg11, pmpcfg12, pmpcfg13, pmpcfg14, pmpcfg15, pmpaddr0, pmpaddr1
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, pmpaddr2, pmpaddr3, pmpaddr4, pmpaddr5, pmpaddr6, pmpaddr7, pmpaddr8, pmpaddr9
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, pmpaddr10, pmpaddr11, pmpaddr12, pmpaddr13, pmpaddr14, pmpaddr15, pmpaddr16, pmpaddr17
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, pmpaddr18, pmpaddr19, pmpaddr20, pmpaddr21, pmpaddr22, pmpaddr23, pmpaddr24, pmpaddr25
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, pmpaddr26, pmpaddr27, pmpaddr28, pmpaddr29, pmpaddr30, pmpaddr31, pmpaddr32, pmpaddr33
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, pmpaddr34, pmpaddr35, pmpaddr36, pmpaddr37, pmpaddr38, pmpaddr39, pmpaddr40, pmpaddr41
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, pmpaddr42, pmpaddr43, pmpaddr44, pmpaddr45, pmpaddr46, pmpaddr47, pmpaddr48, pmpaddr49
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, pmpaddr50, pmpaddr51, pmpaddr52, pmpaddr53, pmpaddr54, pmpaddr55, pmpaddr56, pmpaddr57
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, pmpaddr58, pmpaddr59, pmpaddr60, pmpaddr61, pmpaddr62, pmpaddr63, scontext, hstatus
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, hedeleg, hideleg, hie, htimedelta, hcounteren, hgeie, henvcfg, htimedeltah
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, henvcfgh, htval, hip, hvip, htinst, hgatp, hcontext, mseccfg
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mseccfgh, tselect, tdata1, tdata2, tdata3, mcontext, dcsr, dpc
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, dscratch0, dscratch1, mcycle, minstret, mhpmcounter3, mhpmcounter4, mhpmcounter5, mhpmcounter6
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mhpmcounter7, mhpmcounter8, mhpmcounter9, mhpmcounter10, mhpmcounter11, mhpmcounter12, mhpmcounter13, mhpmcounter14
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mhpmcounter15, mhpmcounter16, mhpmcounter17, mhpmcounter18, mhpmcounter19, mhpmcounter20, mhpmcounter21, mhpmcounter22
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mhpmcounter23, mhpmcounter24, mhpmcounter25, mhpmcounter26, mhpmcounter27, mhpmcounter28, mhpmcounter29, mhpmcounter30
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mhpmcounter31, mcycleh, minstreth, mhpmcounter3h, mhpmcounter4h, mhpmcounter5h, mhpmcounter6h, mhpmcounter7h
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mhpmcounter8h, mhpmcounter9h, mhpmcounter10h, mhpmcounter11h, mhpmcounter12h, mhpmcounter13h, mhpmcounter14h, mhpmcounter15h
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mhpmcounter16h, mhpmcounter17h, mhpmcounter18h, mhpmcounter19h, mhpmcounter20h, mhpmcounter21h, mhpmcounter22h, mhpmcounter23h
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, mhpmcounter24h, mhpmcounter25h, mhpmcounter26h, mhpmcounter27h, mhpmcounter28h, mhpmcounter29h, mhpmcounter30h, mhpmcounter31h
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, cycle, time, instret, hpmcounter3, hpmcounter4, hpmcounter5, hpmcounter6, hpmcounter7
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, hpmcounter8, hpmcounter9, hpmcounter10, hpmcounter11, hpmcounter12, hpmcounter13, hpmcounter14, hpmcounter15
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, hpmcounter16, hpmcounter17, hpmcounter18, hpmcounter19, hpmcounter20, hpmcounter21, hpmcounter22, hpmcounter23
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, hpmcounter24, hpmcounter25, hpmcounter26, hpmcounter27, hpmcounter28, hpmcounter29, hpmcounter30, hpmcounter31
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, cycleh, timeh, instreth, hpmcounter3h, hpmcounter4h, hpmcounter5h, hpmcounter6h, hpmcounter7h
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, hpmcounter8h, hpmcounter9h, hpmcounter10h, hpmcounter11h, hpmcounter12h, hpmcounter13h, hpmcounter14h, hpmcounter15h
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, hpmcounter16h, hpmcounter17h, hpmcounter18h, hpmcounter19h, hpmcounter20h, hpmcounter21h, hpmcounter22h, hpmcounter23h
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, hpmcounter24h, hpmcounter25h, hpmcounter26h, hpmcounter27h, hpmcounter28h, hpmcounter29h, hpmcounter30h, hpmcounter31h
	csrrs	a0, \csr, a1
	.endr
	.irp	csr, hgeip, mvendorid, marchid, mimpid, mhartid, mconfigptr
	csrrs	a0, \csr, a1
	.endr
