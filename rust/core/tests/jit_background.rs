//! Background compilation: the guest interprets a hot block while its
//! region compiles, and the code is installed between blocks only if the
//! block is unchanged. The compiles are held back and released at chosen
//! instruction counts, so each test sets up the race it names whatever
//! the compiler threads' timing, and checks the guest against the
//! interpreter (output, exit status, instruction count, registers).
//!
//! tests/guest/bin/count_loop: entry+12 `add a1, a1, t0`, entry+16
//! `addi t0, t0, 1`, entry+20 `bne t0, t1, loop` for 1000 iterations, then
//! it exits with the sum's low byte (44).

use std::path::PathBuf;

use vmjit_core::engine::{EngineKind, StopKind, StopReason};
use vmjit_core::linux::LinuxConfig;
use vmjit_core::Machine;

/// Runs of a block before it is queued.
const THRESHOLD: u32 = 4;
/// `sub a1, a1, t0`: patched over the loop's `add a1, a1, t0`.
const SUB_A1_A1_T0: u32 = 0x4055_85b3;
/// The instructions after which the loop is hot and queued, well before
/// it ends.
const HOT: u64 = 3 + 3 * 50;
/// Instructions run after a change while the first compile is still
/// held: enough loop runs to queue the changed loop too, whose region
/// search decodes the exit block, so new blocks take the dropped blocks'
/// slots in the cache.
const AFTER: u64 = 3 * (THRESHOLD as u64 + 2);

fn count_loop(engine: EngineKind) -> Machine {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/guest/bin/count_loop");
    let image = std::fs::read(&path).expect("guest binary");
    let config = LinuxConfig::captured(&["count_loop"]);
    let mut m = Machine::linux(&image, config).expect("load");
    m.set_engine(engine).expect("engine available");
    m.set_jit_threshold(THRESHOLD);
    m.set_background_compile(true);
    m
}

fn entry(m: &Machine) -> u64 {
    let auxv = m.process().unwrap().auxv();
    auxv.iter().find(|e| e.0 == vmjit_core::linux::AT_ENTRY).unwrap().1
}

/// Run both machines `HOT` instructions, apply `change` to both, run both
/// `AFTER` more, then to the end; the auto machine's compiles are held
/// until after the change and then waited for. Returns the auto machine and the common stop.
fn race(change: impl Fn(&mut Machine)) -> (Machine, StopReason) {
    let mut interp = count_loop(EngineKind::Interp);
    let mut auto = count_loop(EngineKind::Auto);
    auto.hold_compiles(true);
    assert_eq!(interp.run(Some(HOT)), auto.run(Some(HOT)));
    change(&mut interp);
    change(&mut auto);
    // The guest runs on before the result comes back: the changed code is
    // decoded again and queued.
    assert_eq!(interp.run(Some(AFTER)), auto.run(Some(AFTER)));
    auto.hold_compiles(false);
    auto.wait_for_compiles();
    // Bounded: stale code installed could loop for ever.
    let (si, sa) = (interp.run(Some(1_000_000)), auto.run(Some(1_000_000)));
    assert_eq!(si, sa);
    assert_eq!(interp.hart.instret, auto.hart.instret);
    assert_eq!(interp.hart.x, auto.hart.x);
    let s = auto.stats();
    assert_eq!(s.instructions, s.interp_instructions + s.jit_instructions);
    (auto, sa)
}

#[test]
fn a_finished_compile_is_installed_between_blocks() {
    let (m, stop) = race(|_| {});
    assert_eq!((stop.kind, stop.exit_code), (StopKind::Exited, Some(44)));
    let s = m.stats();
    assert_eq!(s.compiles_discarded, 0, "{s:?}");
    assert!(s.blocks_compiled > 0, "{s:?}");
    assert!(s.jit_instructions > 2000, "the rest of the loop ran compiled: {s:?}");
}

#[test]
fn a_store_to_the_code_discards_the_pending_compile() {
    let (m, stop) = race(|m| {
        let at = entry(m) + 12;
        m.mem.poke(at, &SUB_A1_A1_T0.to_le_bytes()).unwrap();
    });
    // 0..=49 added, then 50..=999 subtracted: the patched code ran.
    let sum = (0..50i64).sum::<i64>() - (50..1000).sum::<i64>();
    assert_eq!(stop.exit_code, Some((sum & 0xff) as i32));
    let s = m.stats();
    assert!(s.compiles_discarded > 0, "{s:?}");
}

#[test]
fn a_flush_of_the_code_cache_discards_the_pending_compile() {
    let (m, stop) = race(|m| m.flush_code_cache());
    assert_eq!(stop.exit_code, Some(44));
    assert!(m.stats().compiles_discarded > 0);
}

#[test]
fn a_breakpoint_in_the_queued_region_discards_it() {
    let mut interp = count_loop(EngineKind::Interp);
    let mut auto = count_loop(EngineKind::Auto);
    auto.hold_compiles(true);
    interp.run(Some(HOT));
    auto.run(Some(HOT));
    let bne = entry(&auto) + 20;
    interp.add_breakpoint(bne);
    auto.add_breakpoint(bne);
    auto.hold_compiles(false);
    auto.wait_for_compiles();
    for _ in 0..3 {
        let (si, sa) = (interp.run(None), auto.run(None));
        assert_eq!(si, sa);
        assert_eq!(sa.kind, StopKind::Breakpoint);
        assert_eq!(sa.pc, bne);
        assert_eq!(interp.hart.x, auto.hart.x);
        assert_eq!(interp.hart.instret, auto.hart.instret);
    }
    assert!(auto.stats().compiles_discarded > 0);
}

#[test]
fn results_are_the_same_without_holding_the_compiler() {
    // Whenever the compiles finish, budgets stay exact and the guest's
    // state at each stop is the interpreter's.
    let mut interp = count_loop(EngineKind::Interp);
    let mut auto = count_loop(EngineKind::Auto);
    loop {
        let (si, sa) = (interp.run(Some(37)), auto.run(Some(37)));
        assert_eq!(si, sa);
        assert_eq!(interp.hart.x, auto.hart.x);
        assert_eq!(interp.hart.instret, auto.hart.instret);
        if si.kind != StopKind::Budget {
            assert_eq!(si.exit_code, Some(44));
            break;
        }
    }
}

#[test]
fn a_machine_dropped_with_compiles_in_flight_leaves_the_others_working() {
    for _ in 0..8 {
        let mut m = count_loop(EngineKind::Auto);
        m.run(Some(HOT));
        drop(m);
    }
    let (m, stop) = race(|_| {});
    assert_eq!(stop.exit_code, Some(44));
    assert!(m.stats().blocks_compiled > 0);
}

#[test]
fn a_real_program_compiled_in_the_background_matches_the_interpreter() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/guest/bin/bench");
    let image = std::fs::read(&path).unwrap();
    let run = |engine| {
        let config = LinuxConfig::captured(&["bench", "3"]);
        let mut m = Machine::linux(&image, config).unwrap();
        m.set_engine(engine).unwrap();
        m.set_jit_threshold(THRESHOLD);
        m.set_background_compile(true);
        let stop = m.run(Some(1_000_000_000));
        (stop.kind, stop.exit_code, m.hart.instret, m.take_output(1), m.stats())
    };
    let (ki, ci, ni, oi, _) = run(EngineKind::Interp);
    let (ka, ca, na, oa, s) = run(EngineKind::Auto);
    assert_eq!((ki, ci, ni, &oi), (ka, ca, na, &oa));
    assert_eq!(ci, Some(0));
    assert_eq!(s.instructions, s.interp_instructions + s.jit_instructions);
}
