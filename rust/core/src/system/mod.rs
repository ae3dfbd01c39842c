//! System mode: a board with one or more RV64GC harts in M/S/U modes, RAM
//! at 0x8000_0000, a CLINT, a PLIC, a 16550 UART and HTIF.
//!
//! The engine runs blocks as in user mode, interpreted or compiled; this
//! module supplies what a board adds around them: the privileged
//! instructions (the interpreter leaves them to the environment), traps and
//! interrupts at block boundaries, address translation kept in step with
//! the CSRs, the code context decoded blocks are kept by, and HTIF.
//! At reset every hart starts at the image's entry in machine mode with a0
//! holding its hart id and a1 the address of the generated device tree
//! (see `fdt::place` for where it lies); software parks the harts it does
//! not want. Harts take turns (harts.rs). Not yet here: PMP enforcement.

mod clint;
pub mod csr;
mod devices;
pub mod fdt;
mod harts;
mod htif;
mod image;
mod plic;
mod pmp;
pub mod trap;
mod uart;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::hart::{Exception, Hart};
pub use harts::{MAX_HARTS, QUANTUM};
use harts::Harts;
use crate::isa::{Inst, Op};
use crate::mem::{Fence, Memory, Perms, Translation, TranslationMode};
use csr::{irq, status, Csrs, PRIV_M, PRIV_S, PRIV_U};
use devices::Devices;
use htif::{Command, Htif};
pub use trap::Trap;

/// Start of RAM in the physical map.
pub const RAM_BASE: u64 = 0x8000_0000;
pub const DEFAULT_MEMORY: u64 = 128 << 20;

/// How to build a board.
#[derive(Clone, Debug)]
pub struct SystemConfig {
    /// RAM size in bytes (a multiple of 4 KiB).
    pub memory: u64,
    /// Harts sharing RAM and devices, 1..=MAX_HARTS.
    pub harts: u32,
    /// Bytes the UART receives.
    pub input: Vec<u8>,
    /// The kernel command line, /chosen/bootargs of the device tree.
    pub bootargs: Option<String>,
}

