//! The initial stack: argc, argv, envp, auxv and the strings.

use super::*;
use crate::linux::layout::STACK_TOP;

/// Read the NUL-terminated string at `addr`.
fn string_at(g: &mut Guest, addr: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut a = addr;
    loop {
        let b = g.peek(a, 1)[0];
        if b == 0 {
            return out;
        }
        out.push(b);
        a += 1;
    }
}

#[test]
fn argc_argv_envp() {
    let mut g = Guest::new();
    let sp = g.hart.x[2];
    assert_eq!(g.peek_u64(sp), 2);
    let argv0 = g.peek_u64(sp + 8);
    let argv1 = g.peek_u64(sp + 16);
    assert_eq!(string_at(&mut g, argv0), b"/bin/prog");
    assert_eq!(string_at(&mut g, argv1), b"arg one");
    assert_eq!(g.peek_u64(sp + 24), 0);
    let env0 = g.peek_u64(sp + 32);
    let env1 = g.peek_u64(sp + 40);
    assert_eq!(string_at(&mut g, env0), b"HOME=/home/guest");
    assert_eq!(string_at(&mut g, env1), b"LANG=C");
    assert_eq!(g.peek_u64(sp + 48), 0);
    // The strings lie in order above the tables, below the top 8 zero
    // bytes: argv strings, envp strings, then the executable's path.
    assert!(argv0 < argv1 && argv1 < env0 && env0 < env1);
    assert_eq!(argv1, argv0 + 10);
    assert_eq!(g.peek(STACK_TOP - 8, 8), [0; 8]);
    let execfn_len = b"/bin/prog\0".len() as u64;
    assert_eq!(env1 + 7 + execfn_len, STACK_TOP - 8);
}

/// The auxv as found on the stack after envp's NULL.
fn stack_auxv(g: &mut Guest) -> Vec<(u64, u64)> {
    let sp = g.hart.x[2];
    let argc = g.peek_u64(sp);
    let mut at = sp + 8 * (argc + 2);
    while g.peek_u64(at) != 0 {
        at += 8;
    }
    at += 8;
    let mut auxv = Vec::new();
    loop {
        let (k, v) = (g.peek_u64(at), g.peek_u64(at + 8));
        auxv.push((k, v));
        at += 16;
        if k == 0 {
            return auxv;
        }
    }
}

#[test]
fn auxv_values() {
    let mut g = Guest::new();
    let auxv = stack_auxv(&mut g);
    assert_eq!(auxv, g.p.auxv());
    let get = |k: u64| auxv.iter().find(|e| e.0 == k).map(|e| e.1);
    let ids = host::ids();
    assert_eq!(get(3), Some(0x10040), "AT_PHDR");
    assert_eq!(get(4), Some(56), "AT_PHENT");
    assert_eq!(get(5), Some(3), "AT_PHNUM");
    assert_eq!(get(6), Some(4096), "AT_PAGESZ");
    assert_eq!(get(7), Some(0), "AT_BASE");
    assert_eq!(get(8), Some(0), "AT_FLAGS");
    assert_eq!(get(9), Some(0x11000), "AT_ENTRY");
    assert_eq!(get(11), Some(ids.uid as u64), "AT_UID");
    assert_eq!(get(12), Some(ids.euid as u64), "AT_EUID");
    assert_eq!(get(13), Some(ids.gid as u64), "AT_GID");
    assert_eq!(get(14), Some(ids.egid as u64), "AT_EGID");
    assert_eq!(get(16), Some(0x112d), "AT_HWCAP");
    assert_eq!(HWCAP_RV64GC, 0x112d);
    assert_eq!(get(17), Some(100), "AT_CLKTCK");
    assert_eq!(get(23), Some(0), "AT_SECURE");
    assert_eq!(auxv.last(), Some(&(0, 0)));
    let execfn = get(AT_EXECFN).unwrap();
    assert_eq!(string_at(&mut g, execfn), b"/bin/prog");
    let random = get(AT_RANDOM).unwrap();
    assert_eq!(random % 16, 0);
    let bytes = g.peek(random, 16);
    // 16 random bytes: all zero has probability 2^-128.
    assert!(bytes.iter().any(|&b| b != 0));
    // They lie between the auxv and the strings.
    let argv0 = g.peek_u64(g.hart.x[2] + 8);
    assert!(random + 16 <= argv0);
}

#[test]
fn random_bytes_differ_between_processes() {
    let mut a = Guest::new();
    let mut b = Guest::new();
    let ra = a.p.auxv().iter().find(|e| e.0 == AT_RANDOM).unwrap().1;
    let rb = b.p.auxv().iter().find(|e| e.0 == AT_RANDOM).unwrap().1;
    assert_ne!(a.peek(ra, 16), b.peek(rb, 16));
}

#[test]
fn sp_is_aligned_for_any_argument_count() {
    for n in 0..6 {
        let mut cfg = config();
        cfg.argv = (0..n).map(|i| vec![b'a'; i + 1]).collect();
        cfg.envp = (0..(5 - n)).map(|i| vec![b'e'; i * 3]).collect();
        let mut g = Guest::with_config(cfg);
        let sp = g.hart.x[2];
        assert_eq!(sp % 16, 0);
        assert_eq!(g.peek_u64(sp), n as u64);
        let auxv = stack_auxv(&mut g);
        assert_eq!(auxv, g.p.auxv());
    }
}

#[test]
fn empty_argv_and_envp() {
    let mut cfg = config();
    cfg.argv.clear();
    cfg.envp.clear();
    let mut g = Guest::with_config(cfg);
    let sp = g.hart.x[2];
    assert_eq!(g.peek_u64(sp), 0);
    assert_eq!(g.peek_u64(sp + 8), 0);
    assert_eq!(g.peek_u64(sp + 16), 0);
    assert_eq!(g.peek_u64(sp + 24), 16, "AT_HWCAP comes first");
}
