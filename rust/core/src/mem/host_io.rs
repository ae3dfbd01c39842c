//! Physical memory the host serves: devices whose registers live in the
//! embedding program (Python), and RAM pages the host fills on their first
//! touch (lazy loading of images and snapshots).
//!
//! The run loop never calls into the host. An access it cannot complete by
//! itself records a `HostRequest` and fails; the engine sees the request,
//! leaves `pc` at the accessing instruction and stops. The host serves the
//! request (`complete_host_request`) and runs the machine again, which
//! executes the same instruction once more. A completed device access is
//! kept in a replay log that this re-execution consumes in order, matching
//! address, size, kind (and, for writes, the value), so a device sees each
//! access of the instruction exactly once and a completed value can only
//! be consumed by the access it was served for. An AMO on host device
//! memory is a read and a write: the instruction runs three times, the
//! last one consuming both. The engine runs the replayed instruction alone
//! (no interrupt before it, no other instruction after it) and then drops
//! the log.
//!
//! Pages of host ranges are not RAM, so they never enter a TLB: compiled
//! code leaves for the interpreter before touching them.

use super::{Access, FaultKind, MemFault, Memory, PAGE_MASK, PAGE_SIZE};

/// What the host must do before the stopped instruction can run again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostRequest {
    /// Read `size` bytes (1, 2, 4 or 8) at physical `addr` of a host range.
    Read { addr: u64, size: u8 },
    /// Write the low `size` bytes of `value` at physical `addr`.
    Write { addr: u64, size: u8, value: u64 },
    /// Supply the content of the RAM page at physical `addr` (page aligned).
    FillPage { addr: u64 },
}

/// The host's answer to a `HostRequest`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostReply<'a> {
    /// The value a read returned (only its low `size` bytes are used).
    Read(u64),
    /// The write was done.
    Write,
    /// The page's content; None leaves it zero-filled.
    Page(Option<&'a [u8; PAGE_SIZE as usize]>),
}

/// Why a range cannot be given to the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MmioRangeError {
    #[error("the range is empty")]
    Empty,
    #[error("the range wraps around the end of the address space")]
    Wraps,
    #[error("the range overlaps {0}")]
    Overlaps(&'static str),
    #[error("only a system-mode machine has a physical bus")]
    NotSystem,
}

/// Why a reply was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HostReplyError {
    #[error("no host request is outstanding")]
    NoRequest,
    #[error("the reply does not answer the outstanding request")]
    Mismatch,
}

/// A device access the host completed, waiting for the re-executed
/// instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Completed {
    Read { addr: u64, size: u8, value: u64 },
    Write { addr: u64, size: u8, value: u64 },
}

/// The host's part of a system bus: its ranges, lazy RAM, the request
/// outstanding and the served accesses waiting for their instruction.
#[derive(Default)]
pub(super) struct HostIo {
    /// Host device ranges as [start, end), unordered (there are few).
    ranges: Vec<(u64, u64)>,
    /// RAM pages are filled by the host on first touch.
    lazy_ram: bool,
    /// The request of the access that failed last, until served.
    request: Option<HostRequest>,
    /// pc of the instruction the request stopped.
    request_pc: u64,
    /// Completed device accesses of the instruction at `replay_pc`.
    replay: Vec<Completed>,
    /// pc of the instruction `replay` belongs to.
    replay_pc: u64,
    /// Entries of `replay` consumed by the current execution.
    replayed: usize,
}

impl HostIo {
    /// The host range holding physical `addr`, as [start, end).
    pub(super) fn range_of(&self, addr: u64) -> Option<(u64, u64)> {
        self.ranges.iter().copied().find(|&(s, e)| addr >= s && addr < e)
    }

    pub(super) fn lazy_ram(&self) -> bool {
        self.lazy_ram
    }

    pub(super) fn request_page(&mut self, addr: u64) {
        self.request = Some(HostRequest::FillPage { addr: addr & !PAGE_MASK });
    }

    /// The value of a read of a host range, when the host already served
    /// it for this instruction; else the read becomes the request.
    pub(super) fn read(&mut self, addr: u64, size: u8) -> Option<u64> {
        if let Some(&Completed::Read { addr: a, size: s, value }) = self.replay.get(self.replayed) {
            if (a, s) == (addr, size) {
                self.replayed += 1;
                return Some(value);
            }
        }
        self.replay.truncate(self.replayed);
        self.request = Some(HostRequest::Read { addr, size });
        None
    }

    /// True when the host already did this write for this instruction;
    /// else the write becomes the request.
    pub(super) fn write(&mut self, addr: u64, size: u8, value: u64) -> bool {
        let done = Completed::Write { addr, size, value };
        if self.replay.get(self.replayed) == Some(&done) {
            self.replayed += 1;
            return true;
        }
        self.replay.truncate(self.replayed);
        self.request = Some(HostRequest::Write { addr, size, value });
        false
    }
}

impl Memory {
    fn host_io(&mut self) -> Option<&mut HostIo> {
        self.system.as_mut().map(|b| &mut b.host)
    }