impl Default for SystemConfig {
    fn default() -> Self {
        SystemConfig { memory: DEFAULT_MEMORY, harts: 1, input: Vec::new(), bootargs: None }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SystemError {
    #[error("bad boot image: {0}")]
    Image(String),
    #[error("{0}")]
    Config(String),
}

/// What the run loop must do after the board acted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Continue,
    /// Decoded code may be stale whatever its context (sfence.vma, fence.i):
    /// drop all decoded blocks.
    FlushCode,
    /// The guest asked to stop (HTIF exit) with this code.
    Exit(u64),
    /// The running hart waits for an interrupt: another hart takes the
    /// turn (`next_turn`).
    Yield,
    /// Nothing can ever wake the harts (wfi with no interrupt source), or
    /// the guest asked for something this board cannot do.
    Halt(String),
}

/// The privileged state and the host-side devices of one board; the
/// memory-mapped devices live in the machine's `Memory`.
pub struct Board {
    /// The CSRs of the running hart (`current_hart`).
    pub csrs: Csrs,
    harts: Harts,
    htif: Option<Htif>,
    /// The translation last given to memory.
    translation: Translation,
    /// Physical address and size of the device tree blob.
    pub fdt_addr: u64,
    pub fdt_size: u64,
    /// mtime as of the current block, shared with the CLINT.
    clock: Arc<AtomicU64>,
    /// The interrupt to take is recomputed only when it may have changed:
    /// the CSRs or the privilege changed (`execute` and `trap` set
    /// `interrupts_stale`), a device was accessed (memory's count moved
    /// from `device_accesses`), or mtime reached `timer_due`.
    interrupts_stale: bool,
    device_accesses: u64,
    timer_due: u64,
}

impl Board {
    /// Map RAM, load `image` and the device tree into it and point every
    /// hart at the image's entry with a0 = hart id and a1 = the device
    /// tree's address; `hart` is hart 0, which runs first.
    pub fn load(image: &[u8], config: &SystemConfig, mem: &mut Memory, hart: &mut Hart) -> Result<Board, SystemError> {
        if config.harts == 0 || config.harts > MAX_HARTS {
            return Err(SystemError::Config(format!("{} harts: a board has 1 to {MAX_HARTS}", config.harts)));
        }
        let size = config.memory;
        if size == 0 || size % crate::mem::PAGE_SIZE != 0 {
            return Err(SystemError::Config(format!("memory size {size:#x} is not a positive multiple of 4 KiB")));
        }
        mem.map(RAM_BASE, size, Perms::RWX, "ram")
            .map_err(|e| SystemError::Config(format!("memory size {size:#x}: {e}")))?;
        let ram_end = RAM_BASE + size;
        let image = image::parse(image, RAM_BASE)?;
        for p in &image.pieces {
            let end = p.addr.checked_add(p.size);
            if p.addr < RAM_BASE || end.is_none_or(|e| e > ram_end) {
                return Err(SystemError::Image(format!(
                    "segment at {:#x} of {:#x} bytes does not fit in RAM [{RAM_BASE:#x}, {ram_end:#x})",
                    p.addr, p.size
                )));
            }
            mem.poke(p.addr, &p.data).map_err(|e| SystemError::Image(e.to_string()))?;
        }
        let image_end = image.pieces.iter().map(|p| p.addr + p.size).max().unwrap_or(RAM_BASE);
        let blob = fdt::build(size, config.harts, config.bootargs.as_deref())?;
        let fdt_size = blob.len() as u64;
        let fdt_addr = fdt::place(ram_end, image_end, fdt_size).ok_or_else(|| {
            SystemError::Image(format!("no room for the {fdt_size}-byte device tree in RAM after the image"))
        })?;
        mem.poke(fdt_addr, &blob).map_err(|e| SystemError::Image(e.to_string()))?;
        let in_ram = |a: u64| a >= RAM_BASE && a.saturating_add(8) <= ram_end && a % 8 == 0;
        let htif = match image.tohost {
            Some(t) if in_ram(t) => Some(Htif { tohost: t, fromhost: image.fromhost.filter(|&f| in_ram(f)) }),
            Some(t) => return Err(SystemError::Image(format!("tohost at {t:#x} is not an aligned word in RAM"))),
            None => None,
        };
        let clock = Arc::new(AtomicU64::new(0));
        let devices = Devices::new(config.harts as usize, config.input.clone(), clock.clone());
        mem.enable_system(Box::new(devices));
        if let Some(h) = &htif {
            mem.watch_word(h.tohost);
        }
        let csrs = Csrs::new(0);
        hart.pc = image.entry;
        hart.x[10] = csrs.hartid;
        hart.x[11] = fdt_addr;
        Ok(Board {
            csrs,
            harts: Harts::reset(config.harts, image.entry, fdt_addr),
            htif,
            translation: Translation::BARE,
            fdt_addr,
            fdt_size,
            clock,
            interrupts_stale: true,
            device_accesses: 0,
            timer_due: 0,
        })
    }

    /// Console bytes written since the last call (UART and HTIF).
    pub fn take_console(&mut self, mem: &mut Memory) -> Vec<u8> {
        devices(mem).map(|d| std::mem::take(&mut d.console)).unwrap_or_default()
    }

    /// Advance mtime to the current instruction count; the interrupt to
    /// take, if any. Called before every block: the lines are recomputed
    /// only when something that moves them happened.
    #[inline]
    pub fn poll_interrupts(&mut self, hart: &Hart, mem: &mut Memory) -> Option<u64> {
        let now = self.csrs.mtime(hart);
        self.clock.store(now, Ordering::Relaxed);
        if !self.interrupts_stale && now < self.timer_due && mem.device_accesses() == self.device_accesses {
            return None;
        }
        self.refresh_interrupts(hart, mem)
    }

