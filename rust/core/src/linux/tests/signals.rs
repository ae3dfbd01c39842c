//! Signal syscalls called directly: who can be signalled, pending sets,
//! waits that do not block, the interval timer's argument checks, and
//! delivery and rt_sigreturn with hostile stacks and frames.

use super::*;
use crate::linux::signals::{SIGSEGV, SIGPIPE};

const SIGUSR1: u64 = 10;

fn pid(g: &mut Guest) -> u64 {
    g.call(nr::GETPID, &[]) as u64
}

#[test]
fn only_the_process_itself_can_be_signalled() {
    let mut g = Guest::new();
    let me = pid(&mut g);
    assert_eq!(g.call(nr::KILL, &[me + 1, 0]), err(Errno::ESRCH));
    assert_eq!(g.call(nr::KILL, &[-1i64 as u64, SIGUSR1]), err(Errno::ESRCH), "-1 spares the sender");
    assert_eq!(g.call(nr::KILL, &[me, 65]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::KILL, &[me, 0]), 0, "signal 0 only checks");
    assert_eq!(g.call(nr::TKILL, &[0, SIGUSR1]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::TKILL, &[me + 1, SIGUSR1]), err(Errno::ESRCH));
    assert_eq!(g.call(nr::TGKILL, &[me, 0, SIGUSR1]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::TGKILL, &[me, me + 1, SIGUSR1]), err(Errno::ESRCH));
    assert_eq!(g.call(nr::RT_SIGQUEUEINFO, &[me, SIGUSR1, UNMAPPED]), err(Errno::EFAULT));
    assert!(!g.p.signals_pending());
}

#[test]
fn blocked_signals_are_pending_and_taken_by_sigtimedwait() {
    let mut g = Guest::new();
    let me = pid(&mut g);
    let set = SCRATCH;
    g.poke(set, &(1u64 << (SIGUSR1 - 1)).to_le_bytes());
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[0, set, 0, 8]), 0);
    assert_eq!(g.call(nr::TGKILL, &[me, me, SIGUSR1]), 0);
    let pending = SCRATCH + 0x10;
    assert_eq!(g.call(nr::RT_SIGPENDING, &[pending, 8]), 0);
    assert_eq!(g.peek_u64(pending), 1 << (SIGUSR1 - 1));
    assert_eq!(g.call(nr::RT_SIGPENDING, &[pending, 9]), err(Errno::EINVAL));

    let (info, zero) = (SCRATCH + 0x100, SCRATCH + 0x200);
    g.poke(zero, &[0u8; 16]);
    assert_eq!(g.call(nr::RT_SIGTIMEDWAIT, &[set, info, zero, 8]), SIGUSR1 as i64);
    assert_eq!(g.peek_u32(info), SIGUSR1 as u32, "si_signo");
    assert_eq!(g.peek_u32(info + 8) as i32, -6, "si_code SI_TKILL");
    assert_eq!(g.peek_u32(info + 16) as u64, me, "si_pid");
    assert_eq!(g.call(nr::RT_SIGTIMEDWAIT, &[set, info, zero, 8]), err(Errno::EAGAIN));
    assert_eq!(g.call(nr::RT_SIGTIMEDWAIT, &[set, info, zero, 4]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::RT_SIGSUSPEND, &[set, 4]), err(Errno::EINVAL));
}

