//! Breakpoints, syscall hooks and watchpoints in the core: where runs stop,
//! what the machine looks like there, and that resuming gives the same
//! result as a run without hooks, under the interpreter, the JIT and auto.
//!
//! count_loop's layout (tests/guest/src/count_loop.S): entry+0 setup (3
//! instructions), entry+12 loop (add, addi, bne), entry+24 andi, addi,
//! ecall (exit with (0 + ... + 999) & 0xff = 44), 3006 instructions.

use std::path::PathBuf;

use vmjit_core::engine::{EngineKind, StopKind, SyscallDecision};
use vmjit_core::linux::{Input, LinuxConfig, Output};
use vmjit_core::mem::Access;
use vmjit_core::Machine;

const ENGINES: [(EngineKind, u32); 3] = [(EngineKind::Interp, 1), (EngineKind::Jit, 1), (EngineKind::Auto, 3)];

fn guest(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/guest/bin").join(name)
}

fn machine(name: &str, engine: EngineKind, threshold: u32) -> Machine {
    let path = guest(name);
    let image = std::fs::read(&path).expect("guest binary");
    let config = LinuxConfig {
        argv: vec![name.as_bytes().to_vec()],
        envp: Vec::new(),
        exec_path: path.to_str().unwrap().as_bytes().to_vec(),
        stdin: Input::Bytes(Vec::new()),
        stdout: Output::Capture,
        stderr: Output::Capture,
    };
    let mut m = Machine::linux(&image, config).expect("load");
    m.set_engine(engine).expect("engine available");
    m.set_jit_threshold(threshold);
    m
}

fn entry(m: &Machine) -> u64 {
    m.hart.pc
}

#[test]
fn a_breakpoint_stops_before_its_instruction_every_time_it_is_reached() {
    for (engine, threshold) in ENGINES {
        let mut m = machine("count_loop", engine, threshold);
        let at = entry(&m) + 12;
        assert!(m.add_breakpoint(at));
        assert!(!m.add_breakpoint(at), "added twice");
        for k in 0..5u64 {
            let stop = m.run(None);
            assert_eq!((stop.kind, stop.pc), (StopKind::Breakpoint, at), "{engine:?} round {k}");
            assert_eq!(m.hart.instret, 3 + 3 * k, "{engine:?}");
            assert_eq!(m.hart.x[5], k, "t0 under {engine:?}");
        }
        assert!(m.remove_breakpoint(at));
        let stop = m.run(None);
        assert_eq!((stop.kind, stop.exit_code), (StopKind::Exited, Some(44)), "{engine:?}");
        assert_eq!(m.hart.instret, 3006, "{engine:?}");
    }
}

#[test]
fn a_breakpoint_added_inside_compiled_code_splits_it() {
    for (engine, threshold) in ENGINES {
        let mut m = machine("count_loop", engine, threshold);
        let loop_pc = entry(&m) + 12;
        // 100 rounds: the loop block is hot (compiled under jit and auto).
        assert_eq!(m.run(Some(3 + 300)).kind, StopKind::Budget);
        if engine != EngineKind::Interp {
            assert!(m.stats().jit_instructions > 0, "{engine:?}: nothing compiled");
        }
        let addi = loop_pc + 4;
        m.add_breakpoint(addi);
        let stop = m.run(None);
        assert_eq!((stop.kind, stop.pc), (StopKind::Breakpoint, addi), "{engine:?}");
        // The add of round 100 ran, its addi did not.
        assert_eq!((m.hart.instret, m.hart.x[5], m.hart.x[11]), (304, 100, 5050), "{engine:?}");
        assert_eq!(m.breakpoints(), vec![addi]);
        m.remove_breakpoint(addi);
        assert_eq!(m.run(None).exit_code, Some(44), "{engine:?}");
        assert_eq!(m.hart.instret, 3006, "{engine:?}");
    }
}

#[test]
fn a_breakpoint_inside_a_compiled_loop_region_stops_there() {
    // page_walk's step loop is three blocks (a branch inside its body):
    // under jit and auto its head is compiled with the other two as one
    // region, which must not run across a breakpoint added in a member.
    let mut at_stop = Vec::new();
    for (engine, threshold) in ENGINES {
        let mut m = machine("page_walk", engine, threshold);
        // `even`, the block the body's branch joins at (tests/guest/src/page_walk.S).
        let join = entry(&m) + 0x20;
        // Into the second pass, whose pages the TLB holds.
        assert_eq!(m.run(Some(10_000)).kind, StopKind::Budget);
        if engine != EngineKind::Interp {
            assert!(m.stats().jit_instructions > 1000, "{engine:?}: the loop is not compiled");
        }
        m.add_breakpoint(join);
        let stop = m.run(None);
        assert_eq!((stop.kind, stop.pc), (StopKind::Breakpoint, join), "{engine:?}");
        at_stop.push((m.hart.instret, m.hart.x[10], m.hart.x[5]));
    }
    assert!(at_stop.windows(2).all(|w| w[0] == w[1]), "{at_stop:?}");
}