    /// Recompute the device interrupt lines into mip; the interrupt to
    /// take, if any.
    #[inline(never)]
    fn refresh_interrupts(&mut self, hart: &Hart, mem: &mut Memory) -> Option<u64> {
        self.interrupts_stale = false;
        self.device_accesses = mem.device_accesses();
        self.timer_due = u64::MAX;
        let d = devices(mem)?;
        if let Some(v) = d.clint.mtime_written.take() {
            self.csrs.time_offset = v.wrapping_sub(self.csrs.board_instructions(hart) / csr::INSTRUCTIONS_PER_TICK);
        }
        let now = self.csrs.mtime(hart);
        self.clock.store(now, Ordering::Relaxed);
        let id = self.harts.current;
        // Until then MTIP can only change through a CLINT access.
        if now < d.clint.mtimecmp[id] {
            self.timer_due = d.clint.mtimecmp[id];
        }
        self.csrs.mip_devices = device_lines(d, id, now);
        trap::pending_interrupt(&self.csrs)
    }

    /// Instructions the hart can retire before mtime reaches mtimecmp (the
    /// timer interrupt becomes pending); None when it is pending already or
    /// never will be. Time counts retired instructions, so this is exact:
    /// a run of at most this many instructions cannot pass a block
    /// boundary at which the interpreter would see the timer. Call it after
    /// `poll_interrupts`, which applies guest writes to mtime.
    pub fn instructions_until_timer(&mut self, hart: &Hart, mem: &mut Memory) -> Option<u64> {
        let mtimecmp = devices(mem)?.clint.mtimecmp[self.harts.current];
        let ticks = mtimecmp.checked_sub(self.csrs.mtime(hart)).filter(|&t| t > 0)?;
        let retired = self.csrs.board_instructions(hart);
        let tick = retired / csr::INSTRUCTIONS_PER_TICK;
        let fires = tick.checked_add(ticks)?.checked_mul(csr::INSTRUCTIONS_PER_TICK)?;
        Some(fires - retired)
    }

    /// Take `trap` at `hart.pc`.
    pub fn trap(&mut self, hart: &mut Hart, mem: &mut Memory, trap: Trap) -> Outcome {
        let trap = match trap {
            Trap::Exception(Exception::IllegalInstruction(0)) => {
                Trap::Exception(Exception::IllegalInstruction(instruction_bits(mem, hart.pc)))
            }
            t => t,
        };
        trap::enter(&mut self.csrs, hart, trap);
        self.interrupts_stale = true;
        self.sync(mem);
        Outcome::Continue
    }

    /// Execute privileged instruction `inst` at `hart.pc` (a CSR access,
    /// ecall, ebreak, mret, sret, wfi or sfence.vma), trapping if it
    /// raises an exception.
    pub fn execute(&mut self, hart: &mut Hart, mem: &mut Memory, inst: &Inst) -> Outcome {
        let outcome = match self.step(hart, mem, inst) {
            Ok(outcome) => outcome,
            Err(e) => self.trap(hart, mem, Trap::Exception(e)),
        };
        self.interrupts_stale = true;
        outcome
    }

