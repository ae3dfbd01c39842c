//! Translation of a region of decoded blocks into one Cranelift function
//! `fn(ctx: *mut JitContext, hart: *mut Hart, budget, entered) -> u32` (an
//! exit code; see `block_signature`).
//!
//! A region is a hot block and the blocks of loops through it
//! (engine::region picks them); the function is entered at the first. A
//! jump between blocks of the region is a jump inside the function,
//! charging the target's instructions to the budget exactly as chaining
//! would, so loops run without leaving it. (It is not counted as a chain
//! hit: `entered` counts functions entered through the pc table.)
//!
//! Guest x registers live in Cranelift variables across the whole region.
//! In a region that loops, those it reads (or may have written when a
//! block starts) are loaded once on entry, and the loop keeps them in host
//! registers instead of a store and a reload through the hart per block;
//! otherwise each is loaded on first use. Every exit (to the
//! next block, to the dispatcher, the side exits of a faulting or slow
//! access, an ecall) first writes back the registers that may have changed
//! (`dirty_at_entry` and those written so far in the block), so the hart
//! then holds exactly what the interpreter would have: faults stay precise.
//! A cold stub per side exit does the write-back, off the hot path. A
//! region of one block that does not loop writes each register through to
//! the hart as it sets it instead, so its exits write nothing back.
//!
//! Block functions use the tail-call convention: a block that ends with
//! the next pc known (any jump or branch, jalr included) leaving the
//! region jumps to the function's chain exit, which looks that pc up in
//! the table and tail-calls the successor's code, charging its
//! instructions as the dispatcher would, with the budget and entry count
//! passed in registers. It returns to the
//! dispatcher only when the successor has no code or the budget does not
//! cover it; so a hot loop never leaves compiled code.
//!
//! Memory accesses have only the inline TLB fast path (one compare and
//! one load on a hit, trying first the entry the same base register used
//! last): on a miss (or a page-crossing access, a store to a page holding
//! code, a misaligned atomic) the block leaves before the access with exit
//! code SLOW and the interpreter runs from there. The TLB is large
//! (mem::tlb), so misses are rare once it is warm.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, AbiParam, Block as CBlock, InstBuilder, InstructionData, MemFlags, Opcode, Signature, Value, ValueDef,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, Variable};

use super::context::*;
use crate::hart::NO_RESERVATION;
use crate::isa::{csr, Inst, Op};
use crate::mem::tlb;

mod fp;

const I64: types::Type = types::I64;
const I32: types::Type = types::I32;

/// True when the JIT translates `inst` (others make the block
/// interpreted). `last` tells whether the instruction ends the block.
pub fn supported(inst: &Inst, last: bool) -> bool {
    use Op::*;
    match inst.op {
        Ecall => last,
        // The floating-point CSRs only: the counters read the retired count,
        // which the hart learns only when compiled code returns.
        Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci => is_fp_csr(inst),
        Lui | Auipc | Jal | Jalr | Beq | Bne | Blt | Bge | Bltu | Bgeu | Lb | Lh | Lw | Ld | Lbu
        | Lhu | Lwu | Sb | Sh | Sw | Sd | Addi | Slti | Sltiu | Xori | Ori | Andi | Slli | Srli
        | Srai | Add | Sub | Sll | Slt | Sltu | Xor | Srl | Sra | Or | And | Addiw | Slliw
        | Srliw | Sraiw | Addw | Subw | Sllw | Srlw | Sraw | Fence | Mul | Mulh | Mulhsu
        | Mulhu | Div | Divu | Rem | Remu | Mulw | Divw | Divuw | Remw | Remuw | Flw | Fld
        | Fsw | Fsd | LrW | LrD | ScW | ScD | AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW
        | AmominW | AmomaxW | AmominuW | AmomaxuW | AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD
        | AmominD | AmomaxD | AmominuD | AmomaxuD => true,
        op => op.is_fp_compute(),
    }
}

fn is_fp_csr(inst: &Inst) -> bool {
    matches!((inst.imm as u32 & 0xfff) as u16, csr::FFLAGS | csr::FRM | csr::FCSR)
}

/// Signature of block functions, `(ctx, hart, budget, entered) -> exit
/// code`: tail calls chain them. `budget` and `entered` are the values of
/// `JitContext::budget` and `::entered` with the block already charged and
/// counted (passed in registers, not memory); a block stores both back into
/// `ctx` whenever it returns.
pub fn block_signature() -> Signature {
    let mut sig = Signature::new(CallConv::Tail);
    for _ in 0..4 {
        sig.params.push(AbiParam::new(I64));
    }
    sig.returns.push(AbiParam::new(I32));
    sig
}

