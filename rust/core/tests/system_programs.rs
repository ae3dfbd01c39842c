//! The bare-metal programs of tests/system_data run on a system-mode
//! machine. Each reports through HTIF: exit code 0 is a pass, any other
//! code names the check that failed (see the program's source).

use vmjit_core::engine::{EngineKind, Machine, StopKind, StopReason};
use vmjit_core::system::SystemConfig;

const BUDGET: u64 = 10_000_000;

fn image(file: &str) -> Vec<u8> {
    let path = format!("{}/tests/system_data/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn machine(name: &str, input: &[u8]) -> Machine {
    let config = SystemConfig { memory: 16 << 20, input: input.to_vec(), bootargs: None };
    Machine::system(&image(&format!("{name}.elf")), config).expect("the image loads")
}

fn run_with(name: &str, input: &[u8]) -> (StopReason, Vec<u8>, Machine) {
    let mut m = machine(name, input);
    let stop = m.run(Some(BUDGET));
    let out = m.take_output(1);
    (stop, out, m)
}

/// Run `name` and require a pass.
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
    let mut m = machine("bad_vector", b"");
    let stop = m.run(Some(1000));
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
    let mut m = Machine::system(&image("raw_uart.bin"), SystemConfig::default()).unwrap();
    let stop = m.run(Some(BUDGET));
    assert_eq!(stop.kind, StopKind::Halted, "{}", stop.message);
    assert_eq!(m.take_output(1), b"raw\n");
    // A halted machine stays halted.
    assert_eq!(m.run(Some(10)).kind, StopKind::Halted);
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
fn the_jit_is_refused_and_auto_interprets() {
    let mut m = machine("htif_pass", b"");
    assert!(m.set_engine(EngineKind::Jit).is_err());
    m.set_engine(EngineKind::Auto).unwrap();
    let stop = m.run(Some(BUDGET));
    assert_eq!(stop.exit_code, Some(0));
    assert_eq!(m.stats().jit_instructions, 0);
}

#[test]
fn budget_is_exact_and_runs_resume() {
    // Stopping every 7 instructions (inside blocks, between a trap and its
    // handler, ...) changes nothing the program can check.
    let mut m = machine("sv39", b"");
    let mut steps = 0;
    loop {
        let stop = m.run(Some(7));
        steps += 1;
        if stop.kind != StopKind::Budget {
            assert_eq!(stop.exit_code, Some(0), "{}", stop.message);
            break;
        }
        assert_eq!(m.stats().instructions, steps * 7);
    }
}
