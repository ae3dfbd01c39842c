//! Translation of one decoded block into a Cranelift function
//! `fn(ctx: *mut JitContext, hart: *mut Hart) -> u32` (an exit code).
//!
//! A block is straight-line code, so guest registers are tracked at
//! translation time: each is loaded from the hart on first use, kept as an
//! SSA value, and only the changed ones are stored back, at every exit
//! (side exits of faulting accesses included, so faults are precise).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{types, AbiParam, Block as CBlock, InstBuilder, MemFlags, Signature, Value};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::FunctionBuilder;

use super::context::*;
use crate::isa::{Inst, Op};
use crate::mem::tlb;

const I64: types::Type = types::I64;
const I32: types::Type = types::I32;

/// True when the JIT translates `op` (others make the block interpreted).
/// `last` tells whether the instruction ends the block.
pub fn supported(op: Op, last: bool) -> bool {
    use Op::*;
    match op {
        Ecall => last,
        Lui | Auipc | Jal | Jalr | Beq | Bne | Blt | Bge | Bltu | Bgeu | Lb | Lh | Lw | Ld | Lbu
        | Lhu | Lwu | Sb | Sh | Sw | Sd | Addi | Slti | Sltiu | Xori | Ori | Andi | Slli | Srli
        | Srai | Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Addiw | Slliw
        | Srliw | Sraiw | Addw | Subw | Sllw | Srlw | Sraw | Fence | Mul | Mulh | Mulhsu
        | Mulhu | Div | Divu | Rem | Remu | Mulw | Divw | Divuw | Remw | Remuw | Flw | Fld
        | Fsw | Fsd => true,
        op => op.is_fp_compute(),
    }
}

/// Signature of block functions (and of the dispatcher).
pub fn block_signature(call_conv: CallConv) -> Signature {
    let mut sig = Signature::new(call_conv);
    sig.params.push(AbiParam::new(I64));
    sig.params.push(AbiParam::new(I64));
    sig.returns.push(AbiParam::new(I32));
    sig
}

fn trusted() -> MemFlags {
    MemFlags::trusted()
}

/// Guest memory through host pointers: may be unaligned, never traps
/// (the TLB said the page is there).
fn guest_flags() -> MemFlags {
    let mut f = MemFlags::new();
    f.set_notrap();
    f
}

struct Tx<'a, 'b> {
    b: &'a mut FunctionBuilder<'b>,
    ctx: Value,
    hart: Value,
    regs: [Option<Value>; 32],
    dirty: u32,
    /// Instructions in the block (charged by the dispatcher).
    n: u64,
    call_conv: CallConv,
}

impl Tx<'_, '_> {
    fn get(&mut self, r: u8) -> Value {
        if r == 0 {
            return self.b.ins().iconst(I64, 0);
        }
        if let Some(v) = self.regs[r as usize] {
            return v;
        }
        let v = self.b.ins().load(I64, trusted(), self.hart, OFF_X + 8 * r as i32);
        self.regs[r as usize] = Some(v);
        v
    }

    fn set(&mut self, r: u8, v: Value) {
        if r != 0 {
            self.regs[r as usize] = Some(v);
            self.dirty |= 1 << r;
        }
    }

    fn write_back(&mut self) {
        for r in 1..32 {
            if self.dirty & (1 << r) != 0 {
                let v = self.regs[r].expect("dirty register has a value");
                self.b.ins().store(trusted(), v, self.hart, OFF_X + 8 * r as i32);
            }
        }
    }

    /// Store dirty registers and forget all cached ones (before a helper
    /// that reads or writes the hart's registers).
    fn sync_all(&mut self) {
        self.write_back();
        self.dirty = 0;
        self.regs = [None; 32];
    }

    fn exit(&mut self, code: u32, pc: u64) {
        self.write_back();
        let pcv = self.b.ins().iconst(I64, pc as i64);
        self.b.ins().store(trusted(), pcv, self.hart, OFF_PC);
        let c = self.b.ins().iconst(I32, code as i64);
        self.b.ins().return_(&[c]);
    }

