//! The JIT tier: Cranelift translation of hot blocks, a dispatcher in
//! generated code that chains compiled blocks through the pc table, and
//! the code memory they live in.
//!
//! - context.rs: the state shared with compiled code (`JitContext`, the pc
//!   table, exit codes, field offsets).
//! - translate.rs: one block -> one Cranelift function; the dispatcher.
//!   translate/fp.rs: floating point, inline where provably exact.
//! - fpenv.rs: the host floating-point environment compiled code runs in.
//! - helpers.rs: out-of-line slow paths compiled code calls.
//! - compiler.rs: Cranelift's state; a region in, machine code bytes out.
//! - code.rs: the executable memory code is copied into.
//! - background.rs: compiler threads shared by all machines, for hot
//!   blocks the guest need not wait for.
//!
//! The block cache (engine::block) owns which blocks have code and the pc
//! table; this module owns code memory. Code is freed only all at once
//! (`flush`), when the code-size limit is reached: dropped blocks' code
//! stays unreachable until then.

pub mod background;
mod code;
mod compiler;
pub mod context;
mod fpenv;
mod helpers;
pub mod translate;

use std::time::{Duration, Instant};

use crate::hart::Hart;
use crate::isa::Inst;
use code::CodeMemory;
pub use compiler::Compiler;
use context::JitContext;

/// Default limit of host code memory before everything compiled is dropped.
pub const DEFAULT_CODE_LIMIT: u64 = 64 << 20;

/// Room kept free for one more block: the cache counts as full below it.
const BLOCK_HEADROOM: u64 = 16 << 10;

type DispatchFn = unsafe extern "C" fn(*mut JitContext, *mut Hart) -> u32;

/// Counters of the JIT.
#[derive(Clone, Debug, Default)]
pub struct JitStats {
    pub blocks_compiled: u64,
    pub compile_time: Duration,
    /// Per-block compile times in nanoseconds (for the median).
    pub compile_ns: Vec<u64>,
    /// Bytes of machine code emitted, all flushes included.
    pub code_bytes: u64,
    /// Whole-cache flushes because the code limit was reached.
    pub flushes: u64,
    /// Blocks found untranslatable (they stay interpreted).
    pub blocks_unsupported: u64,
    /// Compilations Cranelift rejected (the block stays interpreted).
    pub compile_errors: u64,
}

pub struct Jit {
    compiler: Compiler,
    code: CodeMemory,
    dispatch: DispatchFn,
    /// Instructions whose addresses compiled code holds (FP helper calls).
    keep: Vec<Box<[Inst]>>,
    pub code_limit: u64,
    pub stats: JitStats,
}

/// Why the JIT cannot run on this host.
#[derive(Debug, Clone)]
pub struct Unavailable(pub String);

/// A region's instructions copied out of the block cache: compiled code
/// refers to them by address, so they live as long as it does.
pub type RegionInsts = Vec<(u64, Box<[Inst]>)>;

impl Jit {
    pub fn new() -> Result<Jit, Unavailable> {
        Jit::with_code_limit(DEFAULT_CODE_LIMIT)
    }

    /// A JIT whose code memory holds `code_limit` bytes.
    pub fn with_code_limit(code_limit: u64) -> Result<Jit, Unavailable> {
        let compiler = Compiler::new()?;
        let code = CodeMemory::new(Self::memory_size(code_limit)).map_err(Unavailable)?;
        let mut jit = Jit {
            compiler,
            code,
            dispatch: unavailable_dispatch,
            keep: Vec::new(),
            code_limit,
            stats: JitStats::default(),
        };
        jit.install_dispatcher()?;
        Ok(jit)
    }

    fn memory_size(code_limit: u64) -> usize {
        code_limit.saturating_add(BLOCK_HEADROOM).min(usize::MAX as u64 / 2) as usize
    }

    /// Compile the dispatcher into the (empty) code memory.
    fn install_dispatcher(&mut self) -> Result<(), Unavailable> {
        let sig = translate::dispatcher_signature(self.compiler.call_conv());
        let bytes = self
            .compiler
            .define(sig, translate::build_dispatcher)
            .map_err(|e| Unavailable(format!("cannot compile the dispatcher: {e}")))?;
        let ptr = self.code.install(bytes).ok_or_else(|| Unavailable("code memory is full".into()))?;
        // SAFETY: the function was built with exactly this signature
        // (dispatcher_signature) in the host's default calling convention.
        self.dispatch = unsafe { std::mem::transmute::<*const u8, DispatchFn>(ptr) };
        Ok(())
    }

    /// True when `insts` can be translated.
    pub fn translatable(insts: &[Inst]) -> bool {
        let n = insts.len();
        n > 0 && insts.iter().enumerate().all(|(i, inst)| translate::supported(inst, i + 1 == n))
    }

