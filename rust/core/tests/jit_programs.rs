//! Every guest program of tests/guest (with the arguments, environment and
//! stdin its expected files were recorded with: tests/guest/cases.py) runs
//! under the interpreter and under the JIT with identical output, exit
//! status and instruction count, matching the recorded expectation; plus
//! the self-modifying `memops` program.

use std::path::{Path, PathBuf};

use vmjit_core::engine::{EngineKind, StopKind};
use vmjit_core::linux::{Input, LinuxConfig, Output};
use vmjit_core::Machine;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

struct Case {
    name: &'static str,
    program: &'static str,
    args: &'static [&'static str],
    env: &'static [&'static str],
    stdin: &'static [u8],
    needs_dir: bool,
}

const fn case(name: &'static str, program: &'static str) -> Case {
    Case { name, program, args: &[], env: &[], stdin: b"", needs_dir: false }
}

/// Mirrors CASES in tests/guest/cases.py.
fn cases() -> Vec<Case> {
    vec![
        case("hello", "hello"),
        case("demo_hello", "demo_hello"),
        Case { args: &["exit"], ..case("exit_exit", "exit_codes") },
        Case { args: &["return"], ..case("exit_return", "exit_codes") },
        Case { args: &["_exit"], ..case("exit__exit", "exit_codes") },
        case("exit_usage", "exit_codes"),
        Case {
            args: &["one", "two words", "", "--flag=x"],
            env: &["VMJIT_TEST=some value", "LANG=C"],
            ..case("args", "args")
        },
        case("args_none", "args"),
        Case { stdin: b"Hello, stdin!\nsecond line\x00\xff\n", ..case("upcase", "upcase") },
        case("isa_int", "isa_int"),
        case("isa_amo", "isa_amo"),
        case("compressed", "compressed"),
        case("count_loop", "count_loop"),
        case("page_walk", "page_walk"),
        case("fp", "fp"),
        Case { needs_dir: true, ..case("sys_files", "sys_files") },
        Case { needs_dir: true, ..case("sys_misc", "sys_misc") },
        Case { args: &["10"], ..case("bench", "bench") },
        Case { args: &["10"], ..case("fpbench", "fpbench") },
        case("watch_global", "watch_global"),
        case("bad_illegal", "bad_illegal"),
        case("bad_ebreak", "bad_ebreak"),
        case("bad_jump", "bad_jump"),
        case("bad_load", "bad_load"),
        case("bad_store_text", "bad_store_text"),
        case("bad_stack", "bad_stack"),
        case("bad_wild_write", "bad_wild_write"),
    ]
}

#[derive(Debug, PartialEq)]
struct Outcome {
    stdout: Vec<u8>,
    status: i32,
    instret: u64,
    pc: u64,
}

fn run(path: &Path, argv_tail: &[String], env: &[&str], stdin: &[u8], engine: EngineKind, threshold: u32) -> (Outcome, vmjit_core::engine::Stats) {
    let image = std::fs::read(path).expect("guest binary");
    let mut argv = vec![path.to_str().unwrap().as_bytes().to_vec()];
    argv.extend(argv_tail.iter().map(|a| a.as_bytes().to_vec()));
    let config = LinuxConfig {
        argv,
        envp: env.iter().map(|e| e.as_bytes().to_vec()).collect(),
        exec_path: path.to_str().unwrap().as_bytes().to_vec(),
        stdin: Input::Bytes(stdin.to_vec()),
        stdout: Output::Capture,
        stderr: Output::Capture,
    };
    let mut m = Machine::linux(&image, config).expect("load");
    m.set_engine(engine).expect("engine available");
    m.set_jit_threshold(threshold);
    let stop = m.run(Some(2_000_000_000));
    assert_ne!(stop.kind, StopKind::Budget, "{}", path.display());
    let out = Outcome {
        stdout: m.take_output(1),
        status: stop.exit_code.expect("exit status"),
        instret: m.hart.instret,
        pc: stop.pc,
    };
    (out, m.stats())
}

fn workdir(name: &str, engine: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("vmjit-jit-{}-{name}-{engine}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn guest_programs_agree_between_interpreter_and_jit() {
    let guest = repo().join("tests/guest");
    for c in cases() {
        let path = guest.join("bin").join(c.program);
        let expected_out = std::fs::read(guest.join("expected").join(format!("{}.out", c.name))).unwrap();
        let expected_status: i32 =
            std::fs::read_to_string(guest.join("expected").join(format!("{}.status", c.name))).unwrap().trim().parse().unwrap();
        let mut results = Vec::new();
        for (label, engine, threshold) in
            [("interp", EngineKind::Interp, 1), ("jit", EngineKind::Jit, 1), ("auto", EngineKind::Auto, 3)]
        {
            let mut tail: Vec<String> = Vec::new();
            let dir = workdir(c.name, &format!("{:?}", engine as u8));
            if c.needs_dir {
                tail.push(dir.to_str().unwrap().to_string());
            }
            tail.extend(c.args.iter().map(|s| s.to_string()));
            let (out, stats) = run(&path, &tail, c.env, c.stdin, engine, threshold);
            let _ = std::fs::remove_dir_all(&dir);
            assert_eq!(out.stdout, expected_out, "{} under {label}: stdout", c.name);
            assert_eq!(out.status, expected_status, "{} under {label}: status", c.name);
            if engine == EngineKind::Jit {
                assert!(stats.blocks_compiled > 0, "{}: nothing compiled", c.name);
                assert!(stats.jit_instructions > 0, "{}: nothing ran compiled", c.name);
            }
            assert_eq!(stats.instructions, stats.interp_instructions + stats.jit_instructions);
            results.push(out);
        }
        assert_eq!(results[0], results[1], "{}: interp vs jit", c.name);
        assert_eq!(results[0], results[2], "{}: interp vs auto", c.name);
    }
}

#[test]
fn self_modifying_memops_agrees() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/linux_data/bin/memops");
    let (a, _) = run(&path, &[], &[], b"", EngineKind::Interp, 1);
    let (b, s) = run(&path, &[], &[], b"", EngineKind::Jit, 1);
    assert_eq!(a, b);
    assert!(s.blocks_compiled > 0);
    assert!(s.code_invalidated > 0, "generated code replaced compiled blocks: {s:?}");
}