/// Signature of the dispatcher, called from Rust in the host convention
/// `call_conv`: `(ctx, hart) -> exit code`.
pub fn dispatcher_signature(call_conv: CallConv) -> Signature {
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
    /// Guest x registers written so far in the guest block being
    /// translated (bit r for xr).
    written: u32,
    /// For each guest block of the region, the x registers that may hold
    /// values the hart does not have yet when it starts (see `dirty_at_entry`).
    dirty_in: Vec<u32>,
    /// Index of the guest block being translated.
    cur: usize,
    /// x registers given their values on function entry.
    entry_loaded: u32,
    /// x registers loaded from the hart on first use in the guest block
    /// being translated (not dirty: the hart has them).
    loaded: u32,
    /// Instructions in the guest block being translated (charged on
    /// entry to it; side exits refund what did not run).
    n: u64,
    call_conv: CallConv,
    /// The shared exit to a known next pc (its parameter), made on first use.
    chain: Option<CBlock>,
    /// The shared side exits (by `Side`), likewise.
    sides: [Option<CBlock>; 2],
    /// The guest blocks of the region: start pc, the host block their
    /// first instruction starts, instruction count. A jump to one of them
    /// stays in this function.
    members: Vec<(u64, CBlock, u64)>,
    /// Whether a block of the region jumps to one of its blocks (it loops,
    /// or takes in a dispatch block): then registers and TLB entries stay
    /// in variables, and registers are written back at exits; otherwise
    /// (one block run once per call) registers are written through to the
    /// hart as they are set.
    looping: bool,
    /// Instructions of all the region's blocks: the most a path that only
    /// jumps forward (to a later member) can retire. The budget is checked
    /// against it on entry and on jumps back (any loop has one), so
    /// forward jumps need no check and the budget never runs short.
    region_insts: u64,
    /// `ctx.budget`, kept in a register and stored at every exit: a loop
    /// inside the region charges each guest block it enters without a
    /// round trip through memory.
    budget: Variable,
    /// `ctx.entered` (this function's entry counted), stored at every exit.
    entered: Value,
    fp: fp::FpCache,
}

/// The two TLBs compiled code reads (`mem::tlb`): loads look up the read
/// TLB, stores the write TLB, read-modify-writes both.
#[derive(Clone, Copy)]
enum Tlb {
    Read,
    Write,
}

impl Tlb {
    /// Where `JitContext` holds the address of its entry array.
    fn offset(self) -> i32 {
        match self {
            Tlb::Read => OFF_READ_TLB,
            Tlb::Write => OFF_WRITE_TLB,
        }
    }

    /// The TLBs an access by `op` goes through.
    fn used_by(op: Op) -> &'static [Tlb] {
        use Op::*;
        match op {
            Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu | Flw | Fld | LrW | LrD => &[Tlb::Read],
            Sb | Sh | Sw | Sd | Fsw | Fsd | ScW | ScD => &[Tlb::Write],
            AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW | AmominuW | AmomaxuW
            | AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD | AmominD | AmomaxD | AmominuD | AmomaxuD => {
                &[Tlb::Read, Tlb::Write]
            }
            _ => &[],
        }
    }
}

/// Exits before the block's end, each shared by all instructions.
#[derive(Clone, Copy)]
enum Side {
    /// A helper raised an exception.
    Fault,
    /// A memory access cannot take the fast path (TLB miss, misaligned
    /// atomic): the interpreter takes over before it.
    Slow,
}

impl Tx<'_, '_> {
    fn get(&mut self, r: u8) -> Value {
        if r == 0 {
            return self.b.ins().iconst(I64, 0);
        }
        let bit = 1 << r;
        if (self.entry_loaded | self.written | self.loaded) & bit == 0 {
            // Not dirty here (dirty registers are loaded on entry or
            // written in this block): the hart holds its value.
            let v = self.b.ins().load(I64, trusted(), self.hart, OFF_X + 8 * r as i32);
            self.b.def_var(x_var(r), v);
            self.loaded |= bit;
            return v;
        }
        self.b.use_var(x_var(r))
    }

    fn set(&mut self, r: u8, v: Value) {
        if r != 0 {
            self.b.def_var(x_var(r), v);
            if self.looping {
                self.written |= 1 << r;
            } else {
                // Written through: a block that runs once per call stores
                // each register about once either way, and its exits then
                // have nothing to write back (less code to compile).
                self.b.ins().store(trusted(), v, self.hart, OFF_X + 8 * r as i32);
            }
        }
    }

    /// The x registers whose values the hart may lack here.
    fn dirty(&self) -> u32 {
        self.dirty_in[self.cur] | self.written
    }

    /// Store the x registers the hart may lack: before any exit, and
    /// before a helper that reads the hart.
    fn write_back(&mut self) {
        let mut dirty = self.dirty();
        while dirty != 0 {
            let r = dirty.trailing_zeros() as u8;
            dirty &= dirty - 1;
            let v = self.b.use_var(x_var(r));
            self.b.ins().store(trusted(), v, self.hart, OFF_X + 8 * r as i32);
        }
    }

