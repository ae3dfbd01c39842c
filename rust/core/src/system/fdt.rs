//! The board's flattened device tree: what OpenSBI and Linux read (from the
//! address in a1 at reset) to find RAM, the harts, CLINT, PLIC and UART.
//! Node names, compatible strings and phandle wiring follow QEMU's virt
//! board, so software written for it finds the same devices here.

use vm_fdt::{Error, FdtWriter};

use super::{clint, csr, plic, uart, SystemError, RAM_BASE};

/// The ISA string of the hart: the base, the standard single-letter
/// extensions and the Z extensions the interpreter and the board implement.
pub const RISCV_ISA: &str = "rv64imafdc_zicntr_zicsr_zifencei";
/// The widest translation mode the MMU implements (Sv39 too).
pub const MMU_TYPE: &str = "riscv,sv48";
pub const UART_PATH: &str = "/soc/serial@10000000";
/// The divisor latch's reference clock QEMU's virt board announces.
const UART_CLOCK: u32 = 3_686_400;

const PLIC_PHANDLE: u32 = 1;

/// The phandle of hart `hart`'s interrupt controller.
fn cpu_intc_phandle(hart: u32) -> u32 {
    PLIC_PHANDLE + 1 + hart
}

/// The device tree blob of a board with `memory` bytes of RAM and `harts`
/// harts; `bootargs` become /chosen/bootargs.
pub fn build(memory: u64, harts: u32, bootargs: Option<&str>) -> Result<Vec<u8>, SystemError> {
    write(memory, harts, bootargs).map_err(|e| SystemError::Config(format!("device tree: {e}")))
}

/// `interrupts-extended` cells naming interrupt `irqs` of every hart in
/// turn (the order of the CLINT's and the PLIC's per-hart contexts).
fn every_hart(harts: u32, irqs: &[u64]) -> Vec<u32> {
    (0..harts).flat_map(|h| irqs.iter().flat_map(move |&i| [cpu_intc_phandle(h), i as u32])).collect()
}

/// `<high low>` cells of a 64-bit address or size.
fn cells(v: u64) -> [u32; 2] {
    [(v >> 32) as u32, v as u32]
}

/// A `reg` property of one (address, size) pair in 2+2 cells.
fn reg(base: u64, size: u64) -> [u32; 4] {
    let (a, s) = (cells(base), cells(size));
    [a[0], a[1], s[0], s[1]]
}

fn write(memory: u64, harts: u32, bootargs: Option<&str>) -> Result<Vec<u8>, Error> {
    let mut fdt = FdtWriter::new()?;
    let root = fdt.begin_node("")?;
    fdt.property_u32("#address-cells", 2)?;
    fdt.property_u32("#size-cells", 2)?;
    fdt.property_string("compatible", "riscv-virtio")?;
    fdt.property_string("model", "vmjit,virt")?;

    let chosen = fdt.begin_node("chosen")?;
    fdt.property_string("stdout-path", UART_PATH)?;
    if let Some(args) = bootargs {
        fdt.property_string("bootargs", args)?;
    }
    fdt.end_node(chosen)?;

    let mem = fdt.begin_node(&format!("memory@{RAM_BASE:x}"))?;
    fdt.property_string("device_type", "memory")?;
    fdt.property_array_u32("reg", &reg(RAM_BASE, memory))?;
    fdt.end_node(mem)?;

    let cpus = fdt.begin_node("cpus")?;
    fdt.property_u32("#address-cells", 1)?;
    fdt.property_u32("#size-cells", 0)?;
    fdt.property_u32("timebase-frequency", csr::TIMEBASE_FREQUENCY)?;
    for hart in 0..harts {
        let cpu = fdt.begin_node(&format!("cpu@{hart}"))?;
        fdt.property_string("device_type", "cpu")?;
        fdt.property_u32("reg", hart)?;
        fdt.property_string("status", "okay")?;
        fdt.property_string("compatible", "riscv")?;
        fdt.property_string("riscv,isa", RISCV_ISA)?;
        fdt.property_string("mmu-type", MMU_TYPE)?;
        let intc = fdt.begin_node("interrupt-controller")?;
        fdt.property_u32("#address-cells", 0)?;
        fdt.property_u32("#interrupt-cells", 1)?;
        fdt.property_null("interrupt-controller")?;
        fdt.property_string("compatible", "riscv,cpu-intc")?;
        fdt.property_phandle(cpu_intc_phandle(hart))?;
        fdt.end_node(intc)?;
        fdt.end_node(cpu)?;
    }
    fdt.end_node(cpus)?;

    let soc = fdt.begin_node("soc")?;
    fdt.property_u32("#address-cells", 2)?;
    fdt.property_u32("#size-cells", 2)?;
    fdt.property_string("compatible", "simple-bus")?;
    fdt.property_null("ranges")?;

    let node = fdt.begin_node(&format!("clint@{:x}", clint::BASE))?;
    fdt.property_string_list("compatible", vec!["sifive,clint0".into(), "riscv,clint0".into()])?;
    fdt.property_array_u32("reg", &reg(clint::BASE, clint::SIZE))?;
    fdt.property_array_u32("interrupts-extended", &every_hart(harts, &[csr::irq::MSI, csr::irq::MTI]))?;
    fdt.end_node(node)?;

    let node = fdt.begin_node(&format!("plic@{:x}", plic::BASE))?;
    fdt.property_string_list("compatible", vec!["sifive,plic-1.0.0".into(), "riscv,plic0".into()])?;
    fdt.property_array_u32("reg", &reg(plic::BASE, plic::SIZE))?;
    fdt.property_u32("#address-cells", 0)?;
    fdt.property_u32("#interrupt-cells", 1)?;
    fdt.property_null("interrupt-controller")?;
    // Context 2h is hart h's M-mode external interrupt, 2h+1 its S-mode one.
    fdt.property_array_u32("interrupts-extended", &every_hart(harts, &[csr::irq::MEI, csr::irq::SEI]))?;
    fdt.property_u32("riscv,ndev", plic::SOURCES - 1)?;
    fdt.property_phandle(PLIC_PHANDLE)?;
    fdt.end_node(node)?;

    let node = fdt.begin_node(&format!("serial@{:x}", uart::BASE))?;
    fdt.property_string("compatible", "ns16550a")?;
    fdt.property_array_u32("reg", &reg(uart::BASE, uart::SIZE))?;
    fdt.property_u32("clock-frequency", UART_CLOCK)?;
    fdt.property_u32("interrupt-parent", PLIC_PHANDLE)?;
    fdt.property_u32("interrupts", uart::IRQ)?;
    fdt.end_node(node)?;

    fdt.end_node(soc)?;
    fdt.end_node(root)?;
    fdt.finish()
}

