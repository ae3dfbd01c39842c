//! Process-wide calls: exit, unknown numbers, ids, time, limits,
//! signals, futexes.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::*;

#[test]
fn exit_and_exit_group() {
    let mut g = Guest::new();
    assert_eq!(g.outcome(nr::EXIT, &[3]), SyscallOutcome::Exit(3));
    assert_eq!(g.outcome(nr::EXIT_GROUP, &[0]), SyscallOutcome::Exit(0));
    // The status is the low 8 bits, as a parent sees it.
    assert_eq!(g.outcome(nr::EXIT_GROUP, &[256 + 7]), SyscallOutcome::Exit(7));
    assert_eq!(g.outcome(nr::EXIT_GROUP, &[-1i64 as u64]), SyscallOutcome::Exit(255));
}

#[test]
fn unknown_syscalls_are_enosys_and_counted() {
    let mut g = Guest::new();
    assert_eq!(g.call(500, &[]), err(Errno::ENOSYS));
    assert_eq!(g.call(500, &[1, 2, 3]), err(Errno::ENOSYS));
    assert_eq!(g.call(u64::MAX, &[]), err(Errno::ENOSYS));
    assert_eq!(g.call(1000, &[]), err(Errno::ENOSYS), "beyond the table");
    // rseq is known and declined: ENOSYS, not counted.
    assert_eq!(g.call(nr::RSEQ, &[SCRATCH, 32, 0, 0]), err(Errno::ENOSYS));
    let got: Vec<(u64, u64)> = g.p.unknown_syscalls().iter().map(|(&k, &v)| (k, v)).collect();
    assert_eq!(got, vec![(500, 2), (1000, 1), (u64::MAX, 1)]);
}

#[test]
fn flush_icache() {
    let mut g = Guest::new();
    g.hart.x[10] = 77;
    assert_eq!(g.outcome(nr::RISCV_FLUSH_ICACHE, &[0, u64::MAX, 0]), SyscallOutcome::FlushIcache);
    assert_eq!(g.hart.x[10], 0);
    assert_eq!(g.outcome(nr::RISCV_FLUSH_ICACHE, &[0, 0, 1]), SyscallOutcome::FlushIcache);
    assert_eq!(g.call(nr::RISCV_FLUSH_ICACHE, &[0, 0, 2]), err(Errno::EINVAL));
}

#[test]
fn ids() {
    let mut g = Guest::new();
    let h = host::ids();
    assert_eq!(g.call(nr::GETPID, &[]), h.pid as i64);
    assert_eq!(g.call(nr::GETTID, &[]), h.pid as i64);
    assert_eq!(g.call(nr::GETPPID, &[]), h.ppid as i64);
    assert_eq!(g.call(nr::GETUID, &[]), h.uid as i64);
    assert_eq!(g.call(nr::GETEUID, &[]), h.euid as i64);
    assert_eq!(g.call(nr::GETGID, &[]), h.gid as i64);
    assert_eq!(g.call(nr::GETEGID, &[]), h.egid as i64);
    assert_eq!(g.call(nr::SET_TID_ADDRESS, &[SCRATCH]), h.pid as i64);
    assert_eq!(g.call(nr::SET_ROBUST_LIST, &[SCRATCH, 24]), 0);
    assert_eq!(g.call(nr::SET_ROBUST_LIST, &[SCRATCH, 16]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::GET_ROBUST_LIST, &[0, SCRATCH + 0x100, SCRATCH + 0x108]), 0);
    assert_eq!(g.peek_u64(SCRATCH + 0x100), SCRATCH);
    assert_eq!(g.peek_u64(SCRATCH + 0x108), 24);
}

fn field(g: &mut Guest, i: u64) -> String {
    let b = g.peek(SCRATCH + i * 65, 65);
    String::from_utf8(b.into_iter().take_while(|&c| c != 0).collect()).unwrap()
}

#[test]
fn uname() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::UNAME, &[SCRATCH]), 0);
    assert_eq!(field(&mut g, 0), "Linux");
    assert_eq!(field(&mut g, 1).as_bytes(), host::nodename());
    assert_eq!(field(&mut g, 2), "6.6.0");
    assert_eq!(field(&mut g, 4), "riscv64");
    assert_eq!(g.call(nr::UNAME, &[READONLY]), err(Errno::EFAULT));
}

fn timespec(g: &mut Guest, at: u64) -> (i64, i64) {
    (g.peek_u64(at) as i64, g.peek_u64(at + 8) as i64)
}