#[test]
fn a_budget_of_zero_keeps_the_breakpoint_passed() {
    let mut m = machine("count_loop", EngineKind::Interp, 1);
    let at = entry(&m) + 12;
    m.add_breakpoint(at);
    assert_eq!(m.run(None).kind, StopKind::Breakpoint);
    assert_eq!(m.run(Some(0)).kind, StopKind::Budget);
    // Resumes past it: one more round, then the breakpoint again.
    assert_eq!(m.run(None).kind, StopKind::Breakpoint);
    assert_eq!(m.hart.instret, 6);
}

#[test]
fn a_hooked_syscall_stops_before_its_ecall_and_runs_as_decided() {
    for (engine, threshold) in ENGINES {
        // Not resolved: the same ecall stops again.
        let mut m = machine("count_loop", engine, threshold);
        let ecall = entry(&m) + 32;
        assert!(m.hook_syscall(93, true).unwrap());
        let stop = m.run(None);
        assert_eq!((stop.kind, stop.pc), (StopKind::Syscall, ecall), "{engine:?}");
        assert_eq!((m.hart.x[17], m.hart.x[10], m.hart.instret), (93, 44, 3005), "{engine:?}");
        assert_eq!(m.run(None).kind, StopKind::Syscall);
        // Run with another status: the guest's a0 is what it was for the
        // kernel too, but the exit sees the rewritten one.
        m.resolve_syscall(SyscallDecision::Run([7, 0, 0, 0, 0, 0]), false);
        let stop = m.run(None);
        assert_eq!((stop.kind, stop.exit_code), (StopKind::Exited, Some(7)), "{engine:?}");
        assert_eq!(m.hart.instret, 3006);

        // Emulated: exit does not happen, a0 gets the value, the guest
        // goes on past the end of its code and dies of the fetch.
        let mut m = machine("count_loop", engine, threshold);
        m.hook_syscall(93, true).unwrap();
        m.run(None);
        m.resolve_syscall(SyscallDecision::Return(5), true);
        let stop = m.run(None);
        assert_eq!((stop.kind, stop.pc), (StopKind::SyscallDone, ecall + 4), "{engine:?}");
        let record = m.take_syscall_record().expect("record");
        assert_eq!((record.nr, record.args[0], record.result, record.emulated), (93, 44, Some(5), true));
        assert_eq!(m.hart.x[10], 5);
        assert_eq!(m.run(None).kind, StopKind::Fault);
    }
}

#[test]
fn a_reported_exit_has_no_result() {
    let mut m = machine("count_loop", EngineKind::Interp, 1);
    m.trace_syscalls(true);
    assert_eq!(m.run(None).kind, StopKind::Syscall);
    m.resolve_syscall(SyscallDecision::Run(std::array::from_fn(|i| m.hart.x[10 + i])), true);
    assert_eq!(m.run(None).exit_code, Some(44));
    let record = m.take_syscall_record().expect("record");
    assert_eq!((record.nr, record.result, record.emulated), (93, None, false));
}

#[test]
fn rewritten_write_arguments_leave_the_guest_registers_alone() {
    let mut m = machine("hello", EngineKind::Interp, 1);
    m.hook_syscall(64, true).unwrap();
    let stop = m.run(None);
    assert_eq!(stop.kind, StopKind::Syscall);
    let regs: Vec<u64> = (10..16).map(|i| m.hart.x[i]).collect();
    let mut args: [u64; 6] = std::array::from_fn(|i| regs[i]);
    args[0] = 2;
    m.resolve_syscall(SyscallDecision::Run(args), false);
    m.hook_syscall(64, false).unwrap();
    let stop = m.run(Some(1));
    assert_eq!(stop.kind, StopKind::Budget);
    assert_eq!(m.hart.x[10], regs[2], "write returned the count");
    assert_eq!(m.hart.x[11..16], regs[1..], "a1..a5 as the guest left them");
    assert_eq!(m.run(None).exit_code, Some(0));
    assert_eq!(m.take_output(1), b"");
    assert_eq!(m.take_output(2), b"Hello, world!\n");
}

/// The address of watch_global's `cell.value`: just after its magic bytes.
fn cell_value_addr() -> u64 {
    let image = std::fs::read(guest("watch_global")).unwrap();
    let at = image.windows(8).position(|w| w == b"WATCHME!").expect("magic") as u64;
    load_address(&image, at) + 8
}

