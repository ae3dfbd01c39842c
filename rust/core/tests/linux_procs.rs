//! Processes: fork, wait4 statuses, pipelines, execve, posix_spawn,
//! vfork and #! scripts, through tests/linux_data/bin/procs (source and
//! Makefile there) with captured output, under the interpreter and the
//! JIT. The expected bytes (linux_data/expected/procs.stdout), children's
//! output included, are what qemu-riscv64 prints (`make check`); the
//! program orders its output with waits.

use std::path::PathBuf;
use std::sync::Mutex;

use vmjit_core::engine::{EngineKind, StopKind};
use vmjit_core::linux::{Input, LinuxConfig, LinuxOptions, Output};
use vmjit_core::Machine;

/// Recorded with `make check` in tests/linux_data.
const EXPECTED: &str = include_str!("linux_data/expected/procs.stdout");

fn program() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/linux_data/bin/procs")
}

fn config(exec_path: &[u8]) -> LinuxConfig {
    LinuxConfig {
        argv: vec![b"procs".to_vec()],
        envp: vec![b"PATH=/bin".to_vec()],
        exec_path: exec_path.to_vec(),
        stdin: Input::Bytes(Vec::new()),
        stdout: Output::Capture,
        stderr: Output::Capture,
    }
}

/// Held while a test's guest runs. A guest's fork is a fork of the whole
/// test process, so a child forked by one test would hold open the pipes
/// of a guest of the other running beside it, and readers waiting for
/// their end of file would wait forever: the tests take turns.
static FORKING: Mutex<()> = Mutex::new(());

/// Run to the end in budget slices, as the Python bridge does, so a child
/// forked in one slice must still run to its own end.
fn run(m: &mut Machine) -> (i32, String, String) {
    let _turn = FORKING.lock().unwrap_or_else(|e| e.into_inner());
    let stop = loop {
        let stop = m.run(Some(200_000));
        if stop.kind != StopKind::Budget {
            break stop;
        }
    };
    assert_eq!(stop.kind, StopKind::Exited, "{}", stop.message);
    let out = String::from_utf8(m.take_output(1)).unwrap();
    let err = String::from_utf8(m.take_output(2)).unwrap();
    (stop.exit_code.unwrap(), out, err)
}

#[test]
fn processes_behave_as_under_qemu() {
    let path = program();
    let image = std::fs::read(&path).unwrap();
    for engine in [EngineKind::Interp, EngineKind::Jit] {
        let mut m = Machine::linux(&image, config(path.to_str().unwrap().as_bytes())).unwrap();
        if m.set_engine(engine).is_err() {
            continue;
        }
        let (status, out, err) = run(&mut m);
        assert_eq!(err, "", "{engine:?}");
        assert_eq!(out, EXPECTED, "{engine:?}");
        assert_eq!(status, 0);
        assert!(m.process().expect("a Linux machine").unknown_syscalls().is_empty(), "{:?}", m.process().expect("a Linux machine").unknown_syscalls());
    }
}

/// The same program confined to a root holding only itself: the execs of
/// itself and of its script find it inside.
#[test]
fn processes_inside_a_root() {
    let root = std::env::temp_dir().join(format!("vmjit-procs-root-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join("bin")).unwrap();
    std::fs::create_dir_all(root.join("tmp")).unwrap();
    std::fs::copy(program(), root.join("bin/procs")).unwrap();
    let image = std::fs::read(root.join("bin/procs")).unwrap();
    let options = LinuxOptions { root: Some(root.clone()), ..LinuxOptions::default() };
    let mut m = Machine::linux_with(&image, config(b"/bin/procs"), &options).unwrap();
    let (status, out, _) = run(&mut m);
    assert_eq!(out, EXPECTED);
    assert_eq!(status, 0);
    // The scratch files went to the root's /tmp and were removed there.
    assert_eq!(std::fs::read_dir(root.join("tmp")).unwrap().count(), 0);
    std::fs::remove_dir_all(&root).unwrap();
}