#[test]
fn clocks() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::CLOCK_GETTIME, &[0, SCRATCH]), 0);
    let (sec, nsec) = timespec(&mut g, SCRATCH);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((now - sec).abs() <= 2);
    assert!((0..1_000_000_000).contains(&nsec));
    assert_eq!(g.call(nr::CLOCK_GETTIME, &[1, SCRATCH]), 0);
    let m1 = timespec(&mut g, SCRATCH);
    assert_eq!(g.call(nr::CLOCK_GETTIME, &[1, SCRATCH]), 0);
    let m2 = timespec(&mut g, SCRATCH);
    assert!(m2 >= m1);
    for clock in [2, 3, 4, 5, 6, 7, 11] {
        assert_eq!(g.call(nr::CLOCK_GETTIME, &[clock, SCRATCH]), 0, "clock {clock}");
    }
    assert_eq!(g.call(nr::CLOCK_GETTIME, &[10, SCRATCH]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::CLOCK_GETTIME, &[-6i64 as u64, SCRATCH]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::CLOCK_GETTIME, &[1, UNMAPPED]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::CLOCK_GETRES, &[1, SCRATCH]), 0);
    assert_eq!(timespec(&mut g, SCRATCH), host::clock_getres(libc::CLOCK_MONOTONIC).unwrap());
    assert_eq!(g.call(nr::CLOCK_GETRES, &[1, 0]), 0);
    assert_eq!(g.call(nr::CLOCK_GETRES, &[99, 0]), err(Errno::EINVAL));

    assert_eq!(g.call(nr::GETTIMEOFDAY, &[SCRATCH, SCRATCH + 16]), 0);
    let (sec, usec) = timespec(&mut g, SCRATCH);
    assert!((now - sec).abs() <= 2);
    assert!((0..1_000_000).contains(&usec));
    assert_eq!(g.peek(SCRATCH + 16, 8), [0; 8]);
    assert_eq!(g.call(nr::GETTIMEOFDAY, &[0, 0]), 0);
}

fn put_timespec(g: &mut Guest, at: u64, sec: i64, nsec: i64) -> u64 {
    let mut b = sec.to_le_bytes().to_vec();
    b.extend_from_slice(&nsec.to_le_bytes());
    g.poke(at, &b);
    at
}

#[test]
fn sleeping() {
    let mut g = Guest::new();
    let ts = put_timespec(&mut g, SCRATCH, 0, 2_000_000);
    let t = Instant::now();
    assert_eq!(g.call(nr::NANOSLEEP, &[ts, 0]), 0);
    assert!(t.elapsed() >= Duration::from_millis(2));
    let bad = put_timespec(&mut g, SCRATCH + 16, 0, 1_000_000_000);
    assert_eq!(g.call(nr::NANOSLEEP, &[bad, 0]), err(Errno::EINVAL));
    let neg = put_timespec(&mut g, SCRATCH + 32, -1, 0);
    assert_eq!(g.call(nr::NANOSLEEP, &[neg, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::NANOSLEEP, &[UNMAPPED, 0]), err(Errno::EFAULT));
    // clock_nanosleep, relative and absolute (a time in the past returns
    // at once).
    let t = Instant::now();
    assert_eq!(g.call(nr::CLOCK_NANOSLEEP, &[1, 0, ts, 0]), 0);
    assert!(t.elapsed() >= Duration::from_millis(2));
    let past = put_timespec(&mut g, SCRATCH + 48, 1, 0);
    assert_eq!(g.call(nr::CLOCK_NANOSLEEP, &[1, 1, past, 0]), 0);
    assert_eq!(g.call(nr::CLOCK_NANOSLEEP, &[3, 0, ts, 0]), err(Errno::EINVAL));
}

#[test]
fn getrandom() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::GETRANDOM, &[SCRATCH, 64, 0]), 64);
    let a = g.peek(SCRATCH, 64);
    assert_eq!(g.call(nr::GETRANDOM, &[SCRATCH, 64, 1]), 64);
    assert_ne!(a, g.peek(SCRATCH, 64));
    assert_eq!(g.call(nr::GETRANDOM, &[SCRATCH, 0, 0]), 0);
    assert_eq!(g.call(nr::GETRANDOM, &[SCRATCH, 8, 8]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::GETRANDOM, &[SCRATCH, 8, 6]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::GETRANDOM, &[UNMAPPED, 8, 0]), err(Errno::EFAULT));
    // Up to the end of the writable memory.
    assert_eq!(g.call(nr::GETRANDOM, &[READONLY - 5, 100, 0]), 5);
}

