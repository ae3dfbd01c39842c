//! The platform-level interrupt controller (SiFive PLIC layout, as on
//! QEMU's virt board): per-source priorities and pending bits, and for each
//! context (each hart in M mode, then in S mode: context 2h and 2h+1 for
//! hart h, the QEMU virt layout) an enable set, a priority threshold and a
//! claim/complete register.
//!
//! Sources are level-triggered: a source's pending bit follows its line
//! until the source is claimed; a claimed source stays quiet until its
//! completion, after which a line still high makes it pending again.

pub const BASE: u64 = 0x0c00_0000;
pub const SIZE: u64 = 0x400_0000;
/// Sources 1..SOURCES (0 means "no interrupt"), as on QEMU's virt board.
pub const SOURCES: u32 = 96;
/// The context of hart `hart`'s M mode (its MEIP line).
pub const fn context_m(hart: usize) -> usize {
    2 * hart
}

/// The context of hart `hart`'s S mode (its SEIP line).
pub const fn context_s(hart: usize) -> usize {
    2 * hart + 1
}
/// Priorities are 3 bits wide (0 = never interrupts), as on QEMU.
const PRIORITY_MASK: u32 = 7;

const PRIORITY_BASE: u64 = 0x0;
const PENDING_BASE: u64 = 0x1000;
const ENABLE_BASE: u64 = 0x2000;
const ENABLE_STRIDE: u64 = 0x80;
const CONTEXT_BASE: u64 = 0x20_0000;
const CONTEXT_STRIDE: u64 = 0x1000;
const WORDS: u64 = SOURCES as u64 / 32;

/// One bit per source.
type SourceSet = u128;
const VALID_SOURCES: SourceSet = ((1 << SOURCES) - 1) & !1;

pub struct Plic {
    priority: [u32; SOURCES as usize],
    /// Line level last reported per source.
    level: SourceSet,
    pending: SourceSet,
    /// Claimed and not yet completed.
    in_service: SourceSet,
    /// Per context.
    enable: Vec<SourceSet>,
    threshold: Vec<u32>,
}

/// The 32 bits of `set` that register `word` shows.
fn word_of(set: SourceSet, word: u64) -> u32 {
    (set >> (32 * word)) as u32
}

fn with_word(set: SourceSet, word: u64, v: u32) -> SourceSet {
    let shift = 32 * word;
    (set & !((u32::MAX as SourceSet) << shift)) | ((v as SourceSet) << shift)
}

impl Plic {
    /// The PLIC of a board with `harts` harts (two contexts each).
    pub fn new(harts: usize) -> Self {
        Plic {
            priority: [0; SOURCES as usize],
            level: 0,
            pending: 0,
            in_service: 0,
            enable: vec![0; 2 * harts],
            threshold: vec![0; 2 * harts],
        }
    }

    /// Report the level of source `src`'s interrupt line.
    pub fn set_line(&mut self, src: u32, high: bool) {
        let bit = (1 as SourceSet).checked_shl(src).unwrap_or(0) & VALID_SOURCES;
        if bit == 0 {
            return;
        }
        if high {
            self.level |= bit;
            if self.in_service & bit == 0 {
                self.pending |= bit;
            }
        } else {
            self.level &= !bit;
            self.pending &= !bit;
        }
    }

    /// The source `ctx` would claim now: the pending, enabled source of
    /// highest priority above the threshold (lowest number among equals).
    fn best(&self, ctx: usize) -> Option<u32> {
        let mut candidates = self.pending & self.enable[ctx];
        let mut best: Option<(u32, u32)> = None;
        while candidates != 0 {
            let src = candidates.trailing_zeros();
            candidates &= candidates - 1;
            let p = self.priority[src as usize];
            if p > self.threshold[ctx] && best.is_none_or(|(_, bp)| p > bp) {
                best = Some((src, p));
            }
        }
        best.map(|(src, _)| src)
    }

    /// The external interrupt line of context `ctx` (MEIP or SEIP).
    pub fn interrupt(&self, ctx: usize) -> bool {
        self.best(ctx).is_some()
    }

    fn claim(&mut self, ctx: usize) -> u32 {
        let Some(src) = self.best(ctx) else { return 0 };
        self.pending &= !(1 << src);
        self.in_service |= 1 << src;
        src
    }

    /// Completion of a source this context may claim; others are ignored
    /// (as the PLIC specification allows).
    fn complete(&mut self, ctx: usize, src: u32) {
        let bit = (1 as SourceSet).checked_shl(src).unwrap_or(0) & VALID_SOURCES;
        if bit & self.enable[ctx] == 0 {
            return;
        }
        self.in_service &= !bit;
        if self.level & bit != 0 {
            self.pending |= bit;
        }
    }

    /// `off` is relative to `BASE`. Registers are 32-bit; other sizes and
    /// misaligned accesses are access faults.
    pub fn read(&mut self, off: u64, size: usize) -> Option<u64> {
        if size != 4 || off % 4 != 0 {
            return None;
        }
        let v = match off {
            PRIORITY_BASE..PENDING_BASE => {
                self.priority.get(((off - PRIORITY_BASE) / 4) as usize).copied().unwrap_or(0)
            }
            PENDING_BASE..ENABLE_BASE => match (off - PENDING_BASE) / 4 {
                w if w < WORDS => word_of(self.pending, w),
                _ => 0,
            },
            ENABLE_BASE..CONTEXT_BASE => match self.enable_word(off) {
                Some((ctx, w)) => word_of(self.enable[ctx], w),
                None => 0,
            },
            _ => match self.context_register(off) {
                Some((ctx, 0)) => self.threshold[ctx],
                Some((ctx, 4)) => self.claim(ctx),
                _ => 0,
            },
        };
        Some(v as u64)
    }

