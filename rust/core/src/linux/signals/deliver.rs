//! Acting on pending signals: default actions, handler frames, and
//! rt_sigreturn (arch/riscv/kernel/signal.c's setup_rt_frame and
//! sys_rt_sigreturn, kernel/signal.c's get_signal).

use super::frame::{self, Saved, FRAME_SIZE, UCONTEXT_OFFSET};
use super::{
    bit, default_action, DefaultAction, SigAction, SigInfo, SA_NODEFER, SA_ONSTACK, SA_RESETHAND, SA_RESTART,
    SIGSEGV, SIG_DFL, SIG_IGN, UNBLOCKABLE,
};
use crate::hart::Hart;
use crate::linux::layout::{MMAP_MIN, MMAP_TOP};
use crate::linux::Process;
use crate::mem::{Memory, Perms, PAGE_SIZE};

/// Point the hart back at the ecall it has just completed, with its first
/// argument restored, so the syscall runs again.
fn restart_syscall(hart: &mut Hart, a0: u64) {
    hart.pc = hart.pc.wrapping_sub(4);
    hart.x[10] = a0;
}

/// The process ends because of this signal's default action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Death {
    pub signal: u32,
}

/// Where handlers return to: `li a7, 139 (rt_sigreturn); ecall`. Linux
/// keeps it in the vDSO; here it is a page of its own, mapped on the first
/// delivery, as QEMU does.
const TRAMPOLINE: [u32; 2] = [0x08b0_0893, 0x0000_0073];

impl Process {
    /// True when signals wait to be acted on.
    pub fn signals_pending(&self) -> bool {
        self.signals.any_pending()
    }

    /// True while the interval timer is armed.
    pub fn timer_armed(&self) -> bool {
        self.signals.timer.armed()
    }

    /// Raise SIGALRM if the timer has expired.
    pub fn poll_timer(&mut self) {
        if self.signals.timer.expire(std::time::Instant::now()) {
            self.signals.send(SigInfo::kernel(super::SIGALRM));
        }
    }

    /// Act on every deliverable pending signal: ignore it, end the process,
    /// or set up its handler's frame (each on top of the previous one, so
    /// the last set up runs first, as on Linux). `hart` must be at an
    /// instruction boundary, pc at the next instruction to run.
    pub fn deliver_signals(&mut self, hart: &mut Hart, mem: &mut Memory) -> Option<Death> {
        // An interrupted syscall restarts (pc back at its ecall, a0 as it
        // was) unless the first handler to run lacks SA_RESTART; a0 already
        // holds -EINTR for that case.
        let mut restart = self.signals.restart_a0.take();
        while let Some(info) = self.signals.dequeue(!self.signals.blocked) {
            let sig = info.signo;
            let act = self.signals.action(sig);
            match act.handler {
                SIG_IGN => {}
                SIG_DFL => match default_action(sig) {
                    DefaultAction::Ignore | DefaultAction::JobControl => {}
                    DefaultAction::Terminate | DefaultAction::Core => return Some(Death { signal: sig }),
                },
                _ => {
                    if let Some(a0) = restart.take() {
                        if act.flags & SA_RESTART != 0 {
                            restart_syscall(hart, a0);
                        }
                    }
                    if self.setup_frame(hart, mem, &info, act).is_none() {
                        // force_sigsegv: a frame that cannot be written
                        // kills, through a SIGSEGV handler at most once.
                        if sig == SIGSEGV {
                            self.signals.actions[(SIGSEGV - 1) as usize].handler = SIG_DFL;
                        }
                        self.signals.force(SigInfo::kernel(SIGSEGV));
                    }
                }
            }
        }
        if let Some(a0) = restart {
            restart_syscall(hart, a0);
        }
        if let Some(mask) = self.signals.saved_mask.take() {
            self.signals.blocked = mask;
        }
        None
    }

    /// A synchronous fault of the instruction at `hart.pc`: to its handler,
    /// or the end of the process when there is none or it is blocked or
    /// ignored (force_sig_fault).
    pub fn fault_signal(&mut self, hart: &mut Hart, mem: &mut Memory, info: SigInfo) -> Option<Death> {
        self.signals.force(info);
        self.deliver_signals(hart, mem)
    }

