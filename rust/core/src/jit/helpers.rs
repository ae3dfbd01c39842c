//! Out-of-line paths called by compiled code: TLB misses, page-crossing
//! and faulting accesses, floating-point computation.
//!
//! Contract: a helper that fails sets `ctx.fault = 1` and `ctx.pending`,
//! and compiled code then leaves through its fault exit.

use super::context::JitContext;
use crate::hart::Exception;
use crate::isa::Inst;
use crate::mem::{Access, MemFault};

fn mem_exception(f: MemFault) -> Exception {
    match f.access {
        Access::Write => Exception::StorePageFault(f.addr),
        Access::Fetch => Exception::InstructionPageFault(f.addr),
        Access::Read => Exception::LoadPageFault(f.addr),
    }
}

fn raise(ctx: &mut JitContext, e: Exception) {
    ctx.fault = 1;
    ctx.pending = Some(e);
}

/// Load `size` (1, 2, 4, 8) bytes at `addr`, zero-extended.
///
/// # Safety
/// `ctx` is the live context of the running dispatcher; its `mem` pointer
/// is the machine's memory, not otherwise borrowed during the run.
pub unsafe extern "C" fn read(ctx: *mut JitContext, addr: u64, size: u64) -> u64 {
    // SAFETY: see the function contract.
    let ctx = unsafe { &mut *ctx };
    // SAFETY: as above: the run loop lent `mem` to this run only.
    let mem = unsafe { &mut *ctx.mem };
    let r = match size {
        1 => mem.read_u8(addr).map(u64::from),
        2 => mem.read_u16(addr).map(u64::from),
        4 => mem.read_u32(addr).map(u64::from),
        _ => mem.read_u64(addr),
    };
    match r {
        Ok(v) => v,
        Err(f) => {
            raise(ctx, mem_exception(f));
            0
        }
    }
}

/// Store the low `size` bytes of `value` at `addr`. Returns nonzero on a
/// fault. A store that dirtied a code page asks the dispatcher to return.
///
/// # Safety
/// As for `read`.
pub unsafe extern "C" fn write(ctx: *mut JitContext, addr: u64, size: u64, value: u64) -> u64 {
    // SAFETY: see the function contract.
    let ctx = unsafe { &mut *ctx };
    // SAFETY: as above.
    let mem = unsafe { &mut *ctx.mem };
    let r = match size {
        1 => mem.write_u8(addr, value as u8),
        2 => mem.write_u16(addr, value as u16),
        4 => mem.write_u32(addr, value as u32),
        _ => mem.write_u64(addr, value),
    };
    if mem.has_dirty_code() {
        ctx.stop = 1;
    }
    match r {
        Ok(()) => 0,
        Err(f) => {
            raise(ctx, mem_exception(f));
            1
        }
    }
}

/// Execute one floating-point compute instruction on the hart (the
/// integer registers were written back before the call).
///
/// # Safety
/// As for `read`; `inst` points at an instruction kept alive by the JIT for
/// as long as the code calling this exists.
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