#[test]
fn interval_timer_arguments() {
    let mut g = Guest::new();
    let it = SCRATCH;
    // it_interval {0, 0}, it_value {0, 1_000_000}: usec out of range.
    g.poke(it, &[0u64, 0, 0, 1_000_000].map(u64::to_le_bytes).concat());
    assert_eq!(g.call(nr::SETITIMER, &[0, it, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::SETITIMER, &[1, it, 0]), err(Errno::EINVAL), "ITIMER_VIRTUAL");
    assert_eq!(g.call(nr::GETITIMER, &[3, it]), err(Errno::EINVAL));
    // 5 s, then every 2 s.
    g.poke(it, &[2u64, 0, 5, 0].map(u64::to_le_bytes).concat());
    assert_eq!(g.call(nr::SETITIMER, &[0, it, 0]), 0);
    let cur = SCRATCH + 0x40;
    assert_eq!(g.call(nr::GETITIMER, &[0, cur]), 0);
    assert_eq!(g.peek_u64(cur), 2, "interval");
    let left = g.peek_u64(cur + 16) * 1_000_000 + g.peek_u64(cur + 24);
    assert!(left > 4_000_000 && left <= 5_000_000, "{left}");
    assert_eq!(g.call(nr::SETITIMER, &[0, 0, cur]), 0, "a null value disarms");
    assert_eq!(g.call(nr::GETITIMER, &[0, cur]), 0);
    assert_eq!(g.peek(cur + 16, 16), [0; 16]);
    assert_eq!(g.call(nr::GETITIMER, &[0, UNMAPPED]), err(Errno::EFAULT));
}

/// Install `handler` for `sig` with `flags`.
fn handle(g: &mut Guest, sig: u64, handler: u64, flags: u64) {
    let act = SCRATCH + 0x800;
    g.poke(act, &[handler, flags, 0].map(u64::to_le_bytes).concat());
    assert_eq!(g.call(nr::RT_SIGACTION, &[sig, act, 0, 8]), 0);
}

#[test]
fn a_frame_that_cannot_be_written_kills_with_sigsegv() {
    let mut g = Guest::new();
    handle(&mut g, SIGUSR1, 0x10_0000, 0);
    let me = pid(&mut g);
    assert_eq!(g.call(nr::KILL, &[me, SIGUSR1]), 0);
    g.hart.x[2] = UNMAPPED + 0x100;
    let death = g.p.deliver_signals(&mut g.hart, &mut g.mem);
    assert_eq!(death.map(|d| d.signal), Some(SIGSEGV));
}

#[test]
fn a_handler_gets_its_frame_and_sigreturn_restores_everything() {
    let mut g = Guest::new();
    handle(&mut g, SIGUSR1, 0x10_0000, 0);
    let me = pid(&mut g);
    assert_eq!(g.call(nr::KILL, &[me, SIGUSR1]), 0);
    let sp = SCRATCH + 0x8000;
    g.hart.x[2] = sp;
    g.hart.pc = 0x4000;
    g.hart.x[5] = 55;
    g.hart.f[3] = 0x400c_0000_0000_0000;
    g.hart.set_fcsr(0x41);
    let before = g.hart.clone();
    assert_eq!(g.p.deliver_signals(&mut g.hart, &mut g.mem), None);
    let frame = g.hart.x[2];
    assert_eq!(frame, (sp - 1088) & !15);
    assert_eq!((g.hart.pc, g.hart.x[10], g.hart.x[11], g.hart.x[12]), (0x10_0000, SIGUSR1, frame, frame + 128));
    assert_eq!(g.peek_u64(frame + 128 + 176), 0x4000, "sc_regs.pc");
    assert_eq!(g.peek_u64(frame + 128 + 176 + 5 * 8), 55, "x5");
    assert_eq!(g.peek_u64(frame + 128 + 432 + 3 * 8), 0x400c_0000_0000_0000, "f3");
    assert_eq!(g.peek_u32(frame + 128 + 688), 0x41, "fcsr");
    // The handler runs with SIGUSR1 blocked; the frame saved the old mask.
    assert_eq!(g.p.signals.blocked, 1 << (SIGUSR1 - 1));
    assert_eq!(g.peek_u64(frame + 128 + 40), 0);

    // Back through the trampoline: li a7, 139; ecall.
    let ra = g.hart.x[1];
    assert_eq!(g.peek(ra, 8), [0x93, 0x08, 0xb0, 0x08, 0x73, 0, 0, 0]);
    g.hart.x[5] = 0;
    assert_eq!(g.outcome(nr::RT_SIGRETURN, &[]), SyscallOutcome::Sigreturn);
    assert_eq!((g.hart.pc, g.hart.x, g.hart.f, g.hart.fcsr()), (before.pc, before.x, before.f, before.fcsr()));
    assert_eq!(g.p.signals.blocked, 0);
}

#[test]
fn sigreturn_with_a_bad_frame_changes_nothing_and_forces_sigsegv() {
    let mut g = Guest::new();
    g.hart.x[2] = UNMAPPED;
    g.hart.x[7] = 7;
    assert_eq!(g.outcome(nr::RT_SIGRETURN, &[]), SyscallOutcome::Sigreturn);
    assert_eq!(g.hart.x[7], 7);
    assert_eq!(g.p.deliver_signals(&mut g.hart, &mut g.mem).map(|d| d.signal), Some(SIGSEGV));

    // Readable, but with a nonzero reserved word in the FP area.
    let mut g = Guest::new();
    g.poke(SCRATCH, &[0u8; 1088]);
    g.poke(SCRATCH + 128 + 432 + 516, &[1]);
    g.hart.x[2] = SCRATCH;
    g.outcome(nr::RT_SIGRETURN, &[]);
    assert_eq!(g.p.deliver_signals(&mut g.hart, &mut g.mem).map(|d| d.signal), Some(SIGSEGV));
}

#[test]
fn writing_to_a_pipe_without_readers_raises_sigpipe() {
    let mut g = Guest::new();
    let fds = SCRATCH;
    assert_eq!(g.call(nr::PIPE2, &[fds, 0]), 0);
    let (r, w) = (g.peek_u32(fds) as u64, g.peek_u32(fds + 4) as u64);
    assert_eq!(g.call(nr::CLOSE, &[r]), 0);
    assert_eq!(g.call(nr::WRITE, &[w, SCRATCH + 0x10, 1]), err(Errno::EPIPE));
    assert_eq!(g.p.deliver_signals(&mut g.hart, &mut g.mem).map(|d| d.signal), Some(SIGPIPE));
}

#[test]
fn ppoll_reports_ready_descriptors_and_times_out() {
    let mut g = Guest::new();
    let fds = SCRATCH;
    assert_eq!(g.call(nr::PIPE2, &[fds, 0]), 0);
    let (r, w) = (g.peek_u32(fds), g.peek_u32(fds + 4));
    let pfds = SCRATCH + 0x40;
    let zero = SCRATCH + 0x80;
    g.poke(zero, &[0u8; 16]);
    // The empty pipe's read end, stdin given as bytes, a closed number, and
    // an ignored negative fd (POLLIN = 1, POLLHUP = 0x10, POLLNVAL = 0x20).
    let entry = |fd: i32| [fd.to_le_bytes(), [1, 0, 0, 0]].concat();
    g.poke(pfds, &[entry(r as i32), entry(0), entry(77), entry(-1)].concat());
    assert_eq!(g.call(nr::PPOLL, &[pfds, 4, zero, 0, 8]), 2);
    let revents = |g: &mut Guest, i: u64| g.peek(pfds + i * 8 + 6, 2);
    assert_eq!(revents(&mut g, 0), [0, 0]);
    // Bytes left and no writer, as a pipe: POLLIN | POLLHUP.
    assert_eq!(revents(&mut g, 1), [0x11, 0]);
    assert_eq!(revents(&mut g, 2), [0x20, 0]);
    assert_eq!(revents(&mut g, 3), [0, 0]);
    // Data in the pipe makes its read end ready; nothing else polled.
    assert_eq!(g.call(nr::WRITE, &[w as u64, SCRATCH + 0x100, 1]), 1);
    assert_eq!(g.call(nr::PPOLL, &[pfds, 1, zero, 0, 8]), 1);
    assert_eq!(revents(&mut g, 0), [1, 0]);
    // A short timeout with nothing to wait for: 0.
    let ms = SCRATCH + 0x90;
    g.poke(ms, &[0u64.to_le_bytes(), 1_000_000u64.to_le_bytes()].concat());
    assert_eq!(g.call(nr::PPOLL, &[0, 0, ms, 0, 8]), 0);
    assert_eq!(g.call(nr::PPOLL, &[UNMAPPED, 1, zero, 0, 8]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::PPOLL, &[pfds, 1, zero, SCRATCH, 4]), err(Errno::EINVAL));
}
