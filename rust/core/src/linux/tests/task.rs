//! prctl and wait4 of a process without children.

use super::*;

const PR_GET_DUMPABLE: u64 = 3;
const PR_SET_DUMPABLE: u64 = 4;
const PR_SET_NAME: u64 = 15;
const PR_GET_NAME: u64 = 16;
const PR_SET_NO_NEW_PRIVS: u64 = 38;
const PR_GET_NO_NEW_PRIVS: u64 = 39;

#[test]
fn task_name_starts_as_the_program_base_name() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_NAME, SCRATCH]), 0);
    assert_eq!(g.peek(SCRATCH, 16), b"prog\0\0\0\0\0\0\0\0\0\0\0\0");
}

#[test]
fn task_name_is_cut_to_fifteen_bytes() {
    let mut g = Guest::new();
    let name = g.cstr(SCRATCH + 0x100, "a-rather-long-thread-name");
    assert_eq!(g.call(nr::PRCTL, &[PR_SET_NAME, name]), 0);
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_NAME, SCRATCH]), 0);
    assert_eq!(g.peek(SCRATCH, 16), b"a-rather-long-t\0");
    let short = g.cstr(SCRATCH + 0x200, "io");
    assert_eq!(g.call(nr::PRCTL, &[PR_SET_NAME, short]), 0);
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_NAME, SCRATCH]), 0);
    assert_eq!(g.peek(SCRATCH, 16), b"io\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
}

#[test]
fn task_name_bad_pointers() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::PRCTL, &[PR_SET_NAME, UNMAPPED]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_NAME, UNMAPPED]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_NAME, READONLY]), err(Errno::EFAULT));
    // A name ending (with its NUL) just before unmapped memory is fine;
    // one that runs into it without a NUL is not.
    let end = READONLY + 0x1000;
    g.poke(end - 3, b"ab\0");
    assert_eq!(g.call(nr::PRCTL, &[PR_SET_NAME, end - 3]), 0);
    g.poke(end - 3, b"abc");
    assert_eq!(g.call(nr::PRCTL, &[PR_SET_NAME, end - 3]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_NAME, SCRATCH]), 0);
    assert_eq!(g.peek(SCRATCH, 3), b"ab\0");
}

#[test]
fn no_new_privs_can_only_be_set() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0]), 0);
    assert_eq!(g.call(nr::PRCTL, &[PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::PRCTL, &[PR_SET_NO_NEW_PRIVS, 1, 0, 0, 1]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::PRCTL, &[PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0]), 0);
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0]), 1);
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0]), err(Errno::EINVAL));
}

#[test]
fn dumpable_flag_and_unknown_options() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_DUMPABLE]), 1);
    assert_eq!(g.call(nr::PRCTL, &[PR_SET_DUMPABLE, 0]), 0);
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_DUMPABLE]), 0);
    assert_eq!(g.call(nr::PRCTL, &[PR_SET_DUMPABLE, 2]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::PRCTL, &[PR_GET_DUMPABLE]), 0);
    assert_eq!(g.call(nr::PRCTL, &[9999]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::PRCTL, &[u64::MAX, 1, 2, 3, 4]), err(Errno::EINVAL));
    assert!(g.p.unknown_syscalls().is_empty());
}

#[test]
fn wait4_without_children() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::WAIT4, &[-1i64 as u64, SCRATCH, 0, 0]), err(Errno::ECHILD));
    assert_eq!(g.call(nr::WAIT4, &[0, 0, 1, 0]), err(Errno::ECHILD), "WNOHANG");
    assert_eq!(g.call(nr::WAIT4, &[12345, SCRATCH, 0x4000_0000, SCRATCH + 64]), err(Errno::ECHILD));
    assert_eq!(g.call(nr::WAIT4, &[-1i64 as u64, SCRATCH, 0x100, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::WAIT4, &[i32::MIN as u32 as u64, SCRATCH, 0, 0]), err(Errno::ESRCH));
    // Nothing is written when there is nothing to report.
    assert_eq!(g.peek(SCRATCH, 4), [0; 4]);
}

#[test]
fn landlock_is_declined_without_counting() {
    let mut g = Guest::new();
    for n in [444, 445, 446] {
        assert_eq!(g.call(n, &[0, 0, 1]), err(Errno::ENOSYS));
    }
    assert!(g.p.unknown_syscalls().is_empty());
}
