//! Blocking waits ended by a request to stop the run (interruption.rs):
//! the call is abandoned without effect and, issued again, keeps its
//! deadline.

use std::time::{Duration, Instant};

use super::*;

fn put_timespec(g: &mut Guest, at: u64, sec: i64, nsec: i64) -> u64 {
    let mut b = sec.to_le_bytes().to_vec();
    b.extend_from_slice(&nsec.to_le_bytes());
    g.poke(at, &b);
    at
}

/// Ask `g`'s run to stop after `delay`, from another thread.
fn request_after(g: &Guest, delay: Duration) -> std::thread::JoinHandle<()> {
    let interruption = g.p.interruption();
    std::thread::spawn(move || {
        std::thread::sleep(delay);
        interruption.request();
    })
}

#[test]
fn a_requested_stop_abandons_a_sleep_without_effect() {
    let mut g = Guest::new();
    let ts = put_timespec(&mut g, SCRATCH, 30, 0);
    let waker = request_after(&g, Duration::from_millis(50));
    let t = Instant::now();
    assert_eq!(g.outcome(nr::NANOSLEEP, &[ts, SCRATCH + 16]), SyscallOutcome::Interrupted);
    assert!(t.elapsed() < Duration::from_secs(10));
    waker.join().unwrap();
    // No result in a0 (still the first argument), no time left written.
    assert_eq!(g.hart.x[10], ts);
    assert_eq!(g.peek(SCRATCH + 16, 16), vec![0; 16]);
    // While the request stands, waits are abandoned before they block;
    // calls that do not block still run.
    assert_eq!(g.outcome(nr::NANOSLEEP, &[ts, 0]), SyscallOutcome::Interrupted);
    let zero = put_timespec(&mut g, SCRATCH + 32, 0, 0);
    assert_eq!(g.call(nr::NANOSLEEP, &[zero, 0]), 0);
    assert_eq!(g.call(nr::PPOLL, &[0, 0, zero, 0, 8]), 0);
    g.p.interruption().clear();
    let short = put_timespec(&mut g, SCRATCH + 48, 0, 1_000_000);
    assert_eq!(g.call(nr::NANOSLEEP, &[short, 0]), 0);
}

#[test]
fn a_reissued_sleep_keeps_its_deadline() {
    let mut g = Guest::new();
    let ts = put_timespec(&mut g, SCRATCH, 1, 0);
    let start = Instant::now();
    let waker = request_after(&g, Duration::from_millis(300));
    assert_eq!(g.outcome(nr::NANOSLEEP, &[ts, 0]), SyscallOutcome::Interrupted);
    waker.join().unwrap();
    g.p.interruption().clear();
    assert_eq!(g.call(nr::NANOSLEEP, &[ts, 0]), 0);
    let total = start.elapsed();
    // One second in all, not 0.3 + 1 s: the reissue slept what was left.
    assert!(total >= Duration::from_secs(1), "{total:?}");
    assert!(total < Duration::from_millis(1250), "{total:?}");
    // Another call does not inherit that deadline.
    let t = Instant::now();
    let short = put_timespec(&mut g, SCRATCH + 16, 0, 200_000_000);
    assert_eq!(g.call(nr::NANOSLEEP, &[short, 0]), 0);
    assert!(t.elapsed() >= Duration::from_millis(200));
}

#[test]
fn sigsuspend_abandoned_restores_the_signal_mask() {
    let mut g = Guest::new();
    let blocked = 1u64 << 9;
    g.poke(SCRATCH, &blocked.to_le_bytes());
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[0, SCRATCH, 0, 8]), 0);
    g.poke(SCRATCH + 8, &0u64.to_le_bytes());
    g.p.interruption().request();
    assert_eq!(g.outcome(nr::RT_SIGSUSPEND, &[SCRATCH + 8, 8]), SyscallOutcome::Interrupted);
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[0, 0, SCRATCH + 16, 8]), 0);
    assert_eq!(g.peek_u64(SCRATCH + 16), blocked);
}

#[test]
fn a_requested_stop_ends_a_poll_on_an_empty_pipe() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::PIPE2, &[SCRATCH, 0]), 0);
    let read_end = g.peek_u32(SCRATCH);
    // struct pollfd { int fd; short events; short revents; }
    let mut pfd = read_end.to_le_bytes().to_vec();
    pfd.extend_from_slice(&(libc::POLLIN as u16).to_le_bytes());
    pfd.extend_from_slice(&[0, 0]);
    g.poke(SCRATCH + 8, &pfd);
    let waker = request_after(&g, Duration::from_millis(50));
    assert_eq!(g.outcome(nr::PPOLL, &[SCRATCH + 8, 1, 0, 0, 8]), SyscallOutcome::Interrupted);
    waker.join().unwrap();
    g.p.interruption().clear();
    let zero = put_timespec(&mut g, SCRATCH + 16, 0, 0);
    assert_eq!(g.call(nr::PPOLL, &[SCRATCH + 8, 1, zero, 0, 8]), 0);
}

/// A pipe made by the guest: (read end, write end).
fn guest_pipe(g: &mut Guest, flags: u64) -> (u64, u64) {
    assert_eq!(g.call(nr::PIPE2, &[SCRATCH, flags]), 0);
    (g.peek_u32(SCRATCH) as u64, g.peek_u32(SCRATCH + 4) as u64)
}

