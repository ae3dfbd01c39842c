//! The bare-metal programs of tests/system_data run on a system-mode
//! machine. Each reports through HTIF: exit code 0 is a pass, any other
//! code names the check that failed (see the program's source).
//!
//! Every program runs on each engine (the interpreter, the JIT compiling
//! every block, and `auto` tiering up after a few runs), and the engines
//! must agree exactly: stop, console output, registers, retired
//! instructions and trap CSRs.

use vmjit_core::engine::{EngineKind, Machine, StopKind, StopReason};
use vmjit_core::system::SystemConfig;

const BUDGET: u64 = 10_000_000;

/// The engines every program runs on, with the JIT threshold of `auto`
/// (low, so that blocks change tier in the middle of each program).
const ENGINES: [(EngineKind, u32); 3] = [(EngineKind::Interp, 1), (EngineKind::Jit, 1), (EngineKind::Auto, 4)];

/// What a run leaves that a program can observe, compared across engines.
#[derive(Debug, PartialEq)]
struct Observed {
    stop: StopReason,
    output: Vec<u8>,
    x: [u64; 32],
    pc: u64,
    instret: u64,
    privilege: u8,
    /// mcause, mepc, mtval, scause, sepc, stval, mstatus, satp.
    csrs: [u64; 8],
}

fn observe(m: &mut Machine, stop: StopReason) -> Observed {
    let output = m.take_output(1);
    let c = &m.board().expect("a board").csrs;
    let csrs = [c.mcause, c.mepc, c.mtval, c.scause, c.sepc, c.stval, c.mstatus, c.satp];
    let privilege = c.privilege;
    Observed { stop, output, x: m.hart.x, pc: m.hart.pc, instret: m.hart.instret, privilege, csrs }
}

/// A machine running `name` on `engine`.
fn machine_on(name: &str, input: &[u8], (engine, threshold): (EngineKind, u32)) -> Machine {
    let mut m = machine(name, input);
    m.set_engine(engine).expect("the engine is available");
    m.set_jit_threshold(threshold);
    m
}

/// Run `name` on every engine with `budget`; all must observe the same.
/// Returns the stop and output, and the machine that ran on the JIT.
fn run_everywhere(name: &str, input: &[u8], budget: u64) -> (StopReason, Vec<u8>, Machine) {
    let mut seen: Vec<(EngineKind, Observed, Machine)> = Vec::new();
    for engine in ENGINES {
        let mut m = machine_on(name, input, engine);
        let stop = m.run(Some(budget));
        seen.push((engine.0, observe(&mut m, stop), m));
    }
    let (_, reference, _) = &seen[0];
    for (engine, o, _) in &seen[1..] {
        assert_eq!(o, reference, "{name}: {engine:?} differs from the interpreter");
    }
    let (_, o, m) = seen.swap_remove(1);
    (o.stop, o.output, m)
}

