//! The signal and siginfo a synchronous exception raises in user mode
//! (arch/riscv/kernel/traps.c).

use super::{SigInfo, SIGBUS, SIGILL, SIGSEGV, SIGTRAP};
use crate::hart::Exception;

const ILL_ILLOPC: i32 = 1;
const TRAP_BRKPT: i32 = 1;
const BUS_ADRALN: i32 = 1;
const SEGV_MAPERR: i32 = 1;
const SEGV_ACCERR: i32 = 2;

/// The siginfo for exception `e` of the instruction at `pc`; `mapped`
/// tells a permission fault (something is mapped at the address) from a
/// fault on nothing.
pub fn fault_siginfo(e: Exception, pc: u64, mapped: bool) -> SigInfo {
    use Exception::*;
    let segv_code = if mapped { SEGV_ACCERR } else { SEGV_MAPERR };
    match e {
        IllegalInstruction(_) | EcallFromU | EcallFromS | EcallFromM => SigInfo::fault(SIGILL, ILL_ILLOPC, pc),
        Breakpoint(_) => SigInfo::fault(SIGTRAP, TRAP_BRKPT, pc),
        LoadMisaligned(a) | StoreMisaligned(a) | InstructionMisaligned(a) => SigInfo::fault(SIGBUS, BUS_ADRALN, a),
        InstructionAccessFault(a)
        | InstructionPageFault(a)
        | LoadAccessFault(a)
        | LoadPageFault(a)
        | StoreAccessFault(a)
        | StorePageFault(a) => SigInfo::fault(SIGSEGV, segv_code, a),
    }
}
