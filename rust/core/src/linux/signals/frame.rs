//! The riscv64 rt_sigframe (arch/riscv/kernel/signal.c): a siginfo
//! followed by a ucontext whose mcontext holds pc, x1..x31, the D-extension
//! state f0..f31 + fcsr, and the extension-context chain, here just the
//! END header since the hart has no vector state.
//!
//! Offsets (glibc sys/ucontext.h, asm/sigcontext.h): ucontext at 128;
//! within it uc_stack at 16, uc_sigmask at 40 (in a 128-byte sigset area),
//! uc_mcontext at 176 (16-byte aligned): 32 general slots (slot 0 is pc),
//! then the 528-byte FP union: f[32] at 256, fcsr at 512, reserved word at
//! 516, END header (magic, size) at 520.

use crate::hart::Hart;

pub const SIGINFO_SIZE: usize = 128;
const UC: usize = SIGINFO_SIZE;
const UC_STACK: usize = UC + 16;
const UC_SIGMASK: usize = UC + 40;
const MCONTEXT: usize = UC + 176;
const FP: usize = MCONTEXT + 256;
const FCSR: usize = FP + 256;
const EXT_RESERVED: usize = FP + 516;
const EXT_END_HDR: usize = FP + 520;
/// sizeof(struct rt_sigframe): siginfo + the 960-byte ucontext.
pub const FRAME_SIZE: usize = UC + 960;
/// Offset of the ucontext in the frame (a2 for the handler).
pub const UCONTEXT_OFFSET: u64 = UC as u64;

/// What a frame records besides the registers.
pub struct Saved {
    pub mask: u64,
    /// uc_stack: ss_sp, ss_flags, ss_size.
    pub stack: (u64, u32, u64),
}

fn put(b: &mut [u8], at: usize, v: u64) {
    b[at..at + 8].copy_from_slice(&v.to_le_bytes());
}

fn get(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or_default())
}

fn get32(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap_or_default())
}

/// The bytes of a frame for `hart` as it is before the handler runs.
pub fn build(hart: &Hart, info: &[u8; SIGINFO_SIZE], saved: &Saved) -> Vec<u8> {
    let mut b = vec![0u8; FRAME_SIZE];
    b[..SIGINFO_SIZE].copy_from_slice(info);
    // uc_flags and uc_link stay zero.
    let (ss_sp, ss_flags, ss_size) = saved.stack;
    put(&mut b, UC_STACK, ss_sp);
    b[UC_STACK + 8..UC_STACK + 12].copy_from_slice(&ss_flags.to_le_bytes());
    put(&mut b, UC_STACK + 16, ss_size);
    put(&mut b, UC_SIGMASK, saved.mask);
    put(&mut b, MCONTEXT, hart.pc);
    for r in 1..32 {
        put(&mut b, MCONTEXT + r * 8, hart.x[r]);
    }
    for r in 0..32 {
        put(&mut b, FP + r * 8, hart.f[r]);
    }
    b[FCSR..FCSR + 4].copy_from_slice(&(hart.fcsr() as u32).to_le_bytes());
    // The END header is magic 0, size 0: already zero.
    b
}

/// Registers and state read back from a frame by rt_sigreturn.
pub struct Restored {
    pub pc: u64,
    pub x: [u64; 32],
    pub f: [u64; 32],
    pub fcsr: u32,
    pub saved: Saved,
}

/// Parse a frame's ucontext as the kernel's restore_sigcontext does; None
/// for a frame it would refuse (a nonzero reserved word, an extension
/// header other than a well-formed END).
pub fn parse(b: &[u8]) -> Option<Restored> {
    if b.len() < FRAME_SIZE {
        return None;
    }
    if get32(b, EXT_RESERVED) != 0 || get32(b, EXT_END_HDR) != 0 || get32(b, EXT_END_HDR + 4) != 0 {
        return None;
    }
    let mut x = [0u64; 32];
    for (r, slot) in x.iter_mut().enumerate().skip(1) {
        *slot = get(b, MCONTEXT + r * 8);
    }
    let mut f = [0u64; 32];
    for (r, slot) in f.iter_mut().enumerate() {
        *slot = get(b, FP + r * 8);
    }
    Some(Restored {
        pc: get(b, MCONTEXT),
        x,
        f,
        fcsr: get32(b, FCSR),
        saved: Saved {
            mask: get(b, UC_SIGMASK),
            stack: (get(b, UC_STACK), get32(b, UC_STACK + 8), get(b, UC_STACK + 16)),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_built_frame_parses_back_to_the_same_state() {
        let mut h = Hart::new();
        h.pc = 0x1234;
        for r in 1..32 {
            h.x[r] = r as u64 * 3;
            h.f[r] = r as u64 * 5;
        }
        h.set_fcsr(0b101_00011);
        let frame = build(&h, &[7u8; SIGINFO_SIZE], &Saved { mask: 0x10, stack: (0x5000, 2, 4096) });
        assert_eq!(frame.len(), 1088);
        assert_eq!(get(&frame, 128 + 176), 0x1234);
        assert_eq!(get(&frame, 128 + 176 + 10 * 8), 30);
        assert_eq!(get32(&frame, 128 + 688), 0b101_00011);
        let r = parse(&frame).unwrap();
        assert_eq!((r.pc, r.x, r.f, r.fcsr), (h.pc, h.x, h.f, 0b101_00011));
        assert_eq!((r.saved.mask, r.saved.stack), (0x10, (0x5000, 2, 4096)));
    }

    #[test]
    fn a_frame_with_an_unknown_extension_is_refused() {
        let mut frame = build(&Hart::new(), &[0u8; SIGINFO_SIZE], &Saved { mask: 0, stack: (0, 2, 0) });
        frame[EXT_END_HDR..EXT_END_HDR + 4].copy_from_slice(&0x5356_1234u32.to_le_bytes());
        assert!(parse(&frame).is_none());
        assert!(parse(&frame[..100]).is_none());
    }
}
