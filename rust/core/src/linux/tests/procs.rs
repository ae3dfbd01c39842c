//! Process calls that need no fork: clone flags that are refused, waits
//! without children, and execve, whose errors leave the old program
//! running and whose success replaces it in place. (Forking runs through
//! the engine: tests/linux_procs.rs.)

use std::os::unix::fs::PermissionsExt;

use super::*;

const PATH: u64 = SCRATCH + 0x8000;
const ARGV: u64 = SCRATCH + 0x9000;
const STR: u64 = SCRATCH + 0xa000;
const O_RDONLY: u64 = 0;
const O_CLOEXEC: u64 = 0o2000000;
const AT_FDCWD: u64 = -100i64 as u64;

#[test]
fn clone_refuses_what_is_not_a_fork() {
    let mut g = Guest::new();
    const VM: u64 = 0x100;
    const SIGHAND: u64 = 0x800;
    const THREAD: u64 = 0x10000;
    const FILES: u64 = 0x400;
    const FS: u64 = 0x200;
    const NEWNS: u64 = 0x20000;
    assert_eq!(g.call(nr::CLONE, &[THREAD | VM]), err(Errno::EINVAL), "thread without sighand");
    assert_eq!(g.call(nr::CLONE, &[SIGHAND]), err(Errno::EINVAL), "sighand without vm");
    assert_eq!(g.call(nr::CLONE, &[NEWNS | FS]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::CLONE, &[THREAD | SIGHAND | VM | 17]), err(Errno::ENOSYS), "a thread");
    assert_eq!(g.call(nr::CLONE, &[VM | 17]), err(Errno::ENOSYS), "shared memory without vfork");
    assert_eq!(g.call(nr::CLONE, &[FILES | 17]), err(Errno::ENOSYS));
    assert_eq!(g.call(nr::CLONE3, &[SCRATCH, 88]), err(Errno::ENOSYS));
    assert!(g.p.unknown_syscalls().is_empty());
}

#[test]
fn waits_without_children() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::WAIT4, &[-1i64 as u64, SCRATCH, 0, 0]), err(Errno::ECHILD));
    assert_eq!(g.call(nr::WAIT4, &[-1i64 as u64, SCRATCH, 1, 0]), err(Errno::ECHILD), "WNOHANG");
    assert_eq!(g.call(nr::WAIT4, &[1, SCRATCH, 0, 0]), err(Errno::ECHILD), "not our child");
    assert_eq!(g.call(nr::WAIT4, &[-1i64 as u64, SCRATCH, 0x40, 0]), err(Errno::EINVAL), "unknown option");
    assert_eq!(g.call(nr::WAITID, &[0, 0, SCRATCH, 4, 0]), err(Errno::ECHILD));
    assert_eq!(g.call(nr::WAITID, &[0, 0, SCRATCH, 1, 0]), err(Errno::EINVAL), "no state asked for");
    assert_eq!(g.call(nr::WAITID, &[9, 0, SCRATCH, 4, 0]), err(Errno::EINVAL), "bad idtype");
    let pgid = g.call(nr::GETPGID, &[0]);
    assert_eq!(pgid, unsafe { libc::getpgid(0) } as i64);
    assert_eq!(g.call(nr::GETSID, &[0]), unsafe { libc::getsid(0) } as i64);
}

/// Put a NULL-terminated argv of `args` at ARGV.
fn put_argv(g: &mut Guest, args: &[&str]) -> u64 {
    let mut at = STR;
    for (i, a) in args.iter().enumerate() {
        g.cstr(at, a);
        g.poke(ARGV + 8 * i as u64, &at.to_le_bytes());
        at += a.len() as u64 + 1;
    }
    g.poke(ARGV + 8 * args.len() as u64, &0u64.to_le_bytes());
    ARGV
}