    fn step(&mut self, hart: &mut Hart, mem: &mut Memory, inst: &Inst) -> Result<Outcome, Exception> {
        let illegal = Exception::IllegalInstruction(0);
        let privilege = self.csrs.privilege;
        let next = hart.pc.wrapping_add(inst.len as u64);
        match inst.op {
            Op::Ecall => Err(match privilege {
                PRIV_U => Exception::EcallFromU,
                PRIV_S => Exception::EcallFromS,
                _ => Exception::EcallFromM,
            }),
            Op::Ebreak => Err(Exception::Breakpoint(hart.pc)),
            Op::Mret => {
                if privilege < PRIV_M {
                    return Err(illegal);
                }
                trap::mret(&mut self.csrs, hart);
                hart.instret += 1;
                self.sync(mem);
                Ok(Outcome::Continue)
            }
            Op::Sret => {
                if privilege < PRIV_S || (privilege == PRIV_S && self.csrs.mstatus & status::TSR != 0) {
                    return Err(illegal);
                }
                trap::sret(&mut self.csrs, hart);
                hart.instret += 1;
                self.sync(mem);
                Ok(Outcome::Continue)
            }
            Op::SfenceVma => {
                if privilege < PRIV_S || (privilege == PRIV_S && self.csrs.mstatus & status::TVM != 0) {
                    return Err(illegal);
                }
                // rs1 = x0 fences every address, rs2 = x0 every ASID.
                let addr = (inst.rs1 != 0).then(|| hart.x[inst.rs1 as usize]);
                let asid = (inst.rs2 != 0).then(|| hart.x[inst.rs2 as usize] as u16);
                mem.sfence(Fence { addr, asid });
                hart.pc = next;
                hart.instret += 1;
                Ok(Outcome::FlushCode)
            }
            Op::Wfi => {
                if privilege == PRIV_U || (privilege == PRIV_S && self.csrs.mstatus & status::TW != 0) {
                    return Err(illegal);
                }
                hart.pc = next;
                hart.instret += 1;
                Ok(self.wait(hart, mem))
            }
            _ => {
                self.csr_instruction(hart, mem, inst)?;
                hart.pc = next;
                hart.instret += 1;
                Ok(Outcome::Continue)
            }
        }
    }

    /// wfi: resume at once if an enabled interrupt is pending (whatever the
    /// global enables, privileged spec 3.3.3); else, alone, let time pass
    /// until the timer fires (with no timer armed nothing can wake the
    /// hart), and with other harts, give them the turn.
    fn wait(&mut self, hart: &Hart, mem: &mut Memory) -> Outcome {
        self.refresh_interrupts(hart, mem);
        if self.csrs.mip() & self.csrs.mie != 0 {
            return Outcome::Continue;
        }
        if self.harts.count() > 1 {
            self.harts.waiting[self.harts.current] = true;
            return Outcome::Yield;
        }
        let Some(d) = devices(mem) else { return Outcome::Continue };
        let timer = d.clint.mtimecmp[0];
        if self.csrs.mie & (1 << irq::MTI) != 0 && timer != u64::MAX {
            let now = self.csrs.mtime(hart);
            self.csrs.time_offset = self.csrs.time_offset.wrapping_add(timer.wrapping_sub(now));
            return Outcome::Continue;
        }
        Outcome::Halt(format!("wfi at pc {:#x} with no interrupt that can wake the hart", hart.pc.wrapping_sub(4)))
    }

    fn csr_instruction(&mut self, hart: &mut Hart, mem: &mut Memory, inst: &Inst) -> Result<(), Exception> {
        let num = (inst.imm as u32 & 0xfff) as u16;
        let operand = match inst.op {
            Op::Csrrwi | Op::Csrrsi | Op::Csrrci => inst.rs1 as u64,
            Op::Csrrw | Op::Csrrs | Op::Csrrc => hart.x[inst.rs1 as usize],
            _ => return Err(Exception::IllegalInstruction(0)),
        };
        // csrrs/csrrc with rs1 = x0 (or uimm = 0) do not write.
        let writes = matches!(inst.op, Op::Csrrw | Op::Csrrwi) || inst.rs1 != 0;
        let old = self.csrs.read(hart, num, writes)?;
        if writes {
            let new = match inst.op {
                Op::Csrrw | Op::Csrrwi => operand,
                Op::Csrrs | Op::Csrrsi => old | operand,
                _ => old & !operand,
            };
            self.csrs.write(hart, num, new)?;
            // A new satp takes effect through `sync`: the walk cache keeps
            // other address spaces' leaves by ASID (no fence is implied).
            self.sync(mem);
        }
        if inst.rd != 0 {
            hart.x[inst.rd as usize] = old;
        }
        Ok(())
    }