    /// Exit after instruction `i` (at `pc`) faulted: `i` instructions
    /// retired, the rest of the block's charge goes back to the budget.
    fn fault_exit(&mut self, i: usize, pc: u64) {
        let refund = self.n - i as u64;
        let b = self.b.ins().load(I64, trusted(), self.ctx, OFF_BUDGET);
        let b = self.b.ins().iadd_imm(b, refund as i64);
        self.b.ins().store(trusted(), b, self.ctx, OFF_BUDGET);
        self.exit(exit::FAULT, pc);
    }

    /// Branch to a new block that leaves through the fault exit when
    /// `ctx.fault` is set; continue in the returned block otherwise.
    fn check_fault(&mut self, i: usize, pc: u64, then: CBlock) {
        let f = self.b.ins().load(I64, trusted(), self.ctx, OFF_FAULT);
        let bad = self.b.create_block();
        self.b.set_cold_block(bad);
        self.b.ins().brif(f, bad, &[], then, &[]);
        self.b.switch_to_block(bad);
        self.b.seal_block(bad);
        self.fault_exit(i, pc);
    }

    fn call_helper(&mut self, addr: usize, params: &[types::Type], ret: types::Type, args: &[Value]) -> Value {
        let mut sig = Signature::new(self.call_conv);
        for &p in params {
            sig.params.push(AbiParam::new(p));
        }
        sig.returns.push(AbiParam::new(ret));
        let sig = self.b.import_signature(sig);
        let f = self.b.ins().iconst(I64, addr as i64);
        let call = self.b.ins().call_indirect(sig, f, args);
        self.b.inst_results(call)[0]
    }

    /// Host address of `addr` in the TLB `tlb_off` when its page is cached
    /// and `size` bytes fit in it: (hit flag, host address).
    fn tlb_probe(&mut self, tlb_off: i32, addr: Value, size: u64) -> (Value, CBlock, Value) {
        let base = self.b.ins().load(I64, trusted(), self.ctx, tlb_off);
        let vpn = self.b.ins().ushr_imm(addr, 12);
        let idx = self.b.ins().band_imm(vpn, (tlb::ENTRIES - 1) as i64);
        let idx = self.b.ins().ishl_imm(idx, 4);
        let e = self.b.ins().iadd(base, idx);
        let tag = self.b.ins().load(I64, trusted(), e, 0);
        let off = self.b.ins().band_imm(addr, 0xfff);
        let same = self.b.ins().icmp(IntCC::Equal, tag, vpn);
        let fits = self.b.ins().icmp_imm(IntCC::UnsignedLessThanOrEqual, off, (4096 - size) as i64);
        let hit = self.b.ins().band(same, fits);
        let fast = self.b.create_block();
        (hit, fast, e)
    }

    /// Load `size` bytes at `addr`, zero-extended to 64 bits.
    fn load(&mut self, i: usize, pc: u64, addr: Value, size: u64) -> Value {
        let (hit, fast, e) = self.tlb_probe(OFF_READ_TLB, addr, size);
        let slow = self.b.create_block();
        let merge = self.b.create_block();
        self.b.append_block_param(merge, I64);
        self.b.set_cold_block(slow);
        self.b.ins().brif(hit, fast, &[], slow, &[]);

        self.b.switch_to_block(fast);
        self.b.seal_block(fast);
        let host = self.b.ins().load(I64, trusted(), e, 8);
        let off = self.b.ins().band_imm(addr, 0xfff);
        let p = self.b.ins().iadd(host, off);
        let v = match size {
            1 => self.b.ins().uload8(I64, guest_flags(), p, 0),
            2 => self.b.ins().uload16(I64, guest_flags(), p, 0),
            4 => self.b.ins().uload32(guest_flags(), p, 0),
            _ => self.b.ins().load(I64, guest_flags(), p, 0),
        };
        self.b.ins().jump(merge, &[v.into()]);

        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let sz = self.b.ins().iconst(I64, size as i64);
        let ctx = self.ctx;
        let v = self.call_helper(super::helpers::read as *const () as usize, &[I64, I64, I64], I64, &[ctx, addr, sz]);
        let ok = self.b.create_block();
        self.check_fault(i, pc, ok);
        self.b.switch_to_block(ok);
        self.b.seal_block(ok);
        self.b.ins().jump(merge, &[v.into()]);

        self.b.switch_to_block(merge);
        self.b.seal_block(merge);
        self.b.block_params(merge)[0]
    }

