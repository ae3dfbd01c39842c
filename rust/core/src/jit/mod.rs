//! The JIT tier: Cranelift translation of hot blocks, a dispatcher in
//! generated code that chains compiled blocks through the pc table, and
//! the code memory they live in.
//!
//! - context.rs: the state shared with compiled code (`JitContext`, the pc
//!   table, exit codes, field offsets).
//! - translate.rs: one block -> one Cranelift function; the dispatcher.
//! - helpers.rs: out-of-line slow paths compiled code calls.
//!
//! The block cache (engine::block) owns which blocks have code and the pc
//! table; this module owns code memory. Code is freed only all at once
//! (`flush`), when the code-size limit is reached: dropped blocks' code
//! stays unreachable until then.

pub mod context;
mod helpers;
pub mod translate;

use std::time::{Duration, Instant};

use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::Module;

use crate::hart::Hart;
use crate::isa::Inst;
use context::JitContext;

/// Default limit of host code memory before everything compiled is dropped.
pub const DEFAULT_CODE_LIMIT: u64 = 64 << 20;

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

/// The code memory. `JITModule` is not `Send` only because its memory
/// provider is a boxed trait object without that bound.
struct CodeMemory(JITModule);

// SAFETY: the module uses cranelift-jit's default system memory provider,
// which owns plain mmap'd regions with no thread affinity. A `Jit` is moved
// with its machine, never shared (no `Sync`), so one thread at a time uses it.
unsafe impl Send for CodeMemory {}

pub struct Jit {
    isa: OwnedTargetIsa,
    module: Option<CodeMemory>,
    ctx: Context,
    fctx: FunctionBuilderContext,
    dispatch: DispatchFn,
    /// Instructions whose addresses compiled code holds (FP helper calls).
    keep: Vec<Box<[Inst]>>,
    /// Host memory taken by code since the last flush (page-rounded, as
    /// each finalisation starts new pages).
    used: u64,
    pub code_limit: u64,
    pub stats: JitStats,
}

/// cranelift-jit never unmaps a module's code by itself: without this, every
/// machine that compiled anything would leak its code mappings, and a process
/// creating machine after machine would run out of them.
impl Drop for Jit {
    fn drop(&mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: a `Jit` is dropped with its machine, or after the block
            // cache forgot all its code (a failed flush); no code runs then.
            unsafe { m.0.free_memory() };
        }
    }
}

/// Why the JIT cannot run on this host.
#[derive(Debug, Clone)]
pub struct Unavailable(pub String);

impl Jit {
    pub fn new() -> Result<Jit, Unavailable> {
        let mut flags = settings::builder();
        let set = |f: &mut settings::Builder, k: &str, v: &str| f.set(k, v).map_err(|e| Unavailable(e.to_string()));
        set(&mut flags, "opt_level", "speed")?;
        set(&mut flags, "is_pic", "false")?;
        // The IR verifier costs a large share of compile time; debug builds
        // (the tests) keep it to catch translator bugs.
        set(&mut flags, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
        let isa = cranelift_native::builder()
            .map_err(|e| Unavailable(e.to_string()))?
            .finish(settings::Flags::new(flags))
            .map_err(|e| Unavailable(e.to_string()))?;
        let mut jit = Jit {
            isa,
            module: None,
            ctx: Context::new(),
            fctx: FunctionBuilderContext::new(),
            dispatch: unavailable_dispatch,
            keep: Vec::new(),
            used: 0,
            code_limit: DEFAULT_CODE_LIMIT,
            stats: JitStats::default(),
        };
        jit.new_module()?;
        Ok(jit)
    }

    fn call_conv(&self) -> CallConv {
        self.isa.default_call_conv()
    }

    /// A fresh code memory with the dispatcher compiled into it.
    fn new_module(&mut self) -> Result<(), Unavailable> {
        let builder = JITBuilder::with_isa(self.isa.clone(), cranelift_module::default_libcall_names());
        self.module = Some(CodeMemory(JITModule::new(builder)));
        let cc = self.call_conv();
        let (ptr, _) = self
            .define(|b| translate::build_dispatcher(b, cc))
            .map_err(|e| Unavailable(format!("cannot compile the dispatcher: {e}")))?;
        // SAFETY: the function was built with exactly this signature
        // (block_signature) in the host's default calling convention.
        self.dispatch = unsafe { std::mem::transmute::<*const u8, DispatchFn>(ptr) };
        Ok(())
    }

    /// Build, compile and finalise one function; its address and size.
    fn define(&mut self, body: impl FnOnce(&mut FunctionBuilder)) -> Result<(*const u8, u64), String> {
        let module = &mut self.module.as_mut().ok_or("no code memory")?.0;
        let sig = translate::block_signature(self.isa.default_call_conv());
        self.ctx.clear();
        self.ctx.func.signature = sig.clone();
        {
            let mut b = FunctionBuilder::new(&mut self.ctx.func, &mut self.fctx);
            body(&mut b);
            b.finalize();
        }
        let id = module.declare_anonymous_function(&sig).map_err(|e| e.to_string())?;
        let r = module.define_function(id, &mut self.ctx).map_err(|e| format!("{e:?}"));
        let size = self.ctx.compiled_code().map(|c| c.code_info().total_size as u64).unwrap_or(0);
        module.clear_context(&mut self.ctx);
        r?;
        module.finalize_definitions().map_err(|e| e.to_string())?;
        Ok((module.get_finalized_function(id), size))
    }

    /// True when `insts` can be translated.
    pub fn translatable(insts: &[Inst]) -> bool {
        let n = insts.len();
        n > 0 && insts.iter().enumerate().all(|(i, inst)| translate::supported(inst.op, i + 1 == n))
    }

    /// True when compiled code reached the size limit: the caller drops all
    /// code pointers it holds, then calls `flush`.
    pub fn full(&self) -> bool {
        self.used >= self.code_limit
    }

    /// Free all compiled code and start over.
    ///
    /// # Safety
    /// No pointer to code compiled so far may be used afterwards (the block
    /// cache must have forgotten all of them), and no compiled code runs.
    pub unsafe fn flush(&mut self) -> Result<(), Unavailable> {
        if let Some(m) = self.module.take() {
            // SAFETY: per this function's contract nothing refers to or runs
            // the module's code any more.
            unsafe { m.0.free_memory() };
        }
        self.keep.clear();
        self.used = 0;
        self.stats.flushes += 1;
        self.new_module()
    }

    /// Compile the block `insts` at `start`; the host address of its
    /// function, or None when it cannot be compiled (it stays interpreted).
    pub fn compile(&mut self, start: u64, insts: &[Inst]) -> Option<u64> {
        if !Self::translatable(insts) {
            self.stats.blocks_unsupported += 1;
            return None;
        }
        let t0 = Instant::now();
        let kept: Box<[Inst]> = insts.into();
        let cc = self.call_conv();
        let r = self.define(|b| translate::build(b, start, &kept, cc));
        let dt = t0.elapsed();
        match r {
            Ok((ptr, size)) => {
                self.keep.push(kept);
                self.stats.blocks_compiled += 1;
                self.stats.compile_time += dt;
                self.stats.compile_ns.push(dt.as_nanos() as u64);
                self.stats.code_bytes += size;
                self.used += (size + 4095) & !4095;
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
mod tests;