    pub fn write(&mut self, off: u64, size: usize, value: u64) -> bool {
        if size != 4 || off % 4 != 0 {
            return false;
        }
        let v = value as u32;
        match off {
            PRIORITY_BASE..PENDING_BASE => {
                let src = ((off - PRIORITY_BASE) / 4) as usize;
                if src != 0 && src < SOURCES as usize {
                    self.priority[src] = v & PRIORITY_MASK;
                }
            }
            // Pending bits are read-only.
            PENDING_BASE..ENABLE_BASE => {}
            ENABLE_BASE..CONTEXT_BASE => {
                if let Some((ctx, w)) = self.enable_word(off) {
                    self.enable[ctx] = with_word(self.enable[ctx], w, v) & VALID_SOURCES;
                }
            }
            _ => match self.context_register(off) {
                Some((ctx, 0)) => self.threshold[ctx] = v & PRIORITY_MASK,
                Some((ctx, 4)) => self.complete(ctx, v),
                _ => {}
            },
        }
        true
    }

    /// (context, word) of an enable register.
    fn enable_word(&self, off: u64) -> Option<(usize, u64)> {
        let ctx = ((off - ENABLE_BASE) / ENABLE_STRIDE) as usize;
        let w = (off - ENABLE_BASE) % ENABLE_STRIDE / 4;
        (ctx < self.enable.len() && w < WORDS).then_some((ctx, w))
    }

    /// (context, offset in its block) of a threshold or claim register.
    fn context_register(&self, off: u64) -> Option<(usize, u64)> {
        let rel = off.checked_sub(CONTEXT_BASE)?;
        let ctx = (rel / CONTEXT_STRIDE) as usize;
        (ctx < self.threshold.len()).then_some((ctx, rel % CONTEXT_STRIDE))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UART: u32 = 10;

    fn claim_reg(ctx: u64) -> u64 {
        CONTEXT_BASE + ctx * CONTEXT_STRIDE + 4
    }

    fn plic_with_uart_enabled() -> Plic {
        let mut p = Plic::new(1);
        assert!(p.write(4 * UART as u64, 4, 3));
        assert!(p.write(ENABLE_BASE, 4, 1 << UART));
        p
    }

    #[test]
    fn level_line_claim_and_complete() {
        let mut p = plic_with_uart_enabled();
        assert!(!p.interrupt(context_m(0)));
        p.set_line(UART, true);
        assert_eq!(p.read(PENDING_BASE, 4), Some(1 << UART));
        assert!(p.interrupt(context_m(0)));
        assert!(!p.interrupt(context_s(0)), "not enabled for S");
        assert_eq!(p.read(claim_reg(0), 4), Some(UART as u64));
        // Claimed: quiet while in service, even with the line still high.
        assert!(!p.interrupt(context_m(0)));
        p.set_line(UART, true);
        assert_eq!(p.read(claim_reg(0), 4), Some(0));
        assert!(p.write(claim_reg(0), 4, UART as u64));
        assert!(p.interrupt(context_m(0)), "line still high after completion");
        p.set_line(UART, false);
        assert!(!p.interrupt(context_m(0)));
    }

    #[test]
    fn threshold_and_priority_order() {
        let mut p = plic_with_uart_enabled();
        assert!(p.write(4 * 5, 4, 3));
        assert!(p.write(ENABLE_BASE, 4, (1 << UART) | (1 << 5)));
        p.set_line(UART, true);
        p.set_line(5, true);
        assert!(p.write(CONTEXT_BASE, 4, 3));
        assert!(!p.interrupt(context_m(0)), "priority 3 is not above threshold 3");
        assert!(p.write(CONTEXT_BASE, 4, 2));
        assert!(p.write(4 * UART as u64, 4, 0xff));
        assert_eq!(p.read(4 * UART as u64, 4), Some(7), "3-bit priorities");
        assert_eq!(p.read(claim_reg(0), 4), Some(UART as u64));
        assert_eq!(p.read(claim_reg(0), 4), Some(5));
        assert_eq!(p.read(claim_reg(0), 4), Some(0));
    }

    #[test]
    fn bad_accesses_fault_and_source_zero_is_inert() {
        let mut p = Plic::new(1);
        assert_eq!(p.read(0, 8), None);
        assert_eq!(p.read(2, 4), None);
        assert!(!p.write(CONTEXT_BASE, 1, 0));
        assert!(p.write(0, 4, 7));
        assert_eq!(p.read(0, 4), Some(0));
        p.set_line(0, true);
        p.set_line(200, true);
        assert_eq!(p.read(PENDING_BASE, 4), Some(0));
        assert!(p.write(claim_reg(1), 4, u32::MAX as u64));
        assert_eq!(p.read(CONTEXT_BASE + 5 * CONTEXT_STRIDE, 4), Some(0));
    }
}