#[test]
fn resource_limits() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::PRLIMIT64, &[0, 3, 0, SCRATCH]), 0);
    assert_eq!(g.peek_u64(SCRATCH), 8 << 20, "RLIMIT_STACK is the stack's size");
    assert_eq!(g.call(nr::GETRLIMIT, &[7, SCRATCH]), 0);
    assert_eq!(g.peek_u64(SCRATCH), 1024, "RLIMIT_NOFILE");
    let hard = g.peek_u64(SCRATCH + 8);
    assert!(hard >= 1024);
    // Lowering NOFILE limits the descriptors.
    g.poke(SCRATCH + 0x100, &[5u64.to_le_bytes(), hard.to_le_bytes()].concat());
    assert_eq!(g.call(nr::PRLIMIT64, &[0, 7, SCRATCH + 0x100, SCRATCH + 0x200]), 0);
    assert_eq!(g.peek_u64(SCRATCH + 0x200), 1024, "old value");
    assert_eq!(g.call(nr::DUP, &[1]), 3);
    assert_eq!(g.call(nr::DUP, &[1]), 4);
    assert_eq!(g.call(nr::DUP, &[1]), err(Errno::EMFILE));
    // Soft above hard.
    g.poke(SCRATCH + 0x100, &[10u64.to_le_bytes(), 5u64.to_le_bytes()].concat());
    assert_eq!(g.call(nr::SETRLIMIT, &[7, SCRATCH + 0x100]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::PRLIMIT64, &[1, 7, 0, SCRATCH]), err(Errno::ESRCH));
    assert_eq!(g.call(nr::PRLIMIT64, &[0, 16, 0, SCRATCH]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::GETRLIMIT, &[3, UNMAPPED]), err(Errno::EFAULT));
    let me = host::ids().pid as u64;
    assert_eq!(g.call(nr::PRLIMIT64, &[me, 4, 0, SCRATCH]), 0);
}

#[test]
fn sysinfo_and_affinity() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::SYSINFO, &[SCRATCH]), 0);
    assert!(g.peek_u64(SCRATCH + 32) > 0, "totalram");
    assert!(g.peek_u32(SCRATCH + 104) > 0, "mem_unit");
    assert_eq!(g.call(nr::SCHED_GETAFFINITY, &[0, 128, SCRATCH]), 8);
    assert_eq!(g.peek_u64(SCRATCH), 1);
    assert_eq!(g.call(nr::SCHED_GETAFFINITY, &[0, 4, SCRATCH]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::SCHED_GETAFFINITY, &[12345678, 8, SCRATCH]), err(Errno::ESRCH));
    assert_eq!(g.call(nr::SCHED_YIELD, &[]), 0);
    assert_eq!(g.call(nr::GETRUSAGE, &[0, SCRATCH]), 0);
    assert_eq!(g.call(nr::GETRUSAGE, &[5, SCRATCH]), err(Errno::EINVAL));
}

#[test]
fn rt_sigaction_records_handlers() {
    let mut g = Guest::new();
    // SIGUSR1 (10): handler 0x11000, SA_SIGINFO, mask with SIGKILL.
    let act = SCRATCH;
    g.poke(act, &[0x11000u64.to_le_bytes(), 4u64.to_le_bytes(), ((1u64 << 8) | 2).to_le_bytes()].concat());
    assert_eq!(g.call(nr::RT_SIGACTION, &[10, act, SCRATCH + 0x100, 8]), 0);
    assert_eq!(g.peek(SCRATCH + 0x100, 24), [0; 24], "SIG_DFL before");
    assert_eq!(g.call(nr::RT_SIGACTION, &[10, 0, SCRATCH + 0x100, 8]), 0);
    assert_eq!(g.peek_u64(SCRATCH + 0x100), 0x11000);
    assert_eq!(g.peek_u64(SCRATCH + 0x108), 4);
    assert_eq!(g.peek_u64(SCRATCH + 0x110), 2, "SIGKILL dropped from the mask");
    assert_eq!(g.call(nr::RT_SIGACTION, &[9, act, 0, 8]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::RT_SIGACTION, &[9, 0, SCRATCH + 0x100, 8]), 0, "reading SIGKILL's is fine");
    assert_eq!(g.call(nr::RT_SIGACTION, &[0, 0, 0, 8]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::RT_SIGACTION, &[65, 0, 0, 8]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::RT_SIGACTION, &[10, act, 0, 4]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::RT_SIGACTION, &[10, UNMAPPED, 0, 8]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::RT_SIGACTION, &[10, 0, READONLY, 8]), err(Errno::EFAULT));
}