    /// Give memory the translation the CSRs now call for. Decoded code is
    /// not dropped: the engine keeps it apart by `code_context`.
    fn sync(&mut self, mem: &mut Memory) {
        let t = self.csrs.translation();
        if t != self.translation {
            self.translation = t;
            mem.set_translation(t);
        }
    }

    /// Harts on the board.
    pub fn hart_count(&self) -> usize {
        self.harts.count()
    }

    /// The id of the hart that runs (or ran last).
    pub fn current_hart(&self) -> usize {
        self.harts.current
    }

    /// Instructions all harts retired; `hart` is the running one.
    #[inline]
    pub fn instructions(&self, hart: &Hart) -> u64 {
        self.csrs.board_instructions(hart)
    }

    /// The running hart's instret at which its turn ends (never when it
    /// is alone).
    pub fn turn_end(&self) -> u64 {
        self.harts.turn_end()
    }

    /// The registers and CSRs of parked hart `id` (None for the running
    /// hart, whose registers are the machine's, or no such hart).
    pub fn parked_hart(&self, id: usize) -> Option<(&Hart, &Csrs)> {
        self.harts.parked(id)
    }

    pub fn parked_hart_mut(&mut self, id: usize) -> Option<&mut Hart> {
        self.harts.parked_mut(id)
    }

    /// End the running hart's turn: the next hart in round-robin order
    /// that is not waiting (or has an enabled interrupt pending now) runs.
    /// When all wait, time jumps to the earliest timer one of them has
    /// armed; with none armed, the board halts.
    pub fn next_turn(&mut self, hart: &mut Hart, mem: &mut Memory) -> Outcome {
        self.refresh_interrupts(hart, mem);
        if let Some(to) = self.runnable_hart(hart, mem) {
            self.run_hart(to, hart, mem);
            return Outcome::Continue;
        }
        let Some(timer) = self.earliest_wake_timer(mem) else {
            return Outcome::Halt(self.why_no_hart_runs());
        };
        let now = self.csrs.mtime(hart);
        self.csrs.time_offset = self.csrs.time_offset.wrapping_add(timer.saturating_sub(now));
        self.refresh_interrupts(hart, mem);
        match self.runnable_hart(hart, mem) {
            Some(to) => {
                self.run_hart(to, hart, mem);
                Outcome::Continue
            }
            None => Outcome::Halt(self.why_no_hart_runs()),
        }
    }

    fn why_no_hart_runs(&self) -> String {
        if self.harts.stuck.iter().any(|&s| s) {
            "no hart can run: each is in wfi with no interrupt that can wake it, or in a trap loop".into()
        } else {
            "every hart is in wfi with no interrupt that can wake it".into()
        }
    }

    /// Leave the running hart out for good (it is caught in a trap loop):
    /// false when it is the board's only hart.
    pub fn abandon_hart(&mut self) -> bool {
        if self.harts.count() == 1 {
            return false;
        }
        self.harts.stuck[self.harts.current] = true;
        true
    }

    /// The hart to run next, if any can run.
    fn runnable_hart(&mut self, hart: &Hart, mem: &mut Memory) -> Option<usize> {
        let now = self.csrs.mtime(hart);
        let d = devices(mem)?;
        let (harts, csrs) = (&self.harts, &self.csrs);
        harts.next_after_current(|id| {
            if harts.stuck[id] {
                return false;
            }
            if !harts.waiting[id] {
                return true;
            }
            let c = if id == harts.current { csrs } else { &harts.parked[id].as_ref().expect("a parked hart").csrs };
            (c.mip_soft | device_lines(d, id, now)) & c.mie != 0
        })
    }

    /// The earliest mtimecmp of a waiting hart whose timer interrupt is
    /// enabled (so that it wakes it).
    fn earliest_wake_timer(&self, mem: &mut Memory) -> Option<u64> {
        let d = devices(mem)?;
        (0..self.harts.count())
            .filter(|&id| !self.harts.stuck[id])
            .filter(|&id| {
                let c = if id == self.harts.current { Some(&self.csrs) } else { self.harts.parked(id).map(|p| p.1) };
                c.is_some_and(|c| c.mie & (1 << irq::MTI) != 0)
            })
            .map(|id| d.clint.mtimecmp[id])
            .filter(|&t| t != u64::MAX)
            .min()
    }