    /// Take `r`'s value from the hart again (a helper may have written it).
    fn reload(&mut self, r: u8) {
        if r != 0 {
            let v = self.b.ins().load(I64, trusted(), self.hart, OFF_X + 8 * r as i32);
            self.b.def_var(x_var(r), v);
        }
    }

    /// Leave the guest block for the known next pc `pc`: straight to its
    /// code when it is in the region and the budget covers it (charging
    /// it as the dispatcher would), else chained.
    fn goto_pc(&mut self, pc: u64) {
        if let Some(k) = self.members.iter().position(|m| m.0 == pc) {
            let (_, target, n) = self.members[k];
            let budget = self.b.use_var(self.budget);
            let left = self.b.ins().iadd_imm(budget, -(n as i64));
            if k > self.cur {
                // Forward: covered by the last check (see `region_insts`).
                self.b.def_var(self.budget, left);
                self.b.ins().jump(target, &[]);
                return;
            }
            let need = self.region_insts as i64;
            let enough = self.b.ins().icmp_imm(IntCC::UnsignedGreaterThanOrEqual, budget, need);
            let (go, out) = (self.b.create_block(), self.b.create_block());
            self.b.ins().brif(enough, go, &[], out, &[]);
            self.b.switch_to_block(go);
            self.b.seal_block(go);
            self.b.def_var(self.budget, left);
            self.b.ins().jump(target, &[]);
            self.b.switch_to_block(out);
            self.b.seal_block(out);
        }
        let pcv = self.b.ins().iconst(I64, pc as i64);
        self.goto(pcv);
    }

    /// On function entry (the first block charged): leave for the
    /// interpreter before anything ran unless the budget covers every
    /// instruction of the region, as `goto_pc` expects.
    fn check_entry_budget(&mut self, pc: u64, first: CBlock) {
        let n = self.members[0].2;
        if self.region_insts == n {
            self.b.ins().jump(first, &[]);
            return;
        }
        let budget = self.b.use_var(self.budget);
        let enough = self.b.ins().icmp_imm(IntCC::UnsignedGreaterThanOrEqual, budget, (self.region_insts - n) as i64);
        let stub = self.b.create_block();
        self.b.ins().brif(enough, first, &[], stub, &[]);
        self.n = n;
        // Nothing ran: the hart holds every register already.
        let dirty = std::mem::take(&mut self.dirty_in[0]);
        self.side_stub(stub, Side::Slow, 0, pc);
        self.dirty_in[0] = dirty;
    }

    /// Store the budget and entry count kept in variables (before leaving).
    fn store_counters(&mut self) {
        let budget = self.b.use_var(self.budget);
        self.b.ins().store(trusted(), budget, self.ctx, OFF_BUDGET);
        self.b.ins().store(trusted(), self.entered, self.ctx, OFF_ENTERED);
    }

    /// Leave the block for the next pc `pcv`, through the chain exit.
    fn goto(&mut self, pcv: Value) {
        self.write_back();
        let chain = self.chain_block();
        self.b.ins().jump(chain, &[pcv.into()]);
    }

    fn chain_block(&mut self) -> CBlock {
        if let Some(c) = self.chain {
            return c;
        }
        let c = self.b.create_block();
        self.b.append_block_param(c, I64);
        self.chain = Some(c);
        c
    }

    /// Emit the chain exit, the function's one way to the next pc outside
    /// it (its parameter): tail-call that block's code when the table has
    /// it and the budget covers it, charging it as the dispatcher would and
    /// passing the counters in registers; else store the counters and the
    /// pc and return to the dispatcher. The lookup is in every function,
    /// not in one shared stub, so that the host predicts each function's
    /// indirect jump on its own (a guest's interpreter dispatch, say).
    fn emit_chain(&mut self) {
        let Some(c) = self.chain else { return };
        self.b.switch_to_block(c);
        self.b.seal_block(c);
        let pc = self.b.block_params(c)[0];
        let table = self.b.ins().load(I64, trusted(), self.ctx, OFF_TABLE);
        let e = table_entry(self.b, table, pc);
        let tag = self.b.ins().load(I64, trusted(), e, OFF_ENTRY_PC);
        let hit = self.b.ins().icmp(IntCC::Equal, tag, pc);
        let (found, go, leave) = (self.b.create_block(), self.b.create_block(), self.b.create_block());
        self.b.ins().brif(hit, found, &[], leave, &[]);
        self.b.switch_to_block(found);
        self.b.seal_block(found);
        let n = self.b.ins().load(I64, trusted(), e, OFF_ENTRY_N);
        let budget = self.b.use_var(self.budget);
        let enough = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, budget, n);
        self.b.ins().brif(enough, go, &[], leave, &[]);
        self.b.switch_to_block(go);
        self.b.seal_block(go);
        let left = self.b.ins().isub(budget, n);
        let entered = self.b.ins().iadd_imm(self.entered, 1);
        let code = self.b.ins().load(I64, trusted(), e, OFF_ENTRY_CODE);
        let sig = self.b.import_signature(block_signature());
        self.b.ins().return_call_indirect(sig, code, &[self.ctx, self.hart, left, entered]);