/// Where the blob of `size` bytes goes in RAM `[RAM_BASE, ram_end)` above
/// an image ending at `image_end`: as QEMU's virt board does, at the top
/// of RAM aligned down to 2 MiB (a kernel mapping RAM with megapages keeps
/// it whole); when that would overlap the image, at the top aligned down to
/// 8 bytes (the alignment the format requires). Never at the start of RAM,
/// where the hart starts even when the image is empty (its pages may come
/// from the host later). None if neither fits.
pub fn place(ram_end: u64, image_end: u64, size: u64) -> Option<u64> {
    const MEGAPAGE: u64 = 2 << 20;
    let top = ram_end.checked_sub(size)?;
    [top & !(MEGAPAGE - 1), top & !7].into_iter().find(|&a| a >= image_end && a > RAM_BASE)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn be_cells(v: &[u8]) -> Vec<u32> {
        v.chunks_exact(4).map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]])).collect()
    }

    #[test]
    fn nodes_of_the_board() {
        let blob = build(64 << 20, 1, Some("console=ttyS0 earlycon")).unwrap();
        let fdt = fdt::Fdt::new(&blob).expect("a valid blob");
        assert_eq!(fdt.total_size(), blob.len());
        let ram: Vec<_> = fdt.memory().regions().map(|r| (r.starting_address as u64, r.size)).collect();
        assert_eq!(ram, [(RAM_BASE, Some(64 << 20))]);

        let cpus: Vec<_> = fdt.cpus().collect();
        assert_eq!(cpus.len(), 1);
        assert_eq!(cpus[0].ids().first(), 0);
        assert_eq!(cpus[0].timebase_frequency(), 10_000_000);
        let prop = |name| cpus[0].property(name).and_then(|p| p.as_str());
        assert_eq!(prop("riscv,isa"), Some("rv64imafdc_zicntr_zicsr_zifencei"));
        assert_eq!(prop("mmu-type"), Some("riscv,sv48"));
        let intc = fdt.find_node("/cpus/cpu@0/interrupt-controller").unwrap();
        assert_eq!(intc.compatible().unwrap().first(), "riscv,cpu-intc");
        assert_eq!(intc.property("phandle").unwrap().as_usize(), Some(cpu_intc_phandle(0) as usize));

        let clint = fdt.find_compatible(&["riscv,clint0"]).expect("clint");
        assert_eq!(clint.name, "clint@2000000");
        let reg: Vec<_> = clint.reg().unwrap().map(|r| (r.starting_address as u64, r.size)).collect();
        assert_eq!(reg, [(0x200_0000, Some(0x1_0000))]);
        let irqs = be_cells(clint.property("interrupts-extended").unwrap().value);
        assert_eq!(irqs, [cpu_intc_phandle(0), 3, cpu_intc_phandle(0), 7]);

        let plic = fdt.find_compatible(&["riscv,plic0"]).expect("plic");
        assert_eq!(plic.name, "plic@c000000");
        let irqs = be_cells(plic.property("interrupts-extended").unwrap().value);
        assert_eq!(irqs, [cpu_intc_phandle(0), 11, cpu_intc_phandle(0), 9]);
        assert_eq!(plic.property("riscv,ndev").unwrap().as_usize(), Some(95));
        assert!(plic.property("interrupt-controller").is_some());

        let uart = fdt.chosen().stdout().expect("stdout-path resolves");
        assert_eq!(uart.name, "serial@10000000");
        assert_eq!(uart.compatible().unwrap().first(), "ns16550a");
        assert_eq!(uart.interrupts().unwrap().collect::<Vec<_>>(), [10]);
        assert_eq!(uart.interrupt_parent().unwrap().name, "plic@c000000");
        assert_eq!(fdt.chosen().bootargs(), Some("console=ttyS0 earlycon"));
        assert_eq!(build(64 << 20, 1, None).map(|b| fdt::Fdt::new(&b).unwrap().chosen().bootargs().is_none()).ok(), Some(true));
    }

    #[test]
    fn one_cpu_node_per_hart_wired_to_clint_and_plic() {
        let blob = build(64 << 20, 3, None).unwrap();
        let fdt = fdt::Fdt::new(&blob).expect("a valid blob");
        let ids: Vec<_> = fdt.cpus().map(|c| c.ids().first()).collect();
        assert_eq!(ids, [0, 1, 2]);
        for hart in 0..3u32 {
            let intc = fdt.find_node(&format!("/cpus/cpu@{hart}/interrupt-controller")).unwrap();
            assert_eq!(intc.property("phandle").unwrap().as_usize(), Some(cpu_intc_phandle(hart) as usize));
        }
        let (p0, p1, p2) = (cpu_intc_phandle(0), cpu_intc_phandle(1), cpu_intc_phandle(2));
        let clint = fdt.find_compatible(&["riscv,clint0"]).expect("clint");
        let irqs = be_cells(clint.property("interrupts-extended").unwrap().value);
        assert_eq!(irqs, [p0, 3, p0, 7, p1, 3, p1, 7, p2, 3, p2, 7]);
        let plic = fdt.find_compatible(&["riscv,plic0"]).expect("plic");
        let irqs = be_cells(plic.property("interrupts-extended").unwrap().value);
        assert_eq!(irqs, [p0, 11, p0, 9, p1, 11, p1, 9, p2, 11, p2, 9]);
    }

    #[test]
    fn bootargs_with_nul_are_refused() {
        let err = build(1 << 20, 1, Some("a\0b")).unwrap_err();
        assert!(err.to_string().contains("device tree"), "{err}");
    }

    /// dtc, when installed, decompiles the blob without complaint.
    #[test]
    fn dtc_accepts_the_blob() {
        let blob = build(128 << 20, 3, Some("console=ttyS0")).unwrap();
        let path = std::env::temp_dir().join(format!("vmjit-board-{}.dtb", std::process::id()));
        std::fs::write(&path, &blob).unwrap();
        let out = std::process::Command::new("dtc").args(["-I", "dtb", "-O", "dts"]).arg(&path).output();
        std::fs::remove_file(&path).unwrap();
        let Ok(out) = out else {
            eprintln!("dtc is not installed: skipped");
            return;
        };
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(stderr.is_empty(), "dtc warns: {stderr}");
        let dts = String::from_utf8_lossy(&out.stdout);
        assert!(dts.contains("riscv,isa = \"rv64imafdc_zicntr_zicsr_zifencei\";"), "{dts}");
        assert!(dts.contains("bootargs = \"console=ttyS0\";"), "{dts}");
        assert!(dts.contains("cpu@2 {"), "{dts}");
    }

    #[test]
    fn placement() {
        let end = RAM_BASE + (128 << 20);
        assert_eq!(place(end, RAM_BASE + 0x1000, 0x1234), Some(end - (2 << 20)));
        assert_eq!(place(RAM_BASE + (1 << 20), RAM_BASE + 0x1000, 0x100), Some(RAM_BASE + (1 << 20) - 0x100));
        assert_eq!(place(RAM_BASE + 0x1000, RAM_BASE + 0x1000, 8), None);
        assert_eq!(place(RAM_BASE + 0x1000, RAM_BASE, 0x2000), None);
        // An empty image (pages supplied later) still keeps the start of RAM.
        assert_eq!(place(RAM_BASE + (2 << 20), RAM_BASE, 0x100), Some(RAM_BASE + (2 << 20) - 0x100));
    }
}