    /// Let the host serve the physical range [base, base+size): guest
    /// accesses to it become `HostRequest`s. It must not overlap RAM, a
    /// built-in device or another host range.
    pub fn map_host_range(&mut self, base: u64, size: u64) -> Result<(), MmioRangeError> {
        if size == 0 {
            return Err(MmioRangeError::Empty);
        }
        let end = base.checked_add(size).ok_or(MmioRangeError::Wraps)?;
        let ram = self.regions().any(|r| r.start < end && base < r.end);
        let Some(bus) = self.system.as_mut() else { return Err(MmioRangeError::NotSystem) };
        if ram {
            return Err(MmioRangeError::Overlaps("RAM"));
        }
        if bus.devices.overlaps(base, end) {
            return Err(MmioRangeError::Overlaps("a built-in device"));
        }
        if bus.host.ranges.iter().any(|&(s, e)| s < end && base < e) {
            return Err(MmioRangeError::Overlaps("another mapped device"));
        }
        bus.host.ranges.push((base, end));
        Ok(())
    }

    /// Have the host fill each RAM page on the guest's first touch of it
    /// (read, write, fetch or page-table walk). Pages already present
    /// (written by the loader or through `poke`) are not asked for; a
    /// `peek` of an absent page reads zeros and leaves it absent.
    pub fn set_lazy_ram(&mut self, on: bool) -> Result<(), MmioRangeError> {
        let host = self.host_io().ok_or(MmioRangeError::NotSystem)?;
        host.lazy_ram = on;
        Ok(())
    }

    /// Forget a request left unserved (a run starts): re-executing its
    /// instruction raises it again.
    pub fn clear_host_request(&mut self) {
        if let Some(host) = self.host_io() {
            host.request = None;
        }
    }

    /// True when the access that failed last raised a host request.
    #[inline]
    pub fn host_request_raised(&self) -> bool {
        self.system.as_ref().is_some_and(|b| b.host.request.is_some())
    }

    /// Called by the engine when it stops for the raised request at `pc`:
    /// the next execution starts consuming the replay log from its start.
    pub fn stop_for_host_request(&mut self, pc: u64) {
        if let Some(host) = self.host_io() {
            host.request_pc = pc;
            host.replayed = 0;
        }
    }

    /// The request the machine stopped for, if it is not served yet.
    pub fn host_request(&self) -> Option<HostRequest> {
        self.system.as_ref().and_then(|b| b.host.request)
    }

    /// Serve the outstanding request. Device replies wait in the replay
    /// log for the re-executed instruction; a page is filled at once.
    pub fn complete_host_request(&mut self, reply: HostReply<'_>) -> Result<(), HostReplyError> {
        let host = self.host_io().ok_or(HostReplyError::NoRequest)?;
        let request = host.request.ok_or(HostReplyError::NoRequest)?;
        let done = match (request, reply) {
            (HostRequest::Read { addr, size }, HostReply::Read(value)) => Completed::Read { addr, size, value },
            (HostRequest::Write { addr, size, value }, HostReply::Write) => Completed::Write { addr, size, value },
            (HostRequest::FillPage { addr }, HostReply::Page(data)) => {
                host.request = None;
                self.fill_page(addr, data);
                return Ok(());
            }
            _ => return Err(HostReplyError::Mismatch),
        };
        host.request = None;
        if host.replay_pc != host.request_pc {
            host.replay.clear();
        }
        host.replay_pc = host.request_pc;
        host.replay.push(done);
        Ok(())
    }

    /// pc of the instruction that must run alone next to consume served
    /// device accesses, if any wait.
    #[inline]
    pub fn host_replay_pc(&self) -> Option<u64> {
        let host = &self.system.as_ref()?.host;
        (!host.replay.is_empty()).then_some(host.replay_pc)
    }

    /// The replayed instruction ran (or the guest went elsewhere): drop the
    /// served accesses it did not consume.
    pub fn end_host_replay(&mut self) {
        if let Some(host) = self.host_io() {
            host.replay.clear();
            host.replayed = 0;
        }
    }

    /// Make the absent RAM page at `addr` present with `data` (zeros when
    /// None). A page that became present meanwhile keeps its content
    /// unless data is given.
    fn fill_page(&mut self, addr: u64, data: Option<&[u8; PAGE_SIZE as usize]>) {
        if self.regions.find(addr).is_none() {
            return;
        }
        let page = self.pages.entry(addr >> 12).or_insert_with(|| Box::new([0; PAGE_SIZE as usize]));
        if let Some(data) = data {
            page.copy_from_slice(data);
            self.note_code_write(addr & !PAGE_MASK, PAGE_SIZE as usize);
        }
    }

    /// `peek` while the host fills RAM: absent pages read as zeros and stay
    /// absent, so the guest's first touch still asks the host.
    pub(super) fn peek_lazy(&mut self, addr: u64, buf: &mut [u8]) -> Result<(), MemFault> {
        let fault = |a| MemFault { addr: a, access: Access::Read, kind: FaultKind::Unmapped };
        let mut done = 0usize;
        let mut a = addr;
        while done < buf.len() {
            if self.regions.find(a).is_none() {
                return Err(fault(a));
            }
            let off = (a & PAGE_MASK) as usize;
            let n = (PAGE_SIZE as usize - off).min(buf.len() - done);
            match self.pages.get(&(a >> 12)) {
                Some(page) => buf[done..done + n].copy_from_slice(&page[off..off + n]),
                None => buf[done..done + n].fill(0),
            }
            done += n;
            a = a.checked_add(n as u64).ok_or(fault(u64::MAX))?;
        }
        Ok(())
    }
}
