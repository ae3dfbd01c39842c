//! Devices and RAM pages served by the host: the run stops with a
//! `HostRequest` at the accessing instruction, the test serves it and runs
//! on, as the Python bindings do.

use std::collections::HashMap;

use vmjit_core::engine::{Environment, Machine, StopKind, StopReason};
use vmjit_core::mem::{HostReply, HostRequest, MmioRangeError};
use vmjit_core::system::SystemConfig;

const DEV: u64 = 0x4000_0000;
const RAM: u64 = 0x8000_0000;
const BUDGET: u64 = 1_000_000;

fn image(file: &str) -> Vec<u8> {
    let path = format!("{}/tests/system_data/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn machine(image: &[u8]) -> Machine {
    Machine::system(image, SystemConfig { memory: 1 << 20, harts: 1, input: Vec::new(), bootargs: None }).expect("the image loads")
}

/// A device with a counter register at 0 (its reads return the next
/// value of `counter`) and byte storage elsewhere; it logs every access.
struct Device {
    counter: Vec<u64>,
    bytes: [u8; 64],
    log: Vec<HostRequest>,
}

impl Device {
    fn new() -> Device {
        let mut bytes = [0u8; 64];
        bytes[32] = 0x80;
        bytes[40] = 10;
        Device { counter: vec![0x1111_1111_1111_1111, 0x0123_4567_89ab_cdef], bytes, log: Vec::new() }
    }

    fn read(&mut self, off: usize, size: usize) -> u64 {
        if off == 0 {
            return self.counter.pop().expect("no more counter reads");
        }
        let mut b = [0u8; 8];
        b[..size].copy_from_slice(&self.bytes[off..off + size]);
        u64::from_le_bytes(b)
    }
}

/// Run to a stop that is not a host request, serving device accesses
/// with `dev` and pages with `pages`; the requests served, in order.
fn run_served(m: &mut Machine, dev: &mut Device, pages: &HashMap<u64, [u8; 4096]>) -> (StopReason, Vec<HostRequest>) {
    let mut served = Vec::new();
    loop {
        let stop = m.run(Some(BUDGET));
        if stop.kind != StopKind::HostRequest {
            return (stop, served);
        }
        assert_eq!(stop.pc, m.hart.pc);
        let request = m.mem.host_request().expect("a request is outstanding");
        served.push(request);
        let reply = match request {
            HostRequest::Read { addr, size } => HostReply::Read(dev.read((addr - DEV) as usize, size as usize)),
            HostRequest::Write { addr, size, value } => {
                let off = (addr - DEV) as usize;
                dev.bytes[off..off + size as usize].copy_from_slice(&value.to_le_bytes()[..size as usize]);
                HostReply::Write
            }
            HostRequest::FillPage { addr } => HostReply::Page(pages.get(&addr)),
        };
        if !matches!(request, HostRequest::FillPage { .. }) {
            dev.log.push(request);
        }
        m.mem.complete_host_request(reply).expect("the reply answers the request");
    }
}

#[test]
fn device_accesses_of_every_size_reach_the_host_once() {
    let mut m = machine(&image("mmio.elf"));
    m.mem.map_host_range(DEV, 0x1000).unwrap();
    let mut dev = Device::new();
    let (stop, _) = run_served(&mut m, &mut dev, &HashMap::new());
    assert_eq!((stop.kind, stop.exit_code), (StopKind::Exited, Some(0)), "{}", stop.message);
    let sum = 0x0123_4567_89ab_cdef_u64 + 0x1111_1111_1111_1111;
    use HostRequest::{Read, Write};
    assert_eq!(
        dev.log,
        vec![
            Read { addr: DEV, size: 8 },
            Read { addr: DEV, size: 8 },
            Write { addr: DEV + 8, size: 8, value: sum },
            Write { addr: DEV + 16, size: 1, value: sum & 0xff },
            Write { addr: DEV + 18, size: 2, value: sum & 0xffff },
            Write { addr: DEV + 20, size: 4, value: sum & 0xffff_ffff },
            Read { addr: DEV + 16, size: 1 },
            Read { addr: DEV + 18, size: 2 },
            Read { addr: DEV + 20, size: 4 },
            Read { addr: DEV + 32, size: 1 },
            Read { addr: DEV + 40, size: 4 },
            Write { addr: DEV + 40, size: 4, value: 15 },
            Read { addr: DEV + 40, size: 4 },
            Write { addr: DEV + 40, size: 4, value: 16 },
        ]
    );
    let x = &m.hart.x;
    assert_eq!(x[10], 0x0123_4567_89ab_cdef);
    assert_eq!(x[11], 0x1111_1111_1111_1111);
    assert_eq!(x[12], sum);
    assert_eq!(x[13], sum & 0xff);
    assert_eq!(x[14], sum as u16 as i16 as i64 as u64);
    assert_eq!(x[15], sum as u32 as i32 as i64 as u64);
    assert_eq!(x[16], 0xffff_ffff_ffff_ff80);
    assert_eq!(x[17], 10);
    // The fetch from device memory was an access fault (checked by the
    // program), not a request.
}

#[test]
fn an_unserved_access_stays_at_its_instruction_and_is_asked_again() {
    let mut m = machine(&image("mmio.elf"));
    m.mem.map_host_range(DEV, 0x1000).unwrap();
    let stop = m.run(Some(BUDGET));
    assert_eq!((stop.kind, stop.pc), (StopKind::HostRequest, RAM + 4));
    assert_eq!(m.hart.instret, 1);
    assert_eq!(m.finished(), None);
    // Not served: the next run raises the same request, retiring nothing.
    let again = m.run(Some(BUDGET));
    assert_eq!((again.kind, again.pc, m.hart.instret), (StopKind::HostRequest, RAM + 4, 1));
    assert_eq!(m.mem.host_request(), Some(HostRequest::Read { addr: DEV, size: 8 }));
    // A reply of the wrong kind is refused and changes nothing.
    assert!(m.mem.complete_host_request(HostReply::Write).is_err());
    m.mem.complete_host_request(HostReply::Read(7)).unwrap();
    assert!(m.mem.complete_host_request(HostReply::Read(8)).is_err(), "only one reply per request");
    // The served value is consumed by its own instruction only.
    let next = m.run(Some(BUDGET));
    assert_eq!((next.kind, next.pc, m.hart.instret), (StopKind::HostRequest, RAM + 8, 2));
    assert_eq!(m.hart.x[10], 7);
}

#[test]
fn a_served_value_is_dropped_when_the_guest_moves_elsewhere() {
    let mut m = machine(&image("mmio.elf"));
    m.mem.map_host_range(DEV, 0x1000).unwrap();
    // a1 holds the device tree's address at reset.
    let a1 = m.hart.x[11];
    m.run(Some(BUDGET));
    m.mem.complete_host_request(HostReply::Read(7)).unwrap();
    // The second load reads the same register with the same size, but it
    // is another instruction: the value served for the first is not used.
    m.hart.pc = RAM + 8;
    let stop = m.run(Some(BUDGET));
    assert_eq!((stop.kind, stop.pc), (StopKind::HostRequest, RAM + 8));
    assert_eq!(m.hart.x[11], a1);
}

#[test]
fn an_access_split_between_ram_and_a_host_range_is_done_whole() {
    // ld a0, -4(s0) with s0 = the end of RAM: 4 bytes of RAM, 4 of device.
    let end = RAM + (1 << 20);
    let code: Vec<u8> = [0xffc4_3503_u32, 0x1050_0073].iter().flat_map(|w| w.to_le_bytes()).collect();
    let mut m = machine(&code);
    m.hart.x[8] = end;
    m.mem.map_host_range(end, 0x1000).unwrap();
    m.mem.poke(end - 4, &0x4433_2211_u32.to_le_bytes()).unwrap();
    let stop = m.run(Some(1));
    assert_eq!(stop.kind, StopKind::HostRequest);
    assert_eq!(m.mem.host_request(), Some(HostRequest::Read { addr: end, size: 4 }));
    m.mem.complete_host_request(HostReply::Read(0x8877_6655)).unwrap();
    let stop = m.run(Some(1));
    assert_eq!(stop.kind, StopKind::Budget);
    assert_eq!(m.hart.x[10], 0x8877_6655_4433_2211);
}

#[test]
fn ranges_must_not_overlap_ram_devices_or_each_other() {
    let mut m = machine(&image("mmio.elf"));
    assert_eq!(m.mem.map_host_range(DEV, 0), Err(MmioRangeError::Empty));
    assert_eq!(m.mem.map_host_range(u64::MAX - 7, 9), Err(MmioRangeError::Wraps));
    assert!(matches!(m.mem.map_host_range(RAM - 8, 16), Err(MmioRangeError::Overlaps(_))));
    assert!(matches!(m.mem.map_host_range(0x1000_0000, 1), Err(MmioRangeError::Overlaps(_))));
    assert!(matches!(m.mem.map_host_range(0x0200_4000, 8), Err(MmioRangeError::Overlaps(_))));
    m.mem.map_host_range(DEV, 0x100).unwrap();
    assert!(matches!(m.mem.map_host_range(DEV + 0xff, 1), Err(MmioRangeError::Overlaps(_))));
    m.mem.map_host_range(DEV + 0x100, 1).unwrap();
    m.mem.map_host_range(u64::MAX - 8, 8).unwrap();
}

#[test]
fn lazy_ram_asks_for_each_page_once_on_first_touch() {
    let raw = image("lazy.bin");
    let pages: HashMap<u64, [u8; 4096]> = raw
        .chunks(4096)
        .enumerate()
        .map(|(i, c)| {
            let mut page = [0u8; 4096];
            page[..c.len()].copy_from_slice(c);
            (RAM + 4096 * i as u64, page)
        })
        .collect();
    let mut m = machine(&[]);
    m.mem.set_lazy_ram(true).unwrap();
    // A peek neither asks the host nor makes the page present.
    let mut b = [0xffu8; 8];
    m.mem.peek(RAM + 0x1000, &mut b).unwrap();
    assert_eq!(b, [0; 8]);
    let (stop, served) = run_served(&mut m, &mut Device::new(), &pages);
    assert_eq!(stop.kind, StopKind::Halted, "{}", stop.message);
    assert_eq!(m.take_output(1), b"lazy pages\n");
    let fills: Vec<u64> = served
        .iter()
        .map(|r| match r {
            HostRequest::FillPage { addr } => *addr,
            other => panic!("unexpected request {other:?}"),
        })
        .collect();
    assert_eq!(fills, vec![RAM, RAM + 0x2000, RAM + 0x3000, RAM + 0x5000]);
    assert_eq!(m.hart.x[12], 0, "page 5 was left zero-filled");
    m.mem.peek(RAM + 0x1000, &mut b).unwrap();
    assert_eq!(b, [0; 8], "page 1 was never touched");
    m.mem.peek(RAM + 0x3000, &mut b).unwrap();
    assert_eq!(&b, b"lazy pag");
}

#[test]
fn an_access_reaching_past_the_end_of_a_host_range_is_an_access_fault() {
    // ld a0, -4(s0) with s0 = DEV + 0x10: 8 bytes from DEV + 0xc, but the
    // range ends at DEV + 0x10.
    let code: Vec<u8> = [0xffc4_3503_u32, 0x1050_0073].iter().flat_map(|w| w.to_le_bytes()).collect();
    let mut m = machine(&code);
    m.mem.map_host_range(DEV, 0x10).unwrap();
    m.hart.x[8] = DEV + 0x10;
    // The trap lands on the wfi, which has nothing to wait for.
    if let Environment::System(board) = &mut m.env {
        board.csrs.mtvec = RAM + 4;
    }
    let stop = m.run(Some(BUDGET));
    assert_eq!(stop.kind, StopKind::Halted, "{}", stop.message);
    assert_eq!(m.mem.host_request(), None);
    let csrs = &m.board().expect("a board").csrs;
    assert_eq!((csrs.mcause, csrs.mtval, csrs.mepc), (5, DEV + 0xc, RAM));
}

#[test]
fn a_page_table_walk_touching_an_unfilled_page_asks_the_host() {
    // Machine mode with MPRV and MPP = S: the load translates through
    // Sv39, whose root table is in a page only the host has.
    let code: Vec<u8> =
        [0x1802_9073_u32, 0x3003_1073, 0x0003_b503, 0x1050_0073].iter().flat_map(|w| w.to_le_bytes()).collect();
    let mut m = machine(&code);
    m.mem.set_lazy_ram(true).unwrap();
    let root = RAM + 0x1_0000;
    m.hart.x[5] = 8 << 60 | root >> 12; // satp: Sv39
    m.hart.x[6] = 1 << 17 | 1 << 11; // mstatus: MPRV, MPP = S
    m.hart.x[7] = 0x1000;
    // root[0]: a gigapage mapping virtual 0 to RAM (V R W A D).
    let mut table = [0u8; 4096];
    table[..8].copy_from_slice(&((RAM >> 12) << 10 | 0xc7).to_le_bytes());
    let mut data = [0u8; 4096];
    data[..8].copy_from_slice(&0x5eed_u64.to_le_bytes());
    let pages = HashMap::from([(root, table), (RAM + 0x1000, data)]);
    let (stop, served) = run_served(&mut m, &mut Device::new(), &pages);
    assert_eq!(stop.kind, StopKind::Halted, "{}", stop.message);
    assert_eq!(served, vec![HostRequest::FillPage { addr: root }, HostRequest::FillPage { addr: RAM + 0x1000 }]);
    assert_eq!(m.hart.x[10], 0x5eed);
}