        self.b.switch_to_block(leave);
        self.b.seal_block(leave);
        self.store_counters();
        self.b.ins().store(trusted(), pc, self.hart, OFF_PC);
        let r = self.b.ins().iconst(I32, exit::NEXT as i64);
        self.b.ins().return_(&[r]);
    }

    fn exit(&mut self, code: u32, pc: u64) {
        let pcv = self.b.ins().iconst(I64, pc as i64);
        self.b.ins().store(trusted(), pcv, self.hart, OFF_PC);
        let c = self.b.ins().iconst(I32, code as i64);
        self.b.ins().return_(&[c]);
    }

    /// Branch to the fault exit when `ctx.fault` is set (instruction `i`
    /// at `pc` faulted); continue in `then` otherwise.
    fn check_fault(&mut self, i: usize, pc: u64, then: CBlock) {
        let f = self.b.ins().load(I64, trusted(), self.ctx, OFF_FAULT);
        let stub = self.b.create_block();
        self.b.ins().brif(f, stub, &[], then, &[]);
        self.side_stub(stub, Side::Fault, i, pc);
    }

    /// Fill `stub`, the cold successor of the branch just emitted, to
    /// leave instruction `i` at `pc` through the side exit `side`: it
    /// writes back the registers dirty here and passes the exit its
    /// constants, so neither burdens the hot path.
    fn side_stub(&mut self, stub: CBlock, side: Side, i: usize, pc: u64) {
        self.b.set_cold_block(stub);
        self.b.switch_to_block(stub);
        self.b.seal_block(stub);
        self.write_back();
        let exit = self.side_block(side);
        let pcv = self.b.ins().iconst(I64, pc as i64);
        // `i` instructions retired: the rest of the block's charge goes back.
        let refund = self.b.ins().iconst(I64, (self.n - i as u64) as i64);
        self.b.ins().jump(exit, &[pcv.into(), refund.into()]);
    }

    /// The shared side exit `side` (parameters: pc, refund).
    fn side_block(&mut self, side: Side) -> CBlock {
        if let Some(f) = self.sides[side as usize] {
            return f;
        }
        let f = self.b.create_block();
        self.b.set_cold_block(f);
        self.b.append_block_param(f, I64);
        self.b.append_block_param(f, I64);
        self.sides[side as usize] = Some(f);
        f
    }

    /// Emit the side exits used: refund the budget, note what is left of
    /// the block, set pc, return.
    fn emit_sides(&mut self) {
        for (side, code) in [(Side::Fault, exit::FAULT), (Side::Slow, exit::SLOW)] {
            let Some(f) = self.sides[side as usize] else { continue };
            self.b.switch_to_block(f);
            self.b.seal_block(f);
            let (pc, refund) = (self.b.block_params(f)[0], self.b.block_params(f)[1]);
            let bud = self.b.use_var(self.budget);
            let bud = self.b.ins().iadd(bud, refund);
            self.b.def_var(self.budget, bud);
            self.store_counters();
            let b = &mut *self.b;
            b.ins().store(trusted(), refund, self.ctx, OFF_LEFT);
            b.ins().store(trusted(), pc, self.hart, OFF_PC);
            let c = b.ins().iconst(I32, code as i64);
            b.ins().return_(&[c]);
        }
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

    /// Host address of `size` bytes at `addr`, whose base register is
    /// `base`, through the TLB `kind`. On a miss (or a page-crossing
    /// access) instruction `i` at `pc` has not run and the block leaves for
    /// the interpreter, which refills the TLB or raises the fault. An
    /// out-of-line refill call was measured slower: a call site in a block
    /// makes every value live across it spill, hot path included.
    ///
    /// The tag compared is that of the access's last byte's page: in the
    /// slot of the first byte's page, one compare covers "this page is
    /// cached" and "the access stays in it" (tlb::Entry), because the next
    /// page's entry lives in another slot.
    ///
    /// In a region that loops, the entry tried first is the one the last
    /// access through the same base register and TLB used in this call of
    /// the function (see `entry_var`): a pointer walk or a stack frame stays
    /// in one page, and then the host address needs no index computed from
    /// `addr`, only the entry's tag compared: the load of its addend does
    /// not wait for `addr`. Otherwise the slot of `addr`'s page is probed
    /// and remembered. A stale or unrelated entry just fails the compare.
    /// Straight-line code runs each access once per call, so it probes
    /// the slot at once (fewer blocks to compile).
    fn host_address(&mut self, i: usize, pc: u64, kind: Tlb, base: u8, addr: Value, size: u64) -> Value {
        let last = if size > 1 { self.offset(addr, size as i64 - 1) } else { addr };
        let want = self.b.ins().bor_imm(last, 0xfff);
        let fast = self.b.create_block();
        let entry = if self.looping {
            let var = entry_var(kind, base);
            let e = self.b.use_var(var);
            let tag = self.b.ins().load(I64, trusted(), e, 0);
            let hit = self.b.ins().icmp(IntCC::Equal, tag, want);
            let probe = self.b.create_block();
            if size > 1 {
                // The remembered entry need not be the slot of the first
                // byte's page, so the last byte's tag alone does not rule
                // out an access that starts in the page before.
                let in_page = self.b.create_block();
                self.b.ins().brif(hit, in_page, &[], probe, &[]);
                self.b.switch_to_block(in_page);
                self.b.seal_block(in_page);
                let off = self.b.ins().band_imm(addr, 0xfff);
                let fits = self.b.ins().icmp_imm(IntCC::UnsignedLessThanOrEqual, off, 0x1000 - size as i64);
                self.b.ins().brif(fits, fast, &[], probe, &[]);
            } else {
                self.b.ins().brif(hit, fast, &[], probe, &[]);
            }
            self.b.set_cold_block(probe);
            self.b.switch_to_block(probe);
            self.b.seal_block(probe);
            Some(var)
        } else {
            None
        };
        let array = self.b.ins().load(I64, trusted(), self.ctx, kind.offset());
        let idx = self.b.ins().ushr_imm(addr, 12 - 4);
        let idx = self.b.ins().band_imm(idx, ((tlb::ENTRIES - 1) << 4) as i64);
        let slot = self.b.ins().iadd(array, idx);
        let tag = self.b.ins().load(I64, trusted(), slot, 0);
        let hit = self.b.ins().icmp(IntCC::Equal, tag, want);
        let e = match entry {
            Some(var) => {
                self.b.def_var(var, slot);
                self.miss_exit(i, pc, hit, fast);
                self.b.use_var(var)
            }
            None => {
                self.miss_exit(i, pc, hit, fast);
                slot
            }
        };
        let addend = self.b.ins().load(I64, trusted(), e, 8);
        self.b.ins().iadd(addend, addr)
    }

    /// The address `base + imm` of a load or store.
    fn address(&mut self, base: Value, imm: i64) -> Value {
        if imm == 0 {
            return base;
        }
        self.b.ins().iadd_imm(base, imm)
    }

    /// `addr + k`, folded into `addr`'s own immediate when it is `base +
    /// imm` (the optimiser that would fold it is off: compile time).
    fn offset(&mut self, addr: Value, k: i64) -> Value {
        let dfg = &self.b.func.dfg;
        if let ValueDef::Result(inst, _) = dfg.value_def(addr) {
            if let InstructionData::BinaryImm64 { opcode: Opcode::IaddImm, arg, imm } = dfg.insts[inst] {
                return self.b.ins().iadd_imm(arg, imm.bits().wrapping_add(k));
            }
        }
        self.b.ins().iadd_imm(addr, k)
    }

    /// Leave for the interpreter unless `ok`: instruction `i` at `pc` has
    /// not run, the interpreter runs it (or raises its fault). Continue in
    /// the block `fast` otherwise.
    fn miss_exit(&mut self, i: usize, pc: u64, hit: Value, fast: CBlock) {
        let slow = self.b.create_block();
        self.b.ins().brif(hit, fast, &[], slow, &[]);
        self.side_stub(slow, Side::Slow, i, pc);
        self.b.switch_to_block(fast);
        self.b.seal_block(fast);
    }

    /// Load `size` bytes at `addr` (base register `base`), zero-extended
    /// to 64 bits.
    fn load(&mut self, i: usize, pc: u64, base: u8, addr: Value, size: u64) -> Value {
        let p = self.host_address(i, pc, Tlb::Read, base, addr, size);
        match size {
            1 => self.b.ins().uload8(I64, guest_flags(), p, 0),
            2 => self.b.ins().uload16(I64, guest_flags(), p, 0),
            4 => self.b.ins().uload32(guest_flags(), p, 0),
            _ => self.b.ins().load(I64, guest_flags(), p, 0),
        }
    }

    /// Store the low `size` bytes of `v` at `addr` (base register `base`).
    /// Code pages are never in the write TLB, so stores to them go to the
    /// interpreter, which notes the dirty code for the run loop.
    fn store(&mut self, i: usize, pc: u64, base: u8, addr: Value, size: u64, v: Value) {
        let p = self.host_address(i, pc, Tlb::Write, base, addr, size);
        match size {
            1 => self.b.ins().istore8(guest_flags(), v, p, 0),
            2 => self.b.ins().istore16(guest_flags(), v, p, 0),
            4 => self.b.ins().istore32(guest_flags(), v, p, 0),
            _ => self.b.ins().store(guest_flags(), v, p, 0),
        };
    }

    /// Leave for the interpreter (which raises the misaligned fault)
    /// unless `addr` is a multiple of `size`.
    fn require_aligned(&mut self, i: usize, pc: u64, addr: Value, size: u64) {
        let low = self.b.ins().band_imm(addr, size as i64 - 1);
        let ok = self.b.ins().icmp_imm(IntCC::Equal, low, 0);
        let cont = self.b.create_block();
        self.miss_exit(i, pc, ok, cont);
    }

    /// Host address of `size` bytes at `addr` for a read-modify-write:
    /// both TLBs must hit (the interpreter reads, then writes).
    fn rmw_address(&mut self, i: usize, pc: u64, base: u8, addr: Value, size: u64) -> Value {
        self.host_address(i, pc, Tlb::Read, base, addr, size);
        self.host_address(i, pc, Tlb::Write, base, addr, size)
    }

    /// An AMO (single hart: a plain read-modify-write) of `size` bytes;
    /// rd gets the old value, sign-extended.
    fn amo(&mut self, i: usize, pc: u64, inst: &Inst, size: u64) {
        use Op::*;
        let a = self.get(inst.rs1);
        let src = self.get(inst.rs2);
        self.require_aligned(i, pc, a, size);
        let p = self.rmw_address(i, pc, inst.rs1, a, size);
        let ty = if size == 4 { I32 } else { I64 };
        let old = self.b.ins().load(ty, guest_flags(), p, 0);
        let src = if size == 4 { self.low32(src) } else { src };
        let ins = self.b.ins();
        let new = match inst.op {
            AmoswapW | AmoswapD => src,
            AmoaddW | AmoaddD => ins.iadd(old, src),
            AmoxorW | AmoxorD => ins.bxor(old, src),
            AmoandW | AmoandD => ins.band(old, src),
            AmoorW | AmoorD => ins.bor(old, src),
            AmominW | AmominD => ins.smin(old, src),
            AmomaxW | AmomaxD => ins.smax(old, src),
            AmominuW | AmominuD => ins.umin(old, src),
            _ => ins.umax(old, src),
        };
        self.b.ins().store(guest_flags(), new, p, 0);
        self.clear_reservation();
        let v = if size == 4 { self.b.ins().sextend(I64, old) } else { old };
        self.set(inst.rd, v);
    }

    fn clear_reservation(&mut self) {
        let none = self.b.ins().iconst(I64, NO_RESERVATION as i64);
        self.b.ins().store(trusted(), none, self.hart, OFF_RESERVATION);
    }

    /// LR: load and reserve `size` bytes at rs1.
    fn lr(&mut self, i: usize, pc: u64, inst: &Inst, size: u64) {
        let a = self.get(inst.rs1);
        self.require_aligned(i, pc, a, size);
        let v = self.load(i, pc, inst.rs1, a, size);
        self.b.ins().store(trusted(), a, self.hart, OFF_RESERVATION);
        let v = if size == 4 { self.sext32(v) } else { v };
        self.set(inst.rd, v);
    }

    /// SC: store rs2 at rs1 when the reservation is for that address; the
    /// reservation is cleared either way, rd gets 0 on success, 1 otherwise.
    fn sc(&mut self, i: usize, pc: u64, inst: &Inst, size: u64) {
        let a = self.get(inst.rs1);
        let v = self.get(inst.rs2);
        self.require_aligned(i, pc, a, size);
        let res = self.b.ins().load(I64, trusted(), self.hart, OFF_RESERVATION);
        let ok = self.b.ins().icmp(IntCC::Equal, res, a);
        let (try_store, done) = (self.b.create_block(), self.b.create_block());
        self.b.ins().brif(ok, try_store, &[], done, &[]);
        self.b.switch_to_block(try_store);
        self.b.seal_block(try_store);
        // A miss leaves before anything changed: the interpreter redoes
        // the whole SC.
        self.store(i, pc, inst.rs1, a, size, v);
        self.b.ins().jump(done, &[]);
        self.b.switch_to_block(done);
        self.b.seal_block(done);
        self.clear_reservation();
        let r = self.b.ins().uextend(I64, ok);
        let r = self.b.ins().bxor_imm(r, 1);
        self.set(inst.rd, r);
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

/// Emit the body of the block function for the region `blocks` (start
/// pc, instructions), entered at the first one. All instructions must be
/// `supported`, and stay at their addresses while the code exists (FP
/// helpers get them by address). `native_fma` tells whether the host has a
/// fused multiply-add instruction.
pub fn build(b: &mut FunctionBuilder, blocks: &[(u64, &[Inst])], call_conv: CallConv, native_fma: bool) {
    let params = enter_function(b);
    let (ctx, hart) = (params[0], params[1]);
    let budget = Variable::from_u32(0);
    b.declare_var(budget, I64);
    b.def_var(budget, params[2]);
    let (dirty_in, looping) = dirty_at_entry(blocks);
    // Every register that may be dirty where a guest block starts is
    // defined on function entry, and so, when the region loops, is every
    // one an instruction may read: loaded once, not in every iteration.
    // Otherwise registers are loaded on first use (`get`), which keeps
    // straight-line regions as cheap to compile as single blocks.
    let operands = blocks.iter().flat_map(|(_, insts)| insts.iter()).fold(0u32, |m, i| m | 1 << i.rs1 | 1 << i.rs2);
    let dirty_anywhere = dirty_in.iter().fold(0, |m, d| m | d);
    let entry_loaded = (if looping { operands | dirty_anywhere } else { dirty_anywhere }) & !1;
    for r in 1..32u8 {
        b.declare_var(x_var(r), I64);
        if entry_loaded & 1 << r != 0 {
            let v = b.ins().load(I64, trusted(), hart, OFF_X + 8 * r as i32);
            b.def_var(x_var(r), v);
        }
    }
    // The TLB entry each base register's accesses try first starts as the
    // array's first slot: any entry is a safe guess (its tag decides).
    let mut bases = [0u32; 2];
    for inst in blocks.iter().flat_map(|(_, insts)| insts.iter()) {
        for &kind in Tlb::used_by(inst.op) {
            bases[kind as usize] |= 1 << inst.rs1;
        }
    }
    for kind in [Tlb::Read, Tlb::Write] {
        if looping && bases[kind as usize] != 0 {
            let array = b.ins().load(I64, trusted(), ctx, kind.offset());
            for r in (0..32u8).filter(|r| bases[kind as usize] & 1 << r != 0) {
                b.declare_var(entry_var(kind, r), I64);
                b.def_var(entry_var(kind, r), array);
            }
        }
    }
    let members: Vec<(u64, CBlock, u64)> =
        blocks.iter().map(|&(pc, insts)| (pc, b.create_block(), insts.len() as u64)).collect();
    let (first_pc, first) = (members[0].0, members[0].1);
    let region_insts = members.iter().map(|m| m.2).sum();
    let mut t = Tx {
        b,
        ctx,
        hart,
        written: 0,
        dirty_in,
        cur: 0,
        entry_loaded,
        loaded: 0,
        n: 0,
        call_conv,
        chain: None,
        sides: [None; 2],
        members,
        looping,
        region_insts,
        budget,
        entered: params[3],
        fp: fp::FpCache::new(native_fma),
    };
    t.check_entry_budget(first_pc, first);
    for (k, &(start, insts)) in blocks.iter().enumerate() {
        let (_, host_block, n) = t.members[k];
        t.b.switch_to_block(host_block);
        t.written = 0;
        t.loaded = 0;
        t.cur = k;
        // Guest blocks are entered from several places: f registers are
        // loaded afresh in each (they are written through to the hart).
        t.fp.forget_all();
        t.n = n;
        translate_insts(&mut t, start, insts);
    }
    t.emit_chain();
    t.emit_sides();
    t.b.seal_all_blocks();
}

/// The variable holding guest register x`r` (1..=31) in a region.
fn x_var(r: u8) -> Variable {
    Variable::from_u32(2 + r as u32)
}

/// The variable holding the TLB entry that accesses of TLB `kind` through
/// base register x`r` tried last (see `Tx::host_address`).
fn entry_var(kind: Tlb, r: u8) -> Variable {
    Variable::from_u32(34 + 32 * kind as u32 + r as u32)
}

/// For each guest block of a region, the x registers that may hold values
/// not yet written back to the hart when it starts: those written by the
/// blocks that can run before it inside the region. Only the first block
/// is entered from outside, with the hart up to date. Also whether any
/// block of the region jumps to one of them (the region loops).
fn dirty_at_entry(blocks: &[(u64, &[Inst])]) -> (Vec<u32>, bool) {
    let written: Vec<u32> = blocks
        .iter()
        .map(|(_, insts)| insts.iter().fold(0, |m, i| m | 1u32 << i.rd) & !1)
        .collect();
    let succ: Vec<Vec<usize>> = blocks
        .iter()
        .map(|&(start, insts)| {
            known_exits(start, insts).into_iter().flatten().filter_map(|pc| blocks.iter().position(|b| b.0 == pc)).collect()
        })
        .collect();
    let mut dirty = vec![0u32; blocks.len()];
    let mut changed = true;
    while changed {
        changed = false;
        for k in 0..blocks.len() {
            let out = dirty[k] | written[k];
            for &s in &succ[k] {
                if dirty[s] | out != dirty[s] {
                    dirty[s] |= out;
                    changed = true;
                }
            }
        }
    }
    (dirty, succ.iter().any(|s| !s.is_empty()))
}

/// The known next pcs the translation of the block at `start` leaves for
/// (`translate_insts` ends at its first jump, branch or ecall).
fn known_exits(start: u64, insts: &[Inst]) -> [Option<u64>; 2] {
    use Op::*;
    let mut pc = start;
    for inst in insts {
        let next = pc.wrapping_add(inst.len as u64);
        let target = pc.wrapping_add(inst.imm as i64 as u64);
        match inst.op {
            Jal => return [Some(target), None],
            Beq | Bne | Blt | Bge | Bltu | Bgeu => return [Some(target), Some(next)],
            Jalr | Ecall => return [None, None],
            _ => pc = next,
        }
    }
    [Some(pc), None]
}

/// The instructions of `build`, ending at the block's last exit.
fn translate_insts(t: &mut Tx, start: u64, insts: &[Inst]) {

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
                t.goto_pc(pc.wrapping_add(imm as u64));
                t.b.switch_to_block(fall);
                t.b.seal_block(fall);
                t.goto_pc(next);
                return;
            }};
        }
        macro_rules! load {
            ($size:expr, $signed:expr) => {{
                let a = t.get(r1);
                let addr = t.address(a, imm);
                let v = t.load(i, pc, r1, addr, $size);
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
                let addr = t.address(a, imm);
                let v = t.get(r2);
                t.store(i, pc, r1, addr, $size, v);
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
                t.goto_pc(pc.wrapping_add(imm as u64));
                return;
            }
            Jalr => {
                let a = t.get(r1);
                let target = t.b.ins().iadd_imm(a, imm);
                let target = t.b.ins().band_imm(target, !1);
                let link = t.b.ins().iconst(I64, next as i64);
                t.set(rd, link);
                t.goto(target);
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
                let addr = t.address(a, imm);
                let size = if inst.op == Flw { 4 } else { 8 };
                let v = t.load(i, pc, r1, addr, size);
                // Singles are NaN-boxed in the 64-bit register.
                let v = if size == 4 { t.b.ins().bor_imm(v, 0xffff_ffff_0000_0000u64 as i64) } else { v };
                t.set_f(rd, v);
            }
            LrW => t.lr(i, pc, inst, 4),
            LrD => t.lr(i, pc, inst, 8),
            ScW => t.sc(i, pc, inst, 4),
            ScD => t.sc(i, pc, inst, 8),
            AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW | AmominuW | AmomaxuW => {
                t.amo(i, pc, inst, 4)
            }
            AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD | AmominD | AmomaxD | AmominuD | AmomaxuD => {
                t.amo(i, pc, inst, 8)
            }
            Fsw | Fsd => {
                let a = t.get(r1);
                let addr = t.address(a, imm);
                let v = t.get_f(r2);
                t.store(i, pc, r1, addr, if inst.op == Fsw { 4 } else { 8 }, v);
            }
            Ecall => {
                // The run loop retires the ecall: refund its charge.
                let bud = t.b.use_var(t.budget);
                let bud = t.b.ins().iadd_imm(bud, 1);
                t.b.def_var(t.budget, bud);
                t.store_counters();
                t.write_back();
                t.exit(exit::ECALL, pc);
                return;
            }
            Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci => t.fp_csr(inst),
            op if op.is_fp_compute() => t.fp_compute(i, pc, inst),
            op => unreachable!("unsupported op {op:?} reached the translator"),
        }
        pc = next;
    }
    t.goto_pc(pc);
}

