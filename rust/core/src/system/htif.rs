//! HTIF, the host-target interface of Spike and the riscv-tests: the guest
//! stores a command into the `tohost` word and the host answers through
//! `fromhost`. Commands: device 0 command 0 with bit 0 set ends the run
//! (value >> 1 is the exit code, 0 = pass); device 1 command 1 writes the
//! low byte to the console.

use crate::mem::Memory;

pub struct Htif {
    pub tohost: u64,
    pub fromhost: Option<u64>,
}

/// What a command asks of the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Nothing to do (tohost is zero).
    None,
    Exit(u64),
    Putchar(u8),
    /// A command this board does not implement (e.g. the syscall proxy).
    Unsupported(u64),
}

impl Htif {
    /// Read and acknowledge the pending command: tohost is cleared, and a
    /// console write is answered in fromhost as Spike does.
    pub fn take(&self, mem: &mut Memory) -> Command {
        let mut b = [0u8; 8];
        if mem.peek(self.tohost, &mut b).is_err() {
            return Command::None;
        }
        let v = u64::from_le_bytes(b);
        if v == 0 {
            return Command::None;
        }
        let (device, cmd, payload) = (v >> 56, (v >> 48) & 0xff, v & ((1 << 48) - 1));
        let command = match (device, cmd) {
            (0, 0) if payload & 1 == 1 => return Command::Exit(payload >> 1),
            (1, 1) => Command::Putchar(payload as u8),
            _ => Command::Unsupported(v),
        };
        // Both words lie in RAM (checked at load); a failure is impossible.
        let _ = mem.poke(self.tohost, &0u64.to_le_bytes());
        if let (Some(from), Command::Putchar(_)) = (self.fromhost, &command) {
            let _ = mem.poke(from, &((device << 56) | (cmd << 48)).to_le_bytes());
        }
        command
    }
}
