//! Boards with several harts: the smp_* programs of tests/system_data run
//! on every engine, which must agree on everything each hart can observe
//! (registers, pc, retired instructions, trap CSRs) and on the output.

use vmjit_core::engine::{EngineKind, Machine, StopKind, StopReason};
use vmjit_core::system::{SystemConfig, MAX_HARTS};

const BUDGET: u64 = 20_000_000;

const ENGINES: [(EngineKind, u32); 3] = [(EngineKind::Interp, 1), (EngineKind::Jit, 1), (EngineKind::Auto, 4)];

/// What one hart leaves: x, pc, instret and mcause, mepc, mtval, mie.
type HartView = ([u64; 32], u64, u64, [u64; 4]);

#[derive(Debug, PartialEq)]
struct Observed {
    stop: StopReason,
    output: Vec<u8>,
    current: usize,
    harts: Vec<HartView>,
}

fn image(file: &str) -> Vec<u8> {
    let path = format!("{}/tests/system_data/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn machine(name: &str, harts: u32) -> Machine {
    machine_with_input(name, harts, b"")
}

fn machine_with_input(name: &str, harts: u32, input: &[u8]) -> Machine {
    let config = SystemConfig { memory: 16 << 20, harts, input: input.to_vec(), ..SystemConfig::default() };
    Machine::system(&image(&format!("{name}.elf")), config).expect("the image loads")
}

fn observe(m: &mut Machine, stop: StopReason) -> Observed {
    let harts = (0..m.hart_count())
        .map(|id| {
            let h = m.hart_at(id).expect("a hart");
            let c = m.csrs_at(id).expect("its CSRs");
            (h.x, h.pc, h.instret, [c.mcause, c.mepc, c.mtval, c.mie])
        })
        .collect();
    Observed { output: m.take_output(1), current: m.current_hart(), harts, stop }
}

/// Run `name` on `harts` harts on every engine; all must observe the same.
/// The observation and the machine that ran on the JIT.
fn run_everywhere(name: &str, harts: u32) -> (Observed, Machine) {
    run_with_input(name, harts, b"")
}

fn run_with_input(name: &str, harts: u32, input: &[u8]) -> (Observed, Machine) {
    let mut seen = Vec::new();
    for (engine, threshold) in ENGINES {
        let mut m = machine_with_input(name, harts, input);
        m.set_engine(engine).expect("the engine is available");
        m.set_jit_threshold(threshold);
        let stop = m.run(Some(BUDGET));
        seen.push((engine, observe(&mut m, stop), m));
    }
    let (_, reference, _) = &seen[0];
    for (engine, o, _) in &seen[1..] {
        assert_eq!(o, reference, "{name}: {engine:?} differs from the interpreter");
    }
    let (_, o, m) = seen.swap_remove(1);
    (o, m)
}

fn pass(name: &str, harts: u32) -> (Observed, Machine) {
    let (o, m) = run_everywhere(name, harts);
    assert_eq!((o.stop.kind, o.stop.exit_code), (StopKind::Exited, Some(0)), "{name}: {}", o.stop.message);
    (o, m)
}

#[test]
fn every_hart_starts_at_the_entry_with_its_id_and_the_device_tree() {
    let m = machine("smp_count", 4);
    assert_eq!(m.hart_count(), 4);
    let fdt = m.board().unwrap().fdt_addr;
    for id in 0..4 {
        let h = m.hart_at(id).unwrap();
        assert_eq!((h.pc, h.x[10], h.x[11]), (0x8000_0000, id as u64, fdt));
        assert_eq!(m.csrs_at(id).unwrap().hartid, id as u64);
    }
    assert!(m.hart_at(4).is_none());
}

#[test]
fn locked_lr_sc_and_amo_counters_reach_exact_totals() {
    let (o, m) = pass("smp_count", 4);
    // Every hart did its share: the totals were checked by the program;
    // here each hart retired instructions and the sum is the machine's.
    let total: u64 = o.harts.iter().map(|h| h.2).sum();
    assert_eq!(m.stats().instructions, total);
    for (id, h) in o.harts.iter().enumerate() {
        assert!(h.2 > 2000 * 8, "hart {id} retired {}", h.2);
    }
    assert!(m.stats().jit_instructions * 2 > total, "{:?}", m.stats());
}

#[test]
fn a_store_by_another_hart_fails_the_sc() {
    pass("smp_sc", 2);
}

#[test]
fn an_ipi_wakes_a_hart_from_wfi() {
    let (o, _) = pass("smp_ipi", 2);
    // Hart 1 slept: it retired only its few instructions, spinning none.
    assert!(o.harts[1].2 < 40, "hart 1 retired {}", o.harts[1].2);
    assert_eq!(o.harts[1].3[0], 0x8000_0000_0000_0003);
}

#[test]
fn each_hart_takes_its_own_timer_interrupt() {
    let (o, _) = pass("smp_timer", 2);
    for (id, h) in o.harts.iter().enumerate() {
        assert_eq!(h.3[0], 0x8000_0000_0000_0007, "hart {id} mcause");
    }
}

#[test]
fn the_plic_interrupts_the_hart_whose_context_enabled_the_source() {
    let (o, _) = run_with_input("smp_plic", 2, b"q");
    assert_eq!((o.stop.kind, o.stop.exit_code), (StopKind::Exited, Some(0)), "{}", o.stop.message);
    assert_eq!(o.output, b"Q");
    assert_eq!(o.harts[1].3[0], 0x8000_0000_0000_000b);
    // Hart 0 took no interrupt.
    assert_eq!(o.harts[0].3[0], 0);
}

#[test]
fn code_rewritten_by_another_hart_runs_new() {
    let (_, m) = pass("smp_smc", 2);
    assert!(m.stats().code_invalidated >= 1, "{:?}", m.stats());
}

#[test]
fn one_hart_programs_run_unchanged_beside_parked_harts() {
    // htif_pass prints and passes from every hart it starts on; the first
    // to pass ends the run, so the others do not print.
    let (o, _) = pass("htif_pass", 3);
    assert_eq!(o.output, b"htif says hi\n");
    assert_eq!(o.current, 0);
}

#[test]
fn the_budget_counts_every_hart_and_runs_resume() {
    for (engine, threshold) in ENGINES {
        let mut m = machine("smp_count", 4);
        m.set_engine(engine).unwrap();
        m.set_jit_threshold(threshold);
        let mut steps = 0;
        loop {
            let stop = m.run(Some(997));
            steps += 1;
            if stop.kind != StopKind::Budget {
                assert_eq!(stop.exit_code, Some(0), "{engine:?}: {}", stop.message);
                break;
            }
            assert_eq!(m.stats().instructions, steps * 997);
        }
    }
}

#[test]
fn all_harts_asleep_with_nothing_to_wake_them_halts() {
    // raw_uart prints, then sleeps in wfi with nothing enabled, on each hart.
    let mut m = Machine::system(&image("raw_uart.bin"), SystemConfig { harts: 2, ..SystemConfig::default() }).unwrap();
    let stop = m.run(Some(BUDGET));
    assert_eq!(stop.kind, StopKind::Halted, "{}", stop.message);
    assert!(stop.message.contains("every hart is in wfi"), "{}", stop.message);
    assert_eq!(m.take_output(1), b"raw\nraw\n");
}

#[test]
fn a_hart_in_a_trap_loop_stops_alone() {
    let (o, _) = pass("smp_trap_loop", 2);
    // Hart 1 retired its three instructions, then trapped at 0x100 for good.
    assert_eq!((o.harts[1].1, o.harts[1].2), (0x100, 3));
    assert_eq!(o.harts[1].3[..3], [1, 0x100, 0x100]);
    // With hart 0 sent to hart 1's code (at 0x8000_0028) both get stuck,
    // and the board halts.
    let mut m = machine("smp_trap_loop", 2);
    m.hart.pc = 0x8000_0028;
    let stop = m.run(Some(BUDGET));
    assert_eq!(stop.kind, StopKind::Halted, "{}", stop.message);
    assert!(stop.message.contains("trap loop"), "{}", stop.message);
}

#[test]
fn hart_counts_outside_the_board_are_refused() {
    for harts in [0, MAX_HARTS + 1] {
        let config = SystemConfig { harts, ..SystemConfig::default() };
        let err = Machine::system(&image("htif_pass.elf"), config).err().expect("refused");
        assert!(err.to_string().contains(&format!("{harts} harts")), "{err}");
    }
    let config = SystemConfig { harts: MAX_HARTS, ..SystemConfig::default() };
    assert_eq!(Machine::system(&image("htif_pass.elf"), config).unwrap().hart_count(), MAX_HARTS as usize);
}

#[test]
fn the_device_tree_lists_every_hart() {
    let mut m = machine("htif_pass", 3);
    let board = m.board().unwrap();
    let (addr, size) = (board.fdt_addr, board.fdt_size as usize);
    let mut blob = vec![0u8; size];
    m.mem.peek(addr, &mut blob).unwrap();
    let fdt = fdt::Fdt::new(&blob).expect("a valid blob");
    let ids: Vec<_> = fdt.cpus().map(|c| c.ids().first()).collect();
    assert_eq!(ids, [0, 1, 2]);
}