    /// Store the low `size` bytes of `v` at `addr`.
    fn store(&mut self, i: usize, pc: u64, addr: Value, size: u64, v: Value) {
        let (hit, fast, e) = self.tlb_probe(OFF_WRITE_TLB, addr, size);
        let slow = self.b.create_block();
        let merge = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(hit, fast, &[], slow, &[]);

        self.b.switch_to_block(fast);
        self.b.seal_block(fast);
        let host = self.b.ins().load(I64, trusted(), e, 8);
        let off = self.b.ins().band_imm(addr, 0xfff);
        let p = self.b.ins().iadd(host, off);
        match size {
            1 => self.b.ins().istore8(guest_flags(), v, p, 0),
            2 => self.b.ins().istore16(guest_flags(), v, p, 0),
            4 => self.b.ins().istore32(guest_flags(), v, p, 0),
            _ => self.b.ins().store(guest_flags(), v, p, 0),
        };
        self.b.ins().jump(merge, &[]);

        self.b.switch_to_block(slow);
        self.b.seal_block(slow);
        let sz = self.b.ins().iconst(I64, size as i64);
        let ctx = self.ctx;
        self.call_helper(super::helpers::write as *const () as usize, &[I64, I64, I64, I64], I64, &[ctx, addr, sz, v]);
        let ok = self.b.create_block();
        self.check_fault(i, pc, ok);
        self.b.switch_to_block(ok);
        self.b.seal_block(ok);
        self.b.ins().jump(merge, &[]);

        self.b.switch_to_block(merge);
        self.b.seal_block(merge);
    }

    fn sext32(&mut self, v: Value) -> Value {
        let w = self.b.ins().ireduce(I32, v);
        self.b.ins().sextend(I64, w)
    }

    fn low32(&mut self, v: Value) -> Value {
        self.b.ins().ireduce(I32, v)
    }

    fn bool64(&mut self, cc: IntCC, a: Value, b: Value) -> Value {
        let c = self.b.ins().icmp(cc, a, b);
        self.b.ins().uextend(I64, c)
    }

    /// RISC-V division (M extension table: no traps), at width `ty`.
    /// Returns (quotient, remainder) for signed or unsigned operands.
    fn divrem(&mut self, a: Value, b: Value, ty: types::Type, signed: bool) -> (Value, Value) {
        let zero = self.b.ins().icmp_imm(IntCC::Equal, b, 0);
        let one = self.b.ins().iconst(ty, 1);
        let minus1 = self.b.ins().iconst(ty, -1);
        let bad = if signed {
            let min = if ty == I32 { i32::MIN as i64 } else { i64::MIN };
            let amin = self.b.ins().icmp_imm(IntCC::Equal, a, min);
            let bm1 = self.b.ins().icmp_imm(IntCC::Equal, b, -1);
            let ovf = self.b.ins().band(amin, bm1);
            self.b.ins().bor(zero, ovf)
        } else {
            zero
        };
        // A divisor of 1 gives the spec's overflow results (a, 0) and keeps
        // the host division from trapping; division by zero is patched after.
        let safe = self.b.ins().select(bad, one, b);
        let (q, r) = if signed {
            (self.b.ins().sdiv(a, safe), self.b.ins().srem(a, safe))
        } else {
            (self.b.ins().udiv(a, safe), self.b.ins().urem(a, safe))
        };
        let q = self.b.ins().select(zero, minus1, q);
        let r = self.b.ins().select(zero, a, r);
        (q, r)
    }
}