/// The address file offset `offset` of an ELF image is loaded at.
fn load_address(image: &[u8], offset: u64) -> u64 {
    let u64_at = |o: usize| u64::from_le_bytes(image[o..o + 8].try_into().unwrap());
    let u16_at = |o: usize| u16::from_le_bytes(image[o..o + 2].try_into().unwrap()) as usize;
    let (phoff, phentsize, phnum) = (u64_at(0x20) as usize, u16_at(0x36), u16_at(0x38));
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        let p_type = u32::from_le_bytes(image[ph..ph + 4].try_into().unwrap());
        let (p_offset, p_vaddr, p_filesz) = (u64_at(ph + 8), u64_at(ph + 16), u64_at(ph + 32));
        if p_type == 1 && p_offset <= offset && offset < p_offset + p_filesz {
            return p_vaddr + offset - p_offset;
        }
    }
    panic!("offset {offset:#x} is not loaded");
}

#[test]
fn a_watch_stops_before_each_watched_store_with_the_value() {
    let addr = cell_value_addr();
    let mut reference = None;
    for (engine, threshold) in ENGINES {
        let mut m = machine("watch_global", engine, threshold);
        let id = m.add_watchpoint(addr, 8, false, true).unwrap();
        let mut seen = Vec::new();
        let stop = loop {
            let stop = m.run(None);
            if stop.kind != StopKind::Watch {
                break stop;
            }
            let hit = m.watch_hit().unwrap();
            assert_eq!((stop.fault_addr, stop.access), (Some(addr), Some(Access::Write)));
            assert_eq!((hit.id, hit.addr, hit.size, hit.access), (id, addr, 8, Access::Write));
            // Before the store: memory still holds the previous value.
            let mut old = [0u8; 8];
            m.mem.peek(addr, &mut old).unwrap();
            seen.push((stop.pc, m.hart.instret, u64::from_le_bytes(old), hit.value));
        };
        assert_eq!(stop.exit_code, Some(0), "{engine:?}");
        assert_eq!(m.take_output(1), b"value=422\n");
        let values: Vec<(u64, u64)> = seen.iter().map(|s| (s.2, s.3)).collect();
        assert_eq!(values, [(1, 4), (4, 14), (14, 45), (45, 139), (139, 422)], "{engine:?}");
        match &reference {
            None => reference = Some((seen, m.hart.instret)),
            Some(r) => assert_eq!(r, &(seen, m.hart.instret), "{engine:?} differs from the interpreter"),
        }
    }
}

#[test]
fn a_read_watch_sees_loads_and_not_stores() {
    let addr = cell_value_addr();
    for (engine, threshold) in ENGINES {
        let mut m = machine("watch_global", engine, threshold);
        let id = m.add_watchpoint(addr, 8, true, false).unwrap();
        let mut values = Vec::new();
        loop {
            let stop = m.run(None);
            if stop.kind != StopKind::Watch {
                assert_eq!(stop.exit_code, Some(0));
                break;
            }
            let hit = m.watch_hit().unwrap();
            assert_eq!(hit.access, Access::Read);
            values.push(hit.value);
            if values.len() == 3 {
                assert!(m.remove_watchpoint(id));
            }
        }
        assert_eq!(values, [1, 4, 14], "{engine:?}");
        assert_eq!(m.take_output(1), b"value=422\n");
    }
}

#[test]
fn hooks_are_refused_where_they_cannot_work() {
    let mut m = machine("count_loop", EngineKind::Interp, 1);
    assert!(m.add_watchpoint(1 << 47, 8, true, false).is_err());
    assert!(m.add_watchpoint(0x1000, 0, true, false).is_err());
    assert!(m.add_watchpoint(0x1000, 8, false, false).is_err());
    assert!(!m.remove_watchpoint(99));
    assert!(!m.remove_breakpoint(0x1234));
}

#[test]
fn breakpoints_drop_only_the_blocks_around_them() {
    let mut m = machine("count_loop", EngineKind::Interp, 1);
    let loop_pc = entry(&m) + 12;
    m.run(Some(3 + 30));
    let decoded = m.stats().blocks_decoded;
    assert_eq!(m.stats().blocks_invalidated, 0);
    // The blocks holding it: the loop's and the first one, which runs
    // from the entry into the loop's first round.
    m.add_breakpoint(loop_pc + 4);
    assert_eq!(m.stats().blocks_invalidated, 2);
    assert_eq!(m.run(None).kind, StopKind::Breakpoint);
    // The loop is now [add] and [addi, bne]: both rebuilt, nothing else.
    assert_eq!(m.stats().blocks_decoded, decoded + 2);
    // Removing it drops the block ending there and the one starting there.
    m.remove_breakpoint(loop_pc + 4);
    assert_eq!(m.stats().blocks_invalidated, 4);
    // A breakpoint where no block lies drops nothing.
    m.add_breakpoint(0x1000);
    assert_eq!(m.stats().blocks_invalidated, 4);
    assert_eq!(m.run(None).exit_code, Some(44));
}