fn image(file: &str) -> Vec<u8> {
    let path = format!("{}/tests/system_data/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn machine(name: &str, input: &[u8]) -> Machine {
    let config = SystemConfig { memory: 16 << 20, harts: 1, input: input.to_vec(), bootargs: None };
    Machine::system(&image(&format!("{name}.elf")), config).expect("the image loads")
}

fn run_with(name: &str, input: &[u8]) -> (StopReason, Vec<u8>, Machine) {
    run_everywhere(name, input, BUDGET)
}

/// Run `name` on every engine and require a pass; the JIT's machine.
fn pass(name: &str) -> (Vec<u8>, Machine) {
    let (stop, out, m) = run_with(name, b"");
    assert_eq!((stop.kind, stop.exit_code), (StopKind::Exited, Some(0)), "{name}: {}", stop.message);
    (out, m)
}

#[test]
fn htif_console_and_pass() {
    let (out, _) = pass("htif_pass");
    assert_eq!(out, b"htif says hi\n");
}

#[test]
fn htif_fail_reports_its_code() {
    let (stop, _, _) = run_with("htif_fail", b"");
    assert_eq!(stop.kind, StopKind::Exited);
    assert_eq!(stop.exit_code, Some(21));
}

#[test]
fn uart_output_and_input() {
    let (stop, out, _) = run_with("uart", b"abc");
    assert_eq!((stop.kind, stop.exit_code), (StopKind::Exited, Some(0)), "{}", stop.message);
    assert_eq!(out, b"uart: ABC");
}

#[test]
fn plic_claim_complete_threshold_and_delegation() {
    let (out, _) = pass("plic");
    assert_eq!(out, b"MS");
}

#[test]
fn uart_receive_interrupts_through_the_plic() {
    let (stop, out, _) = run_with("uart_irq", b"hello");
    assert_eq!((stop.kind, stop.exit_code), (StopKind::Exited, Some(0)), "{}", stop.message);
    assert_eq!(out, b"HELLO");
}

#[test]
fn uart_receive_interrupt_never_comes_without_input() {
    // Nothing can arrive: the hart sleeps in wfi with no source to wake it.
    let (stop, out, _) = run_with("uart_irq", b"hi");
    assert_eq!(stop.kind, StopKind::Halted, "{}", stop.message);
    assert!(stop.message.contains("wfi"), "{}", stop.message);
    assert_eq!(out, b"HI");
}

#[test]
fn machine_csrs_and_exceptions() {
    pass("csr");
}

#[test]
fn pmp_registers_are_accepted() {
    pass("pmp");
}

#[test]
fn privilege_modes_ecall_and_delegation() {
    pass("modes");
}

#[test]
fn software_and_timer_interrupts() {
    pass("interrupts");
}

#[test]
fn mtime_advances_while_polled() {
    pass("mtime_poll");
}

#[test]
fn sv39_pages_permissions_and_superpages() {
    let (_, m) = pass("sv39");
    let s = m.stats();
    assert!(s.tlb_hits > 0 && s.tlb_misses > 0, "{s:?}");
}

#[test]
fn asid_tagged_tlb_and_every_sfence_form() {
    let (_, m) = pass("asid");
    let s = m.stats();
    // The walks the program's comments count: satp switches back to an
    // earlier address space refill from the second-level TLB, and fences
    // naming an ASID keep the global gigapage.
    assert_eq!(s.page_walks, 9, "{s:?}");
    assert_eq!(s.tlb_l2_misses, 9, "{s:?}");
    assert!(s.tlb_l2_hits > 9, "{s:?}");
}

#[test]
fn sv48_pages_and_terapages() {
    pass("sv48");
}

#[test]
fn entry_registers() {
    let m = machine("htif_pass", b"");
    assert_eq!(m.hart.pc, 0x8000_0000);
    // The device tree at the top of the 16 MiB of RAM, 2 MiB aligned.
    assert_eq!((m.hart.x[10], m.hart.x[11]), (0, 0x80e0_0000));
    let board = m.board().unwrap();
    assert_eq!(board.fdt_addr, 0x80e0_0000);
    assert_eq!(board.csrs.privilege, 3);
}

#[test]
fn device_tree_address_in_a1() {
    let (out, m) = pass("fdt");
    let board = m.board().unwrap();
    let expected = format!("{:x} {:x}\n", board.fdt_addr, board.fdt_size);
    assert_eq!(String::from_utf8_lossy(&out), expected);
}

#[test]
fn device_tree_in_a_small_ram() {
    // 1 MiB of RAM: the 2 MiB-aligned spot would lie on the image, so the
    // blob goes to the top of RAM, 8-byte aligned.
    let config = SystemConfig { memory: 1 << 20, ..SystemConfig::default() };
    let mut m = Machine::system(&image("fdt.elf"), config).unwrap();
    let board = m.board().unwrap();
    let (addr, size) = (board.fdt_addr, board.fdt_size);
    assert_eq!(addr, (0x8010_0000 - size) & !7);
    assert_eq!(m.hart.x[11], addr);
    let stop = m.run(Some(BUDGET));
    assert_eq!(stop.exit_code, Some(0), "{}", stop.message);
    // A raw image filling all of RAM leaves no room.
    let full = vec![0x13u8; 4096];
    let config = SystemConfig { memory: 4096, ..SystemConfig::default() };
    let err = Machine::system(&full, config).err().expect("no room");
    assert!(err.to_string().contains("device tree"), "{err}");
}

#[test]
fn trap_vector_into_nothing_halts() {
    let (stop, _, m) = run_everywhere("bad_vector", b"", 1000);
    assert_eq!(stop.kind, StopKind::Halted);
    assert_eq!(stop.pc, 0x100);
    assert!(stop.message.contains("trap loop"), "{}", stop.message);
    let csrs = &m.board().unwrap().csrs;
    assert_eq!((csrs.mcause, csrs.mtval, csrs.mepc), (1, 0x100, 0x100));
}

#[test]
fn root_page_table_outside_ram_is_an_access_fault() {
    pass("bad_satp");
}

#[test]
fn raw_binary_prints_and_halts_in_wfi() {
    for (engine, _) in ENGINES {
        let mut m = Machine::system(&image("raw_uart.bin"), SystemConfig::default()).unwrap();
        m.set_engine(engine).unwrap();
        let stop = m.run(Some(BUDGET));
        assert_eq!(stop.kind, StopKind::Halted, "{engine:?}: {}", stop.message);
        assert_eq!(m.take_output(1), b"raw\n");
        // A halted machine stays halted.
        assert_eq!(m.run(Some(10)).kind, StopKind::Halted);
    }
}

#[test]
fn image_larger_than_ram_is_refused() {
    let config = SystemConfig { memory: 4096, ..SystemConfig::default() };
    let err = Machine::system(&image("sv39.elf"), config).err().expect("does not fit");
    assert!(err.to_string().contains("does not fit in RAM"), "{err}");
    let config = SystemConfig { memory: 1000, ..SystemConfig::default() };
    assert!(Machine::system(&image("htif_pass.elf"), config).is_err());
    let truncated = &image("htif_pass.elf")[..100];
    let err = Machine::system(truncated, SystemConfig::default()).err().expect("truncated");
    assert!(err.to_string().contains("bad boot image"), "{err}");
}

#[test]
fn budget_is_exact_and_runs_resume() {
    // Stopping every 7 instructions (inside blocks, between a trap and its
    // handler, ...) changes nothing the program can check.
    for engine in ENGINES {
        for name in ["sv39", "jit_satp"] {
            let mut m = machine_on(name, b"", engine);
            let mut steps = 0;
            loop {
                let stop = m.run(Some(7));
                steps += 1;
                if stop.kind != StopKind::Budget {
                    assert_eq!(stop.exit_code, Some(0), "{name} on {engine:?}: {}", stop.message);
                    break;
                }
                assert_eq!(m.stats().instructions, steps * 7);
            }
        }
    }
}

/// Run `name` on every engine, require a pass, and require that the JIT
/// ran most of it.
fn pass_compiled(name: &str) -> Machine {
    let (_, m) = pass(name);
    let s = m.stats();
    assert!(s.jit_instructions * 2 > s.instructions, "{name}: {s:?}");
    m
}

#[test]
fn satp_switches_never_run_another_spaces_code() {
    let m = pass_compiled("jit_satp");
    assert!(m.stats().blocks_compiled >= 4, "{:?}", m.stats());
}

#[test]
fn code_of_one_privilege_never_runs_in_another() {
    pass_compiled("jit_privilege");
}

#[test]
fn timer_interrupts_arrive_in_compiled_loops_as_in_the_interpreter() {
    // run_everywhere compared the loop counters and the pc and minstret
    // each interrupt found; here they must also be plausible.
    let (_, m) = pass("jit_timer");
    let x = m.hart.x;
    let (epc1, instret1) = (x[23], x[24]);
    assert!((30_000..30_100).contains(&instret1), "first interrupt at minstret {instret1}");
    assert!(epc1 > 0x8000_0000, "{epc1:#x}");
    let s = m.stats();
    assert!(s.jit_instructions > 30_000, "{s:?}");
}

#[test]
fn stores_through_an_alias_replace_compiled_code() {
    let m = pass_compiled("jit_smc");
    assert!(m.stats().code_invalidated >= 1, "{:?}", m.stats());
}

#[test]
fn cpu_bound_kernel_runs_compiled() {
    let (out, m) = pass("compute");
    assert_eq!(out, b"");
    let s = m.stats();
    assert!(s.jit_instructions * 100 > s.instructions * 99, "{s:?}");
    // Compiled code's TLB hits are not counted; its misses are.
    assert!(s.tlb_misses < 100, "{s:?}");
}