/// Emit the body of the block function for `insts` starting at `start`.
/// `insts` must all be `supported`; `keep` is where FP instructions live
/// while the code exists (their addresses are baked into the code).
pub fn build(b: &mut FunctionBuilder, start: u64, insts: &[Inst], call_conv: CallConv) {
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let ctx = b.block_params(entry)[0];
    let hart = b.block_params(entry)[1];
    let mut t = Tx { b, ctx, hart, regs: [None; 32], dirty: 0, n: insts.len() as u64, call_conv };

    let mut pc = start;
    for (i, inst) in insts.iter().enumerate() {
        let next = pc.wrapping_add(inst.len as u64);
        let imm = inst.imm as i64;
        let (rd, r1, r2) = (inst.rd, inst.rs1, inst.rs2);
        use Op::*;
        macro_rules! bin {
            ($f:ident) => {{
                let a = t.get(r1);
                let c = t.get(r2);
                let v = t.b.ins().$f(a, c);
                t.set(rd, v);
            }};
        }
        macro_rules! binw {
            ($f:ident) => {{
                let a = t.get(r1);
                let c = t.get(r2);
                let (a, c) = (t.low32(a), t.low32(c));
                let v = t.b.ins().$f(a, c);
                let v = t.b.ins().sextend(I64, v);
                t.set(rd, v);
            }};
        }
        macro_rules! immop {
            ($f:ident) => {{
                let a = t.get(r1);
                let v = t.b.ins().$f(a, imm);
                t.set(rd, v);
            }};
        }
        macro_rules! branch {
            ($cc:expr) => {{
                let a = t.get(r1);
                let c = t.get(r2);
                let cond = t.b.ins().icmp($cc, a, c);
                let (taken, fall) = (t.b.create_block(), t.b.create_block());
                t.b.ins().brif(cond, taken, &[], fall, &[]);
                t.b.switch_to_block(taken);
                t.b.seal_block(taken);
                t.exit(exit::NEXT, pc.wrapping_add(imm as u64));
                t.b.switch_to_block(fall);
                t.b.seal_block(fall);
                t.exit(exit::NEXT, next);
                return;
            }};
        }
        macro_rules! load {
            ($size:expr, $signed:expr) => {{
                let a = t.get(r1);
                let addr = t.b.ins().iadd_imm(a, imm);
                let v = t.load(i, pc, addr, $size);
                let v = match ($signed, $size) {
                    (true, 1) => { let w = t.b.ins().ireduce(types::I8, v); t.b.ins().sextend(I64, w) }
                    (true, 2) => { let w = t.b.ins().ireduce(types::I16, v); t.b.ins().sextend(I64, w) }
                    (true, 4) => t.sext32(v),
                    _ => v,
                };
                t.set(rd, v);
            }};
        }
        macro_rules! store {
            ($size:expr) => {{
                let a = t.get(r1);
                let addr = t.b.ins().iadd_imm(a, imm);
                let v = t.get(r2);
                t.store(i, pc, addr, $size, v);
            }};
        }
        match inst.op {
            Lui => {
                let v = t.b.ins().iconst(I64, imm);
                t.set(rd, v);
            }
            Auipc => {
                let v = t.b.ins().iconst(I64, pc.wrapping_add(imm as u64) as i64);
                t.set(rd, v);
            }
            Jal => {
                let v = t.b.ins().iconst(I64, next as i64);
                t.set(rd, v);
                t.exit(exit::NEXT, pc.wrapping_add(imm as u64));
                return;
            }
            Jalr => {
                let a = t.get(r1);
                let target = t.b.ins().iadd_imm(a, imm);
                let target = t.b.ins().band_imm(target, !1);
                let link = t.b.ins().iconst(I64, next as i64);
                t.set(rd, link);
                t.write_back();
                t.b.ins().store(trusted(), target, t.hart, OFF_PC);
                let c = t.b.ins().iconst(I32, exit::NEXT as i64);
                t.b.ins().return_(&[c]);
                return;
            }
            Beq => branch!(IntCC::Equal),
            Bne => branch!(IntCC::NotEqual),
            Blt => branch!(IntCC::SignedLessThan),
            Bge => branch!(IntCC::SignedGreaterThanOrEqual),
            Bltu => branch!(IntCC::UnsignedLessThan),
            Bgeu => branch!(IntCC::UnsignedGreaterThanOrEqual),
            Lb => load!(1, true),
            Lh => load!(2, true),
            Lw => load!(4, true),
            Ld => load!(8, false),
            Lbu => load!(1, false),
            Lhu => load!(2, false),
            Lwu => load!(4, false),
            Sb => store!(1),
            Sh => store!(2),
            Sw => store!(4),
            Sd => store!(8),
            Addi => immop!(iadd_imm),
            Xori => immop!(bxor_imm),
            Ori => immop!(bor_imm),
            Andi => immop!(band_imm),
            Slti => {
                let a = t.get(r1);
                let c = t.b.ins().icmp_imm(IntCC::SignedLessThan, a, imm);
                let v = t.b.ins().uextend(I64, c);
                t.set(rd, v);
            }
            Sltiu => {
                let a = t.get(r1);
                let c = t.b.ins().icmp_imm(IntCC::UnsignedLessThan, a, imm);
                let v = t.b.ins().uextend(I64, c);
                t.set(rd, v);
            }
            Slli => {
                let a = t.get(r1);
                let v = t.b.ins().ishl_imm(a, imm & 63);
                t.set(rd, v);
            }
            Srli => {
                let a = t.get(r1);
                let v = t.b.ins().ushr_imm(a, imm & 63);
                t.set(rd, v);
            }
            Srai => {
                let a = t.get(r1);
                let v = t.b.ins().sshr_imm(a, imm & 63);
                t.set(rd, v);
            }
            // Cranelift takes shift amounts modulo the width, as RISC-V does.
            Add => bin!(iadd),
            Sub => bin!(isub),
            Sll => bin!(ishl),
            Srl => bin!(ushr),
            Sra => bin!(sshr),
            Xor => bin!(bxor),
            Or => bin!(bor),
            And => bin!(band),
            Slt => {
                let (a, c) = (t.get(r1), t.get(r2));
                let v = t.bool64(IntCC::SignedLessThan, a, c);
                t.set(rd, v);
            }
            Sltu => {
                let (a, c) = (t.get(r1), t.get(r2));
                let v = t.bool64(IntCC::UnsignedLessThan, a, c);
                t.set(rd, v);
            }
            Addiw => {
                let a = t.get(r1);
                let v = t.b.ins().iadd_imm(a, imm);
                let v = t.sext32(v);
                t.set(rd, v);
            }
            Slliw | Srliw | Sraiw => {
                let a = t.get(r1);
                let a = t.low32(a);
                let sh = imm & 31;
                let v = match inst.op {
                    Slliw => t.b.ins().ishl_imm(a, sh),
                    Srliw => t.b.ins().ushr_imm(a, sh),
                    _ => t.b.ins().sshr_imm(a, sh),
                };
                let v = t.b.ins().sextend(I64, v);
                t.set(rd, v);
            }
            Addw => binw!(iadd),
            Subw => binw!(isub),
            Sllw => binw!(ishl),
            Srlw => binw!(ushr),
            Sraw => binw!(sshr),
            Fence => {}
            Mul => bin!(imul),
            Mulh => bin!(smulhi),
            Mulhu => bin!(umulhi),
            Mulhsu => {
                // mulhsu(a, b) = mulhu(a, b) - (a < 0 ? b : 0)
                let (a, c) = (t.get(r1), t.get(r2));
                let hu = t.b.ins().umulhi(a, c);
                let sign = t.b.ins().sshr_imm(a, 63);
                let corr = t.b.ins().band(sign, c);
                let v = t.b.ins().isub(hu, corr);
                t.set(rd, v);
            }
            Mulw => binw!(imul),
            Div | Rem | Divu | Remu => {
                let (a, c) = (t.get(r1), t.get(r2));
                let signed = matches!(inst.op, Div | Rem);
                let (q, r) = t.divrem(a, c, I64, signed);
                t.set(rd, if matches!(inst.op, Div | Divu) { q } else { r });
            }
            Divw | Remw | Divuw | Remuw => {
                let (a, c) = (t.get(r1), t.get(r2));
                let (a, c) = (t.low32(a), t.low32(c));
                let signed = matches!(inst.op, Divw | Remw);
                let (q, r) = t.divrem(a, c, I32, signed);
                let v = if matches!(inst.op, Divw | Divuw) { q } else { r };
                let v = t.b.ins().sextend(I64, v);
                t.set(rd, v);
            }
            Flw | Fld => {
                let a = t.get(r1);
                let addr = t.b.ins().iadd_imm(a, imm);
                let size = if inst.op == Flw { 4 } else { 8 };
                let v = t.load(i, pc, addr, size);
                // Singles are NaN-boxed in the 64-bit register.
                let v = if size == 4 { t.b.ins().bor_imm(v, 0xffff_ffff_0000_0000u64 as i64) } else { v };
                t.b.ins().store(trusted(), v, t.hart, OFF_F + 8 * rd as i32);
            }
            Fsw | Fsd => {
                let a = t.get(r1);
                let addr = t.b.ins().iadd_imm(a, imm);
                let v = t.b.ins().load(I64, trusted(), t.hart, OFF_F + 8 * r2 as i32);
                t.store(i, pc, addr, if inst.op == Fsw { 4 } else { 8 }, v);
            }
            Ecall => {
                // The run loop retires the ecall: refund its charge.
                let bud = t.b.ins().load(I64, trusted(), t.ctx, OFF_BUDGET);
                let bud = t.b.ins().iadd_imm(bud, 1);
                t.b.ins().store(trusted(), bud, t.ctx, OFF_BUDGET);
                t.exit(exit::ECALL, pc);
                return;
            }
            op if op.is_fp_compute() => {
                t.sync_all();
                let p = t.b.ins().iconst(I64, inst as *const Inst as i64);
                let ctx = t.ctx;
                t.call_helper(super::helpers::fp as *const () as usize, &[I64, I64], I64, &[ctx, p]);
                let ok = t.b.create_block();
                t.check_fault(i, pc, ok);
                t.b.switch_to_block(ok);
                t.b.seal_block(ok);
            }
            op => unreachable!("unsupported op {op:?} reached the translator"),
        }
        pc = next;
    }
    t.exit(exit::NEXT, pc);
}