#[test]
fn rt_sigprocmask_records_the_mask() {
    let mut g = Guest::new();
    let set = SCRATCH;
    let old = SCRATCH + 8;
    g.poke(set, &(0b1010u64 | (1 << 8)).to_le_bytes());
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[0, set, old, 8]), 0);
    assert_eq!(g.peek_u64(old), 0);
    g.poke(set, &0b0110u64.to_le_bytes());
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[0, set, old, 8]), 0);
    assert_eq!(g.peek_u64(old), 0b1010, "SIGKILL cannot be blocked");
    g.poke(set, &0b0010u64.to_le_bytes());
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[1, set, old, 8]), 0);
    assert_eq!(g.peek_u64(old), 0b1110);
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[2, set, old, 8]), 0);
    assert_eq!(g.peek_u64(old), 0b1100);
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[0, 0, old, 8]), 0);
    assert_eq!(g.peek_u64(old), 0b0010);
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[7, set, old, 8]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[0, set, old, 16]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::RT_SIGPROCMASK, &[0, UNMAPPED, 0, 8]), err(Errno::EFAULT));
}

#[test]
fn sigaltstack() {
    let mut g = Guest::new();
    let old = SCRATCH + 0x100;
    assert_eq!(g.call(nr::SIGALTSTACK, &[0, old]), 0);
    assert_eq!(g.peek_u32(old + 8), 2, "SS_DISABLE");
    let ss = SCRATCH;
    g.poke(ss, &[0x5000_0000u64.to_le_bytes(), 0u64.to_le_bytes(), 0x4000u64.to_le_bytes()].concat());
    assert_eq!(g.call(nr::SIGALTSTACK, &[ss, 0]), 0);
    assert_eq!(g.call(nr::SIGALTSTACK, &[0, old]), 0);
    assert_eq!(g.peek_u64(old), 0x5000_0000);
    assert_eq!(g.peek_u32(old + 8), 0);
    assert_eq!(g.peek_u64(old + 16), 0x4000);
    g.poke(ss + 16, &100u64.to_le_bytes());
    assert_eq!(g.call(nr::SIGALTSTACK, &[ss, 0]), err(Errno::ENOMEM));
    g.poke(ss + 8, &9u32.to_le_bytes());
    assert_eq!(g.call(nr::SIGALTSTACK, &[ss, 0]), err(Errno::EINVAL));
    g.poke(ss + 8, &2u32.to_le_bytes());
    assert_eq!(g.call(nr::SIGALTSTACK, &[ss, 0]), 0);
    assert_eq!(g.call(nr::SIGALTSTACK, &[0, old]), 0);
    assert_eq!(g.peek_u32(old + 8), 2);
}

#[test]
fn futex_single_thread() {
    let mut g = Guest::new();
    let word = SCRATCH;
    g.poke(word, &5u32.to_le_bytes());
    let private = 128;
    assert_eq!(g.call(nr::FUTEX, &[word, private, 6]), err(Errno::EAGAIN));
    assert_eq!(g.call(nr::FUTEX, &[word, private, 5]), err(Errno::EINTR), "nobody could wake it");
    let ts = put_timespec(&mut g, SCRATCH + 0x100, 0, 1_000_000);
    let t = Instant::now();
    assert_eq!(g.call(nr::FUTEX, &[word, private, 5, ts]), err(Errno::ETIMEDOUT));
    assert!(t.elapsed() >= Duration::from_millis(1));
    assert_eq!(g.call(nr::FUTEX, &[word, 1 | private, 1]), 0, "WAKE");
    assert_eq!(g.call(nr::FUTEX, &[word + 1, 1, 1]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::FUTEX, &[UNMAPPED, 0, 1]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::FUTEX, &[word, 9, 5, 0, 0, 0]), err(Errno::EINVAL), "WAIT_BITSET, empty set");
    assert_eq!(g.call(nr::FUTEX, &[word, 4, 1, 0, 0, 6]), err(Errno::EAGAIN), "CMP_REQUEUE");
    assert_eq!(g.call(nr::FUTEX, &[word, 6, 0]), err(Errno::ENOSYS), "LOCK_PI");
    // WAKE_OP: FUTEX_OP_ADD 3 on the second word.
    let word2 = SCRATCH + 4;
    g.poke(word2, &10u32.to_le_bytes());
    let op = (1u64 << 28) | (3 << 12);
    assert_eq!(g.call(nr::FUTEX, &[word, 5, 1, 1, word2, op]), 0);
    assert_eq!(g.peek_u32(word2), 13);
    assert_eq!(g.p.unknown_syscalls().len(), 0);
}