/// Emit the dispatcher: run compiled blocks while the next pc's block is
/// in the table and the budget covers it.
pub fn build_dispatcher(b: &mut FunctionBuilder) {
    let params = enter_function(b);
    let (ctx, hart) = (params[0], params[1]);
    let head = b.create_block();
    let ret = b.create_block();
    b.append_block_param(ret, I32);
    b.ins().jump(head, &[]);

    b.switch_to_block(head);
    let r_return = b.ins().iconst(I32, exit::RETURN as i64);
    let pc = b.ins().load(I64, trusted(), hart, OFF_PC);
    let table = b.ins().load(I64, trusted(), ctx, OFF_TABLE);
    let e = table_entry(b, table, pc);
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
    // Blocks store both counters back into `ctx` whenever they return.
    let left = b.ins().isub(budget, n);
    let entered = b.ins().load(I64, trusted(), ctx, OFF_ENTERED);
    let entered = b.ins().iadd_imm(entered, 1);
    let code = b.ins().load(I64, trusted(), e, OFF_ENTRY_CODE);
    let sig = b.import_signature(block_signature());
    let call = b.ins().call_indirect(sig, code, &[ctx, hart, left, entered]);
    let r = b.inst_results(call)[0];
    b.ins().brif(r, ret, &[r.into()], head, &[]);
    b.seal_block(head);

    b.switch_to_block(ret);
    b.seal_block(ret);
    let r = b.block_params(ret)[0];
    b.ins().return_(&[r]);
}

/// Start a function: its parameters.
fn enter_function(b: &mut FunctionBuilder) -> Vec<Value> {
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    b.seal_block(entry);
    b.block_params(entry).to_vec()
}

/// Address of `pc`'s slot in the table at `table` (see `table_slot`).
fn table_entry(b: &mut FunctionBuilder, table: Value, pc: Value) -> Value {
    let idx = b.ins().ushr_imm(pc, 1);
    let idx = b.ins().band_imm(idx, (TABLE_SIZE - 1) as i64);
    let idx = b.ins().ishl_imm(idx, 5);
    b.ins().iadd(table, idx)
}