    /// Make hart `to` run (it may be the running one, for a new turn).
    fn run_hart(&mut self, to: usize, hart: &mut Hart, mem: &mut Memory) {
        self.harts.waiting[to] = false;
        if to == self.harts.current {
            self.harts.turn_end = hart.instret.saturating_add(QUANTUM);
            return;
        }
        self.harts.switch(to, hart, &mut self.csrs, mem);
        let t = self.csrs.translation();
        self.translation = t;
        mem.set_translation(t);
        self.interrupts_stale = true;
    }

    /// The context decoded code is valid in now.
    #[inline]
    pub fn code_context(&self) -> CodeContext {
        CodeContext::of(&self.translation)
    }

    /// After a store hit `tohost`: carry out the HTIF command.
    pub fn htif(&mut self, mem: &mut Memory) -> Outcome {
        let Some(h) = &self.htif else { return Outcome::Continue };
        match h.take(mem) {
            Command::None => Outcome::Continue,
            Command::Exit(code) => Outcome::Exit(code),
            Command::Putchar(c) => {
                if let Some(d) = devices(mem) {
                    d.console.push(c);
                }
                Outcome::Continue
            }
            Command::Unsupported(v) => Outcome::Halt(format!("unsupported HTIF command {v:#x}")),
        }
    }
}

/// What decides the meaning of the code at a virtual pc besides the bytes
/// there: how instruction fetches translate (mode, root table, ASID) and
/// the privilege fetching (the U bit decides which pages it may execute).
/// Untranslated fetches (machine mode, or Bare) all share the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CodeContext(Option<(TranslationMode, u64, u16, u8)>);

impl CodeContext {
    pub fn of(t: &Translation) -> CodeContext {
        if t.mode == TranslationMode::Bare || t.fetch_privilege == PRIV_M {
            CodeContext(None)
        } else {
            CodeContext(Some((t.mode, t.root, t.asid, t.fetch_privilege)))
        }
    }
}

/// The mip bits the devices drive for hart `id` at mtime `now`.
fn device_lines(d: &Devices, id: usize, now: u64) -> u64 {
    let mut lines = 0;
    if d.clint.msip[id] {
        lines |= 1 << irq::MSI;
    }
    if now >= d.clint.mtimecmp[id] {
        lines |= 1 << irq::MTI;
    }
    if d.plic.interrupt(plic::context_m(id)) {
        lines |= 1 << irq::MEI;
    }
    if d.plic.interrupt(plic::context_s(id)) {
        lines |= 1 << irq::SEI;
    }
    lines
}

fn devices(mem: &mut Memory) -> Option<&mut Devices> {
    mem.devices()?.as_any_mut().downcast_mut::<Devices>()
}

/// The bits of the instruction at virtual `pc`, for an illegal-instruction
/// trap's tval (0 if they cannot be fetched).
fn instruction_bits(mem: &mut Memory, pc: u64) -> u32 {
    let Ok(lo) = mem.fetch_u16(pc) else { return 0 };
    if crate::isa::inst_len(lo) == 2 {
        return lo as u32;
    }
    match mem.fetch_u16(pc.wrapping_add(2)) {
        Ok(hi) => lo as u32 | (hi as u32) << 16,
        Err(_) => 0,
    }
}

/// True for the instructions the board executes instead of the interpreter.
pub fn is_privileged(op: Op) -> bool {
    use Op::*;
    matches!(op, Ecall | Ebreak | Mret | Sret | Wfi | SfenceVma | Csrrw | Csrrs | Csrrc | Csrrwi | Csrrsi | Csrrci)
}

#[cfg(test)]
mod tests;