#[test]
fn riscv_hwprobe() {
    let mut g = Guest::new();
    let pairs = SCRATCH;
    for (i, key) in [3u64, 4, 7, 99, 0].iter().enumerate() {
        g.poke(pairs + 16 * i as u64, &[key.to_le_bytes(), [0xff; 8]].concat());
    }
    assert_eq!(g.call(nr::RISCV_HWPROBE, &[pairs, 5, 0, 0, 0]), 0);
    let got: Vec<(u64, u64)> = (0..5).map(|i| (g.peek_u64(pairs + 16 * i), g.peek_u64(pairs + 16 * i + 8))).collect();
    assert_eq!(got, vec![(3, 1), (4, 3), (7, 0x3f_ffff_ffff), (u64::MAX, 0), (0, 0)]);
    assert_eq!(g.call(nr::RISCV_HWPROBE, &[pairs, 1, 0, 0, 1]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::RISCV_HWPROBE, &[UNMAPPED, 1, 0, 0, 0]), err(Errno::EFAULT));
    g.poke(SCRATCH + 0x100, &[1]);
    assert_eq!(g.call(nr::RISCV_HWPROBE, &[pairs, 1, 8, SCRATCH + 0x100, 0]), 0);
    g.poke(SCRATCH + 0x100, &[2]);
    assert_eq!(g.call(nr::RISCV_HWPROBE, &[pairs, 1, 8, SCRATCH + 0x100, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::RISCV_HWPROBE, &[pairs, 0, 0, 0, 0]), 0);
}

/// Random arguments never make a syscall panic. Calls that change host
/// files or sleep are left out; everything else gets hostile values.
#[test]
fn hostile_arguments_never_panic() {
    let skip = [
        nr::OPENAT,
        nr::MKDIRAT,
        nr::UNLINKAT,
        nr::RENAMEAT2,
        nr::SYMLINKAT,
        nr::LINKAT,
        nr::FCHMODAT,
        nr::FCHMODAT2,
        nr::FCHOWNAT,
        nr::UTIMENSAT,
        nr::TRUNCATE,
        nr::NANOSLEEP,
        nr::CLOCK_NANOSLEEP,
        nr::FUTEX,
        // Wait for a signal or a file descriptor, which may never come.
        nr::RT_SIGSUSPEND,
        nr::RT_SIGTIMEDWAIT,
        nr::PPOLL,
    ];
    // Every implemented number, and a few that are not.
    let numbers: Vec<u64> = (0..500)
        .filter(|&n| matches!(syscalls::lookup(n), syscalls::Action::Call(_)))
        .chain([nr::EXIT_GROUP, nr::RISCV_FLUSH_ICACHE, 1000, u64::MAX])
        .filter(|n| !skip.contains(n))
        .collect();
    let pool = [
        0,
        1,
        2,
        3,
        8,
        24,
        4096,
        SCRATCH,
        SCRATCH + SCRATCH_LEN - 3,
        READONLY,
        UNMAPPED,
        u64::MAX,
        u64::MAX - 4095,
        -100i64 as u64,
        0x7fff_ffff,
        1 << 40,
        0x10000,
    ];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut g = Guest::new();
    for _ in 0..50_000 {
        let nr = numbers[(next() % numbers.len() as u64) as usize];
        let mut args = [0u64; 6];
        for a in &mut args {
            *a = match next() % 4 {
                0 => next(),
                1 => next() % 0x2000,
                _ => pool[(next() % pool.len() as u64) as usize],
            };
        }
        // Scribble on the scratch area now and then so that structures
        // read from it vary (it may have been unmapped by now).
        if next() % 8 == 0 {
            let at = SCRATCH + next() % (SCRATCH_LEN - 8);
            let _ = g.mem.poke(at, &next().to_le_bytes());
        }
        let _ = g.outcome(nr, &args);
        // Keep the standard streams: later calls should have descriptors.
        if g.p.fds.get(1).is_err() {
            g = Guest::new();
        }
    }
}
