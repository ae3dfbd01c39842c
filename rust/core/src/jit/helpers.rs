//! Out-of-line paths called by compiled code: floating-point computation
//! that has no inline fast path (translate/fp.rs).
//! (Memory accesses that miss the TLB leave compiled code instead.)
//!
//! Contract: a helper that fails sets `ctx.fault = 1` and `ctx.pending`,
//! and compiled code then leaves through its fault exit.

use super::context::JitContext;
use crate::hart::Exception;
use crate::isa::Inst;

fn raise(ctx: &mut JitContext, e: Exception) {
    ctx.fault = 1;
    ctx.pending = Some(e);
}

/// Execute one floating-point compute instruction on the hart (compiled
/// code writes integer registers through, so the hart is up to date).
///
/// # Safety
/// `ctx` is the live context of the running dispatcher; `inst` points at
/// an instruction kept alive by the JIT for as long as the code calling
/// this exists.
pub unsafe extern "C" fn fp(ctx: *mut JitContext, inst: *const Inst) -> u64 {
    // SAFETY: see the function contract.
    let ctx = unsafe { &mut *ctx };
    // SAFETY: as above; compiled code holds no reference into the hart
    // across this call.
    let hart = unsafe { &mut *ctx.hart };
    // SAFETY: see the function contract.
    let inst = unsafe { &*inst };
    match crate::hart::fp::execute(hart, inst) {
        Ok(()) => 0,
        Err(e) => {
            raise(ctx, e);
            1
        }
    }
}
