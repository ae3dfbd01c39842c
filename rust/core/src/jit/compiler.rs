//! The Cranelift side of the JIT: turns a region of decoded blocks into
//! machine code bytes. It owns no executable memory, so the same code
//! serves a machine's own JIT and the background compiler threads
//! (jit::background); the bytes are position independent apart from the
//! absolute addresses `translate::build` puts in them (helpers, and
//! instructions kept alive by the caller).

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::Signature;
use cranelift_codegen::isa::{CallConv, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

use super::{translate, Unavailable};
use crate::isa::Inst;

/// Cranelift's state, reused from one function to the next.
pub struct Compiler {
    isa: OwnedTargetIsa,
    ctx: Context,
    fctx: FunctionBuilderContext,
    control: ControlPlane,
}

impl Compiler {
    pub fn new() -> Result<Compiler, Unavailable> {
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
        Ok(Compiler { isa, ctx: Context::new(), fctx: FunctionBuilderContext::new(), control: ControlPlane::default() })
    }

    /// Convention of the Rust helpers compiled code calls (and of the
    /// dispatcher, called from Rust).
    pub fn call_conv(&self) -> CallConv {
        self.isa.default_call_conv()
    }

    /// Build and compile one function; its machine code, valid until the
    /// next call.
    pub fn define(&mut self, sig: Signature, body: impl FnOnce(&mut FunctionBuilder)) -> Result<&[u8], String> {
        self.ctx.clear();
        self.ctx.func.signature = sig;
        {
            let mut b = FunctionBuilder::new(&mut self.ctx.func, &mut self.fctx);
            body(&mut b);
            b.finalize();
        }
        let compiled = self.ctx.compile(&*self.isa, &mut self.control).map_err(|e| format!("{:?}", e.inner))?;
        // Helpers are called through absolute addresses held in registers,
        // so code needs no relocation; refuse any that would.
        if !compiled.buffer.relocs().is_empty() {
            return Err("compiled code needs relocations".into());
        }
        Ok(compiled.code_buffer())
    }

    /// Compile the region `blocks` (start pc and instructions of each,
    /// all `translatable`), entered at the first block. The instructions
    /// must stay at their addresses while the code exists.
    pub fn compile_region(&mut self, blocks: &[(u64, &[Inst])]) -> Result<&[u8], String> {
        let cc = self.call_conv();
        let native_fma = self.isa.has_native_fma();
        self.define(translate::block_signature(), |b| translate::build(b, blocks, cc, native_fma))
    }
}