    /// Push the frame for `info` and point the hart at the handler. None
    /// when the frame cannot be placed or written.
    fn setup_frame(&mut self, hart: &mut Hart, mem: &mut Memory, info: &SigInfo, act: SigAction) -> Option<()> {
        let tramp = self.trampoline(mem)?;
        let s = &mut self.signals;
        let sp = hart.x[2];
        let size = FRAME_SIZE as u64;
        // get_sigframe: refuse to run off the end of the alternate stack.
        if s.on_altstack(sp) && !s.on_altstack(sp.wrapping_sub(size)) {
            return None;
        }
        let (ss_sp, ss_size, auto) = s.altstack;
        let switch = act.flags & SA_ONSTACK != 0 && ss_size != 0 && !s.on_altstack(sp);
        let top = if switch { ss_sp.wrapping_add(ss_size) } else { sp };
        let addr = top.wrapping_sub(size) & !15;
        let saved = Saved {
            mask: s.saved_mask.take().unwrap_or(s.blocked),
            stack: (ss_sp, s.altstack_flags(sp), ss_size),
        };
        let bytes = frame::build(hart, &info.bytes, &saved);
        mem.write_bytes(addr, &bytes).ok()?;
        if auto != 0 {
            s.altstack = (0, 0, 0);
        }
        hart.x[1] = tramp;
        hart.x[2] = addr;
        hart.x[10] = info.signo as u64;
        hart.x[11] = addr;
        hart.x[12] = addr + UCONTEXT_OFFSET;
        hart.pc = act.handler;
        hart.reservation = crate::hart::NO_RESERVATION;
        let sig = info.signo;
        let deferred = if act.flags & SA_NODEFER != 0 { 0 } else { bit(sig) };
        s.blocked = (s.blocked | act.mask | deferred) & !UNBLOCKABLE;
        if act.flags & SA_RESETHAND != 0 {
            s.actions[(sig - 1) as usize].handler = SIG_DFL;
        }
        Some(())
    }

    /// The sigreturn trampoline's address, mapping it on first use.
    fn trampoline(&mut self, mem: &mut Memory) -> Option<u64> {
        if let Some(t) = self.signals.trampoline {
            return Some(t);
        }
        let at = mem.find_free(PAGE_SIZE, MMAP_MIN, MMAP_TOP)?;
        mem.map(at, PAGE_SIZE, Perms::RX, "[vdso]").ok()?;
        let code: Vec<u8> = TRAMPOLINE.iter().flat_map(|w| w.to_le_bytes()).collect();
        mem.poke(at, &code).ok()?;
        self.signals.trampoline = Some(at);
        Some(at)
    }

    /// rt_sigreturn: restore what the frame at sp holds. A frame that
    /// cannot be read or is malformed leaves the registers alone and
    /// forces SIGSEGV, as Linux does.
    pub fn sigreturn(&mut self, hart: &mut Hart, mem: &mut Memory) {
        let mut b = vec![0u8; FRAME_SIZE];
        let restored = match mem.read_bytes(hart.x[2], &mut b) {
            Ok(()) => frame::parse(&b),
            Err(_) => None,
        };
        let Some(r) = restored else {
            self.signals.force(SigInfo::kernel(SIGSEGV));
            return;
        };
        hart.pc = r.pc;
        hart.x[1..].copy_from_slice(&r.x[1..]);
        hart.f = r.f;
        hart.set_fcsr(r.fcsr as u64);
        hart.reservation = crate::hart::NO_RESERVATION;
        self.signals.blocked = r.saved.mask & !UNBLOCKABLE;
        // restore_altstack: a refused stack (e.g. while running on the
        // current one) is left as it is.
        let (ss_sp, flags, ss_size) = r.saved.stack;
        let _ = self.signals.set_altstack(ss_sp, flags, ss_size, hart.x[2]);
    }
}