fn write_file(path: &std::path::Path, data: &[u8], mode: u32) {
    std::fs::write(path, data).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn execve_errors_keep_the_old_program() {
    let dir = temp_dir("exec-err");
    let mut g = Guest::new();
    let pc = g.hart.pc;
    let argv = put_argv(&mut g, &["x"]);
    let exec = |g: &mut Guest, path: &str| {
        let p = g.cstr(PATH, path);
        g.call(nr::EXECVE, &[p, argv, 0])
    };
    assert_eq!(exec(&mut g, dir.join("missing").to_str().unwrap()), err(Errno::ENOENT));
    assert_eq!(exec(&mut g, dir.to_str().unwrap()), err(Errno::EACCES), "a directory");
    let garbage = dir.join("garbage");
    write_file(&garbage, b"\x7fELF and nothing more", 0o644);
    assert_eq!(exec(&mut g, garbage.to_str().unwrap()), err(Errno::EACCES), "not executable");
    std::fs::set_permissions(&garbage, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(exec(&mut g, garbage.to_str().unwrap()), err(Errno::ENOEXEC));
    let mut x86 = image::ElfBuilder::minimal();
    x86.machine = 62;
    let foreign = dir.join("x86");
    write_file(&foreign, &x86.build(), 0o755);
    assert_eq!(exec(&mut g, foreign.to_str().unwrap()), err(Errno::ENOEXEC), "another architecture");
    let script = dir.join("script");
    write_file(&script, format!("#!{}\n", dir.join("nowhere").display()).as_bytes(), 0o755);
    assert_eq!(exec(&mut g, script.to_str().unwrap()), err(Errno::ENOENT), "missing interpreter");
    let p = g.cstr(PATH, script.to_str().unwrap());
    assert_eq!(g.call(nr::EXECVE, &[p, UNMAPPED, 0]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::EXECVEAT, &[AT_FDCWD, p, argv, 0, 0x1]), err(Errno::EINVAL), "unknown flag");
    assert_eq!(g.hart.pc, pc);
}

#[test]
fn execve_replaces_the_program_in_place() {
    let dir = temp_dir("exec-ok");
    let prog = dir.join("prog");
    let mut b = image::ElfBuilder::minimal();
    b.entry += 4;
    write_file(&prog, &b.build(), 0o755);
    let script = dir.join("script");
    write_file(&script, format!("#! {} -flag \n", prog.display()).as_bytes(), 0o755);

    let mut g = Guest::new();
    let keep = g.cstr(PATH, "/");
    let kept = g.call(nr::OPENAT, &[AT_FDCWD, keep, O_RDONLY]);
    let closed = g.call(nr::OPENAT, &[AT_FDCWD, keep, O_RDONLY | O_CLOEXEC]);
    g.hart.instret = 1234;
    let argv = put_argv(&mut g, &["name", "arg"]);
    let p = g.cstr(PATH, script.to_str().unwrap());
    assert_eq!(g.outcome(nr::EXECVE, &[p, argv, 0]), SyscallOutcome::Exec);
    assert_eq!(g.hart.pc, b.entry);
    assert_eq!(g.hart.instret, 1234, "the retired count goes on");
    // The scratch mappings of the old program are gone.
    assert!(g.mem.region_at(SCRATCH).is_none());
    // argv as binfmt_script builds it; /proc/self/exe is the interpreter.
    let sp = g.hart.x[2];
    let argc = g.peek_u64(sp);
    assert_eq!(argc, 4);
    let arg = |g: &mut Guest, i: u64| {
        let at = g.peek_u64(sp + 8 + 8 * i);
        let mut s = Vec::new();
        for k in 0.. {
            match g.peek(at + k, 1)[0] {
                0 => break,
                c => s.push(c),
            }
        }
        String::from_utf8(s).unwrap()
    };
    let got: Vec<String> = (0..argc).map(|i| arg(&mut g, i)).collect();
    let want = [prog.to_str().unwrap(), "-flag", script.to_str().unwrap(), "arg"];
    assert_eq!(got, want);
    assert_eq!(g.p.exe, std::fs::canonicalize(&prog).unwrap().to_str().unwrap().as_bytes());
    assert!(g.p.fds.get(kept as u64).is_ok());
    assert_eq!(g.p.fds.get(closed as u64).err(), Some(Errno::EBADF));

    // /proc/self/exe runs the current program again.
    g.mem.map(SCRATCH, SCRATCH_LEN, crate::mem::Perms::RW, "scratch").unwrap();
    let argv = put_argv(&mut g, &["again"]);
    let p = g.cstr(PATH, "/proc/self/exe");
    assert_eq!(g.outcome(nr::EXECVE, &[p, argv, 0]), SyscallOutcome::Exec);
    assert_eq!(g.hart.pc, b.entry);
    assert_eq!(g.peek_u64(g.hart.x[2]), 1, "argc");
}