#[test]
fn a_full_code_cache_is_flushed_and_the_guest_runs_on() {
    let path = repo().join("tests/guest/bin/bench");
    let image = std::fs::read(&path).unwrap();
    let config = LinuxConfig::captured(&["bench", "10"]);
    let mut m = Machine::linux(&image, config).unwrap();
    m.set_engine(EngineKind::Jit).unwrap();
    m.set_code_cache_limit(64 * 1024);
    let stop = m.run(Some(100_000_000));
    assert_eq!(stop.exit_code, Some(0));
    let expected = std::fs::read(repo().join("tests/guest/expected/bench.out")).unwrap();
    assert_eq!(m.take_output(1), expected);
    let s = m.stats();
    assert!(s.code_cache_flushes > 0, "{s:?}");
    assert!(s.code_invalidated > 0);
}

#[test]
fn the_interpreter_stays_the_default() {
    let image = std::fs::read(repo().join("tests/guest/bin/hello")).unwrap();
    let config = LinuxConfig::captured(&["hello"]);
    let mut m = Machine::linux(&image, config).unwrap();
    assert_eq!(m.engine(), EngineKind::Interp);
    m.run(None);
    let s = m.stats();
    assert_eq!((s.blocks_compiled, s.jit_instructions), (0, 0));
    assert_eq!(s.interp_instructions, s.instructions);
}

/// Give `b` the AT_RANDOM bytes of `a` (the loader draws them from the
/// host), so that the two guests compute exactly the same values.
fn same_random_bytes(a: &mut Machine, b: &mut Machine) {
    let at = |m: &Machine| m.process().unwrap().auxv().iter().find(|e| e.0 == vmjit_core::linux::AT_RANDOM).unwrap().1;
    let (ra, rb) = (at(a), at(b));
    assert_eq!(ra, rb);
    let mut buf = [0u8; 16];
    a.mem.peek(ra, &mut buf).unwrap();
    b.mem.poke(rb, &buf).unwrap();
}

#[test]
fn budget_stops_are_exact_under_the_jit() {
    // Stop the bench every 997 instructions: each stop lands on exactly
    // that count, with the same pc and registers as the interpreter.
    let path = repo().join("tests/guest/bin/bench");
    let image = std::fs::read(&path).unwrap();
    let mk = |engine| {
        let config = LinuxConfig::captured(&["bench", "2"]);
        let mut m = Machine::linux(&image, config).unwrap();
        m.set_engine(engine).unwrap();
        m
    };
    let (mut i, mut j) = (mk(EngineKind::Interp), mk(EngineKind::Jit));
    same_random_bytes(&mut i, &mut j);
    loop {
        let (si, sj) = (i.run(Some(997)), j.run(Some(997)));
        assert_eq!(si, sj);
        assert_eq!(i.hart.instret, j.hart.instret);
        assert_eq!(i.hart.x, j.hart.x);
        assert_eq!(i.hart.f, j.hart.f);
        if si.kind != StopKind::Budget {
            break;
        }
    }
    assert!(j.stats().chain_hits > 0);
}

/// page_walk misses the TLB on most accesses (a page stride over 600
/// pages), loops through regions of several blocks and faults inside one:
/// stopped every 331 instructions, the JIT (compiling at once, or once
/// blocks ran twice) agrees with the interpreter on every stop, registers,
/// instruction count and the fault included.
#[test]
fn tlb_misses_regions_and_a_fault_in_a_region_match_the_interpreter() {
    let path = repo().join("tests/guest/bin/page_walk");
    let image = std::fs::read(&path).unwrap();
    let mk = |engine| {
        let config = LinuxConfig::captured(&["page_walk"]);
        let mut m = Machine::linux(&image, config).unwrap();
        m.set_engine(engine).unwrap();
        m.set_jit_threshold(2);
        m
    };
    for engine in [EngineKind::Jit, EngineKind::Auto] {
        let mut j = mk(engine);
        let mut i = mk(EngineKind::Interp);
        loop {
            let (si, sj) = (i.run(Some(331)), j.run(Some(331)));
            assert_eq!(si, sj, "{engine:?}");
            assert_eq!(i.hart.instret, j.hart.instret, "{engine:?}");
            assert_eq!(i.hart.x, j.hart.x, "{engine:?} at {:#x}", si.pc);
            if si.kind != StopKind::Budget {
                assert_eq!(si.kind, StopKind::Fault, "{engine:?}");
                break;
            }
        }
        assert_eq!(i.take_output(1), j.take_output(1));
        let s = j.stats();
        assert!(s.jit_instructions > s.instructions / 2, "{engine:?}: {s:?}");
        // Regions chain to one another through the pc table too.
        assert!(s.chain_hits > 0, "{engine:?}: {s:?}");
    }
    // The TLB keeps all 600 pages: run whole, the interpreter misses once
    // per page for reads and once for writes in the first pass only.
    let mut whole = mk(EngineKind::Interp);
    assert_eq!(whole.run(None).kind, StopKind::Fault);
    let misses = whole.stats().tlb_misses;
    assert!((1200..1220).contains(&misses), "{misses} TLB misses");
}
