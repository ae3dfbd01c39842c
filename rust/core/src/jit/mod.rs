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
//! - code.rs: the executable memory code is copied into.
//!
//! The block cache (engine::block) owns which blocks have code and the pc
//! table; this module owns code memory. Code is freed only all at once
//! (`flush`), when the code-size limit is reached: dropped blocks' code
//! stays unreachable until then.

mod code;
pub mod context;
mod fpenv;
mod helpers;
pub mod translate;

use std::time::{Duration, Instant};

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

use crate::hart::Hart;
use crate::isa::Inst;
use code::CodeMemory;
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
    isa: OwnedTargetIsa,
    code: CodeMemory,
    ctx: Context,
    fctx: FunctionBuilderContext,
    dispatch: DispatchFn,
    /// Instructions whose addresses compiled code holds (FP helper calls).
    keep: Vec<Box<[Inst]>>,
    pub code_limit: u64,
    pub stats: JitStats,
}

/// Why the JIT cannot run on this host.
#[derive(Debug, Clone)]
pub struct Unavailable(pub String);

impl Jit {
    pub fn new() -> Result<Jit, Unavailable> {
        Jit::with_code_limit(DEFAULT_CODE_LIMIT)
    }

    /// A JIT whose code memory holds `code_limit` bytes.
    pub fn with_code_limit(code_limit: u64) -> Result<Jit, Unavailable> {
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| f.set(k, v).map_err(|e| Unavailable(e.to_string()));
        // Blocks are short and the translator already keeps registers in
        // SSA values, so Cranelift's e-graph optimiser bought little
        // speed for about a quarter of the compile time.
        set(&mut flags, "opt_level", "none")?;
        set(&mut flags, "is_pic", "false")?;
        // Nothing registers unwind tables for JIT code (helpers are
        // `extern "C"`: a panic in one aborts rather than unwinding).
        set(&mut flags, "unwind_info", "false")?;
        // Cranelift's tail calls (block chaining) need frame pointers.
        set(&mut flags, "preserve_frame_pointers", "true")?;
        // The IR verifier costs a large share of compile time; debug builds
        // (the tests) keep it to catch translator bugs.
        set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
        let isa = cranelift_native::builder()
            .map_err(|e| Unavailable(e.to_string()))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| Unavailable(e.to_string()))?;
        let code = CodeMemory::new(Self::memory_size(code_limit)).map_err(Unavailable)?;
        let mut jit = Jit {
            isa,
            code,
            ctx: Context::new(),
            fctx: FunctionBuilderContext::new(),
            dispatch: unavailable_dispatch,
            keep: Vec::new(),
            code_limit,
            stats: JitStats::default(),
        };
        jit.install_dispatcher()?;
        Ok(jit)
    }

    /// Convention of the Rust helpers compiled code calls.
    fn call_conv(&self) -> CallConv {
        self.isa.default_call_conv()
    }

    fn memory_size(code_limit: u64) -> usize {
        code_limit.saturating_add(BLOCK_HEADROOM).min(usize::MAX as u64 / 2) as usize
    }

    /// Compile the dispatcher into the (empty) code memory.
    fn install_dispatcher(&mut self) -> Result<(), Unavailable> {
        let sig = translate::dispatcher_signature(self.isa.default_call_conv());
        let (ptr, _) = self
            .define(sig, translate::build_dispatcher)
            .map_err(|e| Unavailable(format!("cannot compile the dispatcher: {e}")))?;
        // SAFETY: the function was built with exactly this signature
        // (dispatcher_signature) in the host's default calling convention.
        self.dispatch = unsafe { std::mem::transmute::<*const u8, DispatchFn>(ptr) };
        Ok(())
    }

    /// Build, compile and install one function; its address and size.
    fn define(
        &mut self,
        sig: cranelift_codegen::ir::Signature,
        body: impl FnOnce(&mut FunctionBuilder),
    ) -> Result<(*const u8, u64), String> {
        self.ctx.clear();
        self.ctx.func.signature = sig;
        {
            let mut b = FunctionBuilder::new(&mut self.ctx.func, &mut self.fctx);
            body(&mut b);
            b.finalize();
        }
        let compiled = self.ctx.compile(&*self.isa, &mut ControlPlane::default()).map_err(|e| format!("{:?}", e.inner))?;
        // Helpers are called through absolute addresses held in registers,
        // so code needs no relocation; refuse any that would.
        if !compiled.buffer.relocs().is_empty() {
            return Err("compiled code needs relocations".into());
        }
        let bytes = compiled.code_buffer();
        let ptr = self.code.install(bytes).ok_or("code memory is full")?;
        Ok((ptr, bytes.len() as u64))
    }

    /// True when `insts` can be translated.
    pub fn translatable(insts: &[Inst]) -> bool {
        let n = insts.len();
        n > 0 && insts.iter().enumerate().all(|(i, inst)| translate::supported(inst, i + 1 == n))
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
        if blocks.is_empty() || !blocks.iter().all(|(_, insts)| Self::translatable(insts)) {
            self.stats.blocks_unsupported += 1;
            return None;
        }
        let t0 = Instant::now();
        let kept: Vec<(u64, Box<[Inst]>)> = blocks.iter().map(|&(pc, insts)| (pc, insts.into())).collect();
        let sig = translate::block_signature();
        let cc = self.call_conv();
        let native_fma = self.isa.has_native_fma();
        let r = {
            let views: Vec<(u64, &[Inst])> = kept.iter().map(|(pc, insts)| (*pc, &insts[..])).collect();
            self.define(sig, |b| translate::build(b, &views, cc, native_fma))
        };
        let dt = t0.elapsed();
        match r {
            Ok((ptr, size)) => {
                self.keep.extend(kept.into_iter().map(|(_, insts)| insts));
                self.stats.blocks_compiled += 1;
                self.stats.compile_time += dt;
                self.stats.compile_ns.push(dt.as_nanos() as u64);
                self.stats.code_bytes += size;
                Some(ptr as u64)
            }
            Err(_) => {
                self.stats.compile_errors += 1;
                None
            }
        }
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