#[test]
fn a_requested_stop_abandons_a_read_of_an_empty_pipe_without_effect() {
    let mut g = Guest::new();
    let (read_end, write_end) = guest_pipe(&mut g, 0);
    let buf = SCRATCH + 64;
    let waker = request_after(&g, Duration::from_millis(50));
    let t = Instant::now();
    assert_eq!(g.outcome(nr::READ, &[read_end, buf, 16]), SyscallOutcome::Interrupted);
    assert!(t.elapsed() < Duration::from_secs(10));
    waker.join().unwrap();
    // No result in a0 (still the descriptor), nothing read.
    assert_eq!(g.hart.x[10], read_end);
    g.p.interruption().clear();
    g.poke(SCRATCH + 32, b"hi");
    assert_eq!(g.call(nr::WRITE, &[write_end, SCRATCH + 32, 2]), 2);
    assert_eq!(g.call(nr::READ, &[read_end, buf, 16]), 2);
    assert_eq!(g.peek(buf, 2), b"hi");
}

#[test]
fn a_read_with_data_waiting_runs_even_while_a_stop_is_requested() {
    let mut g = Guest::new();
    let (read_end, write_end) = guest_pipe(&mut g, 0);
    g.poke(SCRATCH + 32, b"ready");
    assert_eq!(g.call(nr::WRITE, &[write_end, SCRATCH + 32, 5]), 5);
    g.p.interruption().refuse_waits();
    assert_eq!(g.call(nr::READ, &[read_end, SCRATCH + 64, 16]), 5);
    assert_eq!(g.peek(SCRATCH + 64, 5), b"ready");
    // Empty again: this read would block, so it is abandoned.
    assert_eq!(g.outcome(nr::READ, &[read_end, SCRATCH + 64, 16]), SyscallOutcome::Interrupted);
}

#[test]
fn a_non_blocking_read_of_an_empty_pipe_still_fails_with_eagain() {
    let mut g = Guest::new();
    let o_nonblock = 0o4000;
    let (read_end, _write_end) = guest_pipe(&mut g, o_nonblock);
    assert_eq!(g.call(nr::READ, &[read_end, SCRATCH + 64, 16]), -11);
}

#[test]
fn a_read_of_a_pipe_whose_writers_closed_returns_end_of_file() {
    let mut g = Guest::new();
    let (read_end, write_end) = guest_pipe(&mut g, 0);
    assert_eq!(g.call(nr::CLOSE, &[write_end]), 0);
    assert_eq!(g.call(nr::READ, &[read_end, SCRATCH + 64, 16]), 0);
}

/// Fill the pipe behind guest descriptor `write_end` (blocking) to the
/// brim; the bytes it took.
fn fill_pipe(g: &mut Guest, write_end: u64) -> i64 {
    let chunk = vec![b'x'; 4096];
    g.poke(SCRATCH + 0x1000, &chunk);
    let mut total = 0;
    g.p.interruption().refuse_waits();
    loop {
        match g.outcome(nr::WRITE, &[write_end, SCRATCH + 0x1000, 4096]) {
            SyscallOutcome::Interrupted => break,
            _ => total += g.hart.x[10] as i64,
        }
    }
    g.p.interruption().clear();
    total
}

#[test]
fn a_requested_stop_abandons_a_write_to_a_full_pipe_without_effect() {
    let mut g = Guest::new();
    let (read_end, write_end) = guest_pipe(&mut g, 0);
    let capacity = fill_pipe(&mut g, write_end);
    assert!(capacity >= 4096, "{capacity}");
    g.poke(SCRATCH + 32, b"more");
    let waker = request_after(&g, Duration::from_millis(50));
    assert_eq!(g.outcome(nr::WRITE, &[write_end, SCRATCH + 32, 4]), SyscallOutcome::Interrupted);
    waker.join().unwrap();
    assert_eq!(g.hart.x[10], write_end);
    g.p.interruption().clear();
    // Room again: the reissued write goes through whole.
    assert_eq!(g.call(nr::READ, &[read_end, SCRATCH + 0x2000, 8192]), 8192);
    assert_eq!(g.call(nr::WRITE, &[write_end, SCRATCH + 32, 4]), 4);
}

#[test]
fn a_write_stopped_after_some_bytes_went_returns_their_count() {
    let mut g = Guest::new();
    let (read_end, write_end) = guest_pipe(&mut g, 0);
    fill_pipe(&mut g, write_end);
    // Room for one page: that much of the two goes, then the wait for
    // more room is stopped and the count comes back.
    assert_eq!(g.call(nr::READ, &[read_end, SCRATCH + 0x4000, 4096]), 4096);
    g.poke(SCRATCH + 0x1000, &[b'y'; 8192]);
    let waker = request_after(&g, Duration::from_millis(50));
    assert_eq!(g.call(nr::WRITE, &[write_end, SCRATCH + 0x1000, 8192]), 4096);
    waker.join().unwrap();
}

#[test]
fn a_non_blocking_write_to_a_full_pipe_still_fails_with_eagain() {
    let mut g = Guest::new();
    let o_nonblock = 0o4000;
    let (_read_end, write_end) = guest_pipe(&mut g, o_nonblock);
    g.poke(SCRATCH + 0x1000, &vec![b'z'; 4096]);
    while g.call(nr::WRITE, &[write_end, SCRATCH + 0x1000, 4096]) > 0 {}
    assert_eq!(g.call(nr::WRITE, &[write_end, SCRATCH + 0x1000, 4096]), -11);
}