    /// True when every block of a region can be translated; counts the
    /// region as unsupported otherwise.
    pub fn accepts(&mut self, blocks: &[(u64, &[Inst])]) -> bool {
        let ok = !blocks.is_empty() && blocks.iter().all(|(_, insts)| Self::translatable(insts));
        if !ok {
            self.stats.blocks_unsupported += 1;
        }
        ok
    }

    /// True when compiled code reached the size limit: the caller drops all
    /// code pointers it holds, then calls `flush`.
    pub fn full(&self) -> bool {
        self.code.used() as u64 + BLOCK_HEADROOM > self.code_limit.min(self.code.size() as u64)
    }

    /// Free all compiled code and start over.
    ///
    /// # Safety
    /// No pointer to code compiled so far may be used afterwards (the block
    /// cache must have forgotten all of them), and no compiled code runs.
    pub unsafe fn flush(&mut self) -> Result<(), Unavailable> {
        let size = Self::memory_size(self.code_limit);
        if size.next_multiple_of(4096) == self.code.size() {
            // SAFETY: per this function's contract nothing refers to or
            // runs the code any more.
            unsafe { self.code.reset() };
        } else {
            // The limit changed: map memory of the new size.
            self.code = CodeMemory::new(size).map_err(Unavailable)?;
        }
        self.keep.clear();
        self.stats.flushes += 1;
        self.install_dispatcher()
    }

    /// Compile the block `insts` at `start`; the host address of its
    /// function, or None when it cannot be compiled (it stays interpreted).
    pub fn compile(&mut self, start: u64, insts: &[Inst]) -> Option<u64> {
        self.compile_region(&[(start, insts)])
    }

    /// Compile the region `blocks` (start pc and instructions of each),
    /// entered at the first block; the host address of its function, or
    /// None when some block cannot be translated (the caller picks only
    /// `translatable` blocks after the first).
    pub fn compile_region(&mut self, blocks: &[(u64, &[Inst])]) -> Option<u64> {
        if !self.accepts(blocks) {
            return None;
        }
        let t0 = Instant::now();
        let kept: RegionInsts = blocks.iter().map(|&(pc, insts)| (pc, insts.into())).collect();
        let views: Vec<(u64, &[Inst])> = kept.iter().map(|(pc, insts)| (*pc, &insts[..])).collect();
        let code = match self.compiler.compile_region(&views) {
            Ok(bytes) => self.code.install(bytes).map(|ptr| (ptr as u64, bytes.len() as u64)),
            Err(_) => None,
        };
        drop(views);
        match code {
            Some((ptr, size)) => {
                self.note_compiled(kept, t0.elapsed(), size);
                Some(ptr)
            }
            None => {
                self.stats.compile_errors += 1;
                None
            }
        }
    }

    /// Install machine code compiled elsewhere for region `kept`, which
    /// took `took` to compile; its host address. None when code memory is
    /// full.
    pub fn install(&mut self, kept: RegionInsts, bytes: &[u8], took: Duration) -> Option<u64> {
        if self.full() {
            return None;
        }
        let ptr = self.code.install(bytes)? as u64;
        self.note_compiled(kept, took, bytes.len() as u64);
        Some(ptr)
    }

    /// Count a region's code in, keeping its instructions alive.
    fn note_compiled(&mut self, kept: RegionInsts, took: Duration, size: u64) {
        self.keep.extend(kept.into_iter().map(|(_, insts)| insts));
        self.stats.blocks_compiled += 1;
        self.stats.compile_time += took;
        self.stats.compile_ns.push(took.as_nanos() as u64);
        self.stats.code_bytes += size;
    }

    /// Run compiled blocks from `hart.pc` (which must be in the table)
    /// until the dispatcher returns; its exit code.
    ///
    /// # Safety
    /// `ctx` is fully set up: its table holds only live code of this JIT,
    /// and `hart`/`mem` are exclusively lent to this call.
    pub unsafe fn run(&self, ctx: &mut JitContext) -> u32 {
        let hart = ctx.hart;
        // Inline floating point is exact only in the default environment.
        let _env = fpenv::DefaultEnv::enter();
        // SAFETY: per the contract; the dispatcher only follows the table.
        unsafe { (self.dispatch)(ctx, hart) }
    }

    /// Median compile time per block.
    pub fn median_compile_time(&self) -> Duration {
        let mut v = self.stats.compile_ns.clone();
        if v.is_empty() {
            return Duration::ZERO;
        }
        v.sort_unstable();
        Duration::from_nanos(v[v.len() / 2])
    }
}

unsafe extern "C" fn unavailable_dispatch(_: *mut JitContext, _: *mut Hart) -> u32 {
    context::exit::RETURN
}

#[cfg(test)]
mod fp_tests;
#[cfg(test)]
mod tests;