/// Emit the dispatcher: run compiled blocks while the next pc's block is
/// in the table, the budget covers it and nothing asked to stop.
pub fn build_dispatcher(b: &mut FunctionBuilder, call_conv: CallConv) {
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    let head = b.create_block();
    let ret = b.create_block();
    b.append_block_param(ret, I32);
    b.switch_to_block(entry);
    b.seal_block(entry);
    let ctx = b.block_params(entry)[0];
    let hart = b.block_params(entry)[1];
    b.ins().jump(head, &[]);

    b.switch_to_block(head);
    let r_return = b.ins().iconst(I32, exit::RETURN as i64);
    let stop = b.ins().load(I64, trusted(), ctx, OFF_STOP);
    let go = b.create_block();
    b.ins().brif(stop, ret, &[r_return.into()], go, &[]);
    b.switch_to_block(go);
    b.seal_block(go);
    let pc = b.ins().load(I64, trusted(), hart, OFF_PC);
    let table = b.ins().load(I64, trusted(), ctx, OFF_TABLE);
    let idx = b.ins().ushr_imm(pc, 1);
    let idx = b.ins().band_imm(idx, (TABLE_SIZE - 1) as i64);
    let idx = b.ins().ishl_imm(idx, 5);
    let e = b.ins().iadd(table, idx);
    let tag = b.ins().load(I64, trusted(), e, OFF_ENTRY_PC);
    let hit = b.ins().icmp(IntCC::Equal, tag, pc);
    let found = b.create_block();
    b.ins().brif(hit, found, &[], ret, &[r_return.into()]);
    b.switch_to_block(found);
    b.seal_block(found);
    let n = b.ins().load(I64, trusted(), e, OFF_ENTRY_N);
    let budget = b.ins().load(I64, trusted(), ctx, OFF_BUDGET);
    let enough = b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, budget, n);
    let run = b.create_block();
    b.ins().brif(enough, run, &[], ret, &[r_return.into()]);
    b.switch_to_block(run);
    b.seal_block(run);
    let left = b.ins().isub(budget, n);
    b.ins().store(trusted(), left, ctx, OFF_BUDGET);
    let entered = b.ins().load(I64, trusted(), ctx, OFF_ENTERED);
    let entered = b.ins().iadd_imm(entered, 1);
    b.ins().store(trusted(), entered, ctx, OFF_ENTERED);
    let code = b.ins().load(I64, trusted(), e, OFF_ENTRY_CODE);
    let sig = b.import_signature(block_signature(call_conv));
    let call = b.ins().call_indirect(sig, code, &[ctx, hart]);
    let r = b.inst_results(call)[0];
    b.ins().brif(r, ret, &[r.into()], head, &[]);
    b.seal_block(head);

    b.switch_to_block(ret);
    b.seal_block(ret);
    let r = b.block_params(ret)[0];
    b.ins().return_(&[r]);
}
