//! CSR numbers and names.
//!
//! Numbers from the unprivileged spec (chapter "Zicsr", table of the
//! unprivileged CSRs) and the privileged spec 1.12 (tables 2.2 to 2.6).
//! Only the RV64 CSRs get constants; `name` also knows the RV32-only
//! high halves (`cycleh`, `mstatush`, odd `pmpcfg`, ...) so that the
//! disassembler prints what GNU objdump prints.

// Unprivileged floating-point CSRs.
pub const FFLAGS: u16 = 0x001;
pub const FRM: u16 = 0x002;
pub const FCSR: u16 = 0x003;

// Unprivileged counters and timers (read-only shadows).
pub const CYCLE: u16 = 0xc00;
pub const TIME: u16 = 0xc01;
pub const INSTRET: u16 = 0xc02;
/// `hpmcounter3`; `hpmcounterN` is `HPMCOUNTER3 + N - 3` up to 31.
pub const HPMCOUNTER3: u16 = 0xc03;

// Supervisor trap setup.
pub const SSTATUS: u16 = 0x100;
pub const SIE: u16 = 0x104;
pub const STVEC: u16 = 0x105;
pub const SCOUNTEREN: u16 = 0x106;
// Supervisor configuration.
pub const SENVCFG: u16 = 0x10a;
// Supervisor trap handling.
pub const SSCRATCH: u16 = 0x140;
pub const SEPC: u16 = 0x141;
pub const SCAUSE: u16 = 0x142;
pub const STVAL: u16 = 0x143;
pub const SIP: u16 = 0x144;
// Supervisor protection and translation.
pub const SATP: u16 = 0x180;
// Supervisor debug/trace.
pub const SCONTEXT: u16 = 0x5a8;

// Machine information registers.
pub const MVENDORID: u16 = 0xf11;
pub const MARCHID: u16 = 0xf12;
pub const MIMPID: u16 = 0xf13;
pub const MHARTID: u16 = 0xf14;
pub const MCONFIGPTR: u16 = 0xf15;
// Machine trap setup.
pub const MSTATUS: u16 = 0x300;
pub const MISA: u16 = 0x301;
pub const MEDELEG: u16 = 0x302;
pub const MIDELEG: u16 = 0x303;
pub const MIE: u16 = 0x304;
pub const MTVEC: u16 = 0x305;
pub const MCOUNTEREN: u16 = 0x306;
// Machine trap handling.
pub const MSCRATCH: u16 = 0x340;
pub const MEPC: u16 = 0x341;
pub const MCAUSE: u16 = 0x342;
pub const MTVAL: u16 = 0x343;
pub const MIP: u16 = 0x344;
pub const MTINST: u16 = 0x34a;
pub const MTVAL2: u16 = 0x34b;
// Machine configuration.
pub const MENVCFG: u16 = 0x30a;
pub const MSECCFG: u16 = 0x747;
// Machine memory protection: on RV64 only the even pmpcfg registers exist.
/// `pmpcfg0`; `pmpcfgN` is `PMPCFG0 + N` for even N up to 14.
pub const PMPCFG0: u16 = 0x3a0;
/// `pmpaddr0`; `pmpaddrN` is `PMPADDR0 + N` up to 63.
pub const PMPADDR0: u16 = 0x3b0;
// Machine counters and timers.
pub const MCYCLE: u16 = 0xb00;
pub const MINSTRET: u16 = 0xb02;
/// `mhpmcounter3`; `mhpmcounterN` is `MHPMCOUNTER3 + N - 3` up to 31.
pub const MHPMCOUNTER3: u16 = 0xb03;
// Machine counter setup.
pub const MCOUNTINHIBIT: u16 = 0x320;
/// `mhpmevent3`; `mhpmeventN` is `MHPMEVENT3 + N - 3` up to 31.
pub const MHPMEVENT3: u16 = 0x323;
// Debug/trace registers (shared with the debug mode).
pub const TSELECT: u16 = 0x7a0;
pub const TDATA1: u16 = 0x7a1;
pub const TDATA2: u16 = 0x7a2;
pub const TDATA3: u16 = 0x7a3;
pub const MCONTEXT: u16 = 0x7a8;
pub const DCSR: u16 = 0x7b0;
pub const DPC: u16 = 0x7b1;
pub const DSCRATCH0: u16 = 0x7b2;
pub const DSCRATCH1: u16 = 0x7b3;

/// True when the CSR is read-only: `csr[11:10] == 0b11` (privileged spec
/// 2.1, "CSR Address Mapping Conventions").
pub const fn is_read_only(num: u16) -> bool {
    num >> 10 & 3 == 3
}

/// The lowest privilege level that may access the CSR: `csr[9:8]`
/// (0 = user, 1 = supervisor, 2 = hypervisor, 3 = machine).
pub const fn min_privilege(num: u16) -> u8 {
    (num >> 8 & 3) as u8
}

/// `[concat!(prefix, n, suffix), ...]` for the listed numbers.
macro_rules! numbered {
    ($prefix:literal, $suffix:literal; $($n:literal)*) => {
        [$(concat!($prefix, $n, $suffix)),*]
    };
}

static HPMCOUNTER: [&str; 29] = numbered!("hpmcounter", "";
    3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
static HPMCOUNTERH: [&str; 29] = numbered!("hpmcounter", "h";
    3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
static MHPMCOUNTER: [&str; 29] = numbered!("mhpmcounter", "";
    3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
static MHPMCOUNTERH: [&str; 29] = numbered!("mhpmcounter", "h";
    3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
static MHPMEVENT: [&str; 29] = numbered!("mhpmevent", "";
    3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
static PMPCFG: [&str; 16] = numbered!("pmpcfg", "";
    0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15);
static PMPADDR: [&str; 64] = numbered!("pmpaddr", "";
    0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31
    32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56 57 58 59 60 61 62 63);

/// The name of a CSR defined by the unprivileged spec or the privileged
/// spec 1.12 (hypervisor CSRs included), or `None`. CSRs of other
/// extensions (vector, AIA, Sstc, Smstateen, Zkr, debug-spec-only
/// triggers) have no name here and are printed as numbers.
pub fn name(num: u16) -> Option<&'static str> {
    let n = num as usize;
    Some(match num {
        FFLAGS => "fflags",
        FRM => "frm",
        FCSR => "fcsr",
        CYCLE => "cycle",
        TIME => "time",
        INSTRET => "instret",
        0xc03..=0xc1f => HPMCOUNTER[n - 0xc03],
        0xc80 => "cycleh",
        0xc81 => "timeh",
        0xc82 => "instreth",
        0xc83..=0xc9f => HPMCOUNTERH[n - 0xc83],

        SSTATUS => "sstatus",
        SIE => "sie",
        STVEC => "stvec",
        SCOUNTEREN => "scounteren",
        SENVCFG => "senvcfg",
        SSCRATCH => "sscratch",
        SEPC => "sepc",
        SCAUSE => "scause",
        STVAL => "stval",
        SIP => "sip",
        SATP => "satp",
        SCONTEXT => "scontext",

        // Hypervisor and virtual supervisor CSRs (privileged spec chapter 8).
        0x600 => "hstatus",
        0x602 => "hedeleg",
        0x603 => "hideleg",
        0x604 => "hie",
        0x605 => "htimedelta",
        0x606 => "hcounteren",
        0x607 => "hgeie",
        0x60a => "henvcfg",
        0x615 => "htimedeltah",
        0x61a => "henvcfgh",
        0x643 => "htval",
        0x644 => "hip",
        0x645 => "hvip",
        0x64a => "htinst",
        0x680 => "hgatp",
        0x6a8 => "hcontext",
        0xe12 => "hgeip",
        0x200 => "vsstatus",
        0x204 => "vsie",
        0x205 => "vstvec",
        0x240 => "vsscratch",
        0x241 => "vsepc",
        0x242 => "vscause",
        0x243 => "vstval",
        0x244 => "vsip",
        0x280 => "vsatp",

        MVENDORID => "mvendorid",
        MARCHID => "marchid",
        MIMPID => "mimpid",
        MHARTID => "mhartid",
        MCONFIGPTR => "mconfigptr",
        MSTATUS => "mstatus",
        MISA => "misa",
        MEDELEG => "medeleg",
        MIDELEG => "mideleg",
        MIE => "mie",
        MTVEC => "mtvec",
        MCOUNTEREN => "mcounteren",
        0x310 => "mstatush",
        MSCRATCH => "mscratch",
        MEPC => "mepc",
        MCAUSE => "mcause",
        MTVAL => "mtval",
        MIP => "mip",
        MTINST => "mtinst",
        MTVAL2 => "mtval2",
        MENVCFG => "menvcfg",
        0x31a => "menvcfgh",
        MSECCFG => "mseccfg",
        0x757 => "mseccfgh",
        0x3a0..=0x3af => PMPCFG[n - 0x3a0],
        0x3b0..=0x3ef => PMPADDR[n - 0x3b0],
        MCYCLE => "mcycle",
        MINSTRET => "minstret",
        0xb03..=0xb1f => MHPMCOUNTER[n - 0xb03],
        0xb80 => "mcycleh",
        0xb82 => "minstreth",
        0xb83..=0xb9f => MHPMCOUNTERH[n - 0xb83],
        MCOUNTINHIBIT => "mcountinhibit",
        0x323..=0x33f => MHPMEVENT[n - 0x323],

        TSELECT => "tselect",
        TDATA1 => "tdata1",
        TDATA2 => "tdata2",
        TDATA3 => "tdata3",
        MCONTEXT => "mcontext",
        DCSR => "dcsr",
        DPC => "dpc",
        DSCRATCH0 => "dscratch0",
        DSCRATCH1 => "dscratch1",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_families_line_up_with_their_numbers() {
        assert_eq!(name(HPMCOUNTER3), Some("hpmcounter3"));
        assert_eq!(name(0xc1f), Some("hpmcounter31"));
        assert_eq!(name(0xc83), Some("hpmcounter3h"));
        assert_eq!(name(0xc9f), Some("hpmcounter31h"));
        assert_eq!(name(MHPMCOUNTER3 + 28), Some("mhpmcounter31"));
        assert_eq!(name(0xb9f), Some("mhpmcounter31h"));
        assert_eq!(name(MHPMEVENT3), Some("mhpmevent3"));
        assert_eq!(name(0x33f), Some("mhpmevent31"));
        assert_eq!(name(PMPCFG0 + 15), Some("pmpcfg15"));
        assert_eq!(name(PMPADDR0), Some("pmpaddr0"));
        assert_eq!(name(PMPADDR0 + 63), Some("pmpaddr63"));
    }

    #[test]
    fn gaps_and_other_extensions_have_no_name() {
        for num in [
            0x000,
            0x004,
            0x008,
            0x015,
            0x101,
            0x14d,
            0x321,
            0x322,
            0x7c0,
            0xc20,
            0xc03 + 29,
            0xfff,
        ] {
            assert_eq!(name(num), None, "{num:#x}");
        }
        // Beyond every range, whatever the upper bits.
        for num in 0x1000..=0xffffu16 {
            assert_eq!(name(num), None);
        }
    }

    #[test]
    fn number_fields() {
        assert!(is_read_only(CYCLE) && is_read_only(MHARTID));
        assert!(!is_read_only(MSTATUS) && !is_read_only(FCSR));
        assert_eq!(min_privilege(FFLAGS), 0);
        assert_eq!(min_privilege(SATP), 1);
        assert_eq!(min_privilege(0x600), 2);
        assert_eq!(min_privilege(MSTATUS), 3);
    }
}
