//! Background compilation: compiler threads, shared by every machine of
//! the process, turn hot regions into machine code while their guests go
//! on interpreting.
//!
//! A machine hands a region's instructions (a copy) to the pool through
//! its `CompileQueue` and gets back plain bytes: the threads own no
//! executable memory and hold no pointer into any machine, so a machine
//! may be dropped with compiles in flight (their results are thrown
//! away). Installing the bytes, and deciding whether they are still
//! valid, is the machine's business, at a point between blocks.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use super::{Compiler, RegionInsts};
use crate::isa::Inst;

/// Most compiler threads in the pool (fewer on hosts with fewer cores:
/// one core is left to the guests).
const MAX_THREADS: usize = 4;

/// Environment variable that turns background compilation on ("1") for
/// machines that do not choose.
pub const ENV: &str = "VMJIT_BACKGROUND_COMPILE";

/// Whether machines compile in the background unless told otherwise: off
/// unless the environment says "1". Measured on a 2-core host (one
/// compiler thread), 1000 machines running tests/guest/bin/bench 10
/// under `auto` at once took 9.6-10.3 s compiling in line and 11.8-13.4 s
/// in the background: the one thread could not keep up, and their share
/// of compiled instructions fell from 89% to 21-24%; single runs
/// (benches/guest intmix 100, nbody 8000) were no faster either.
pub fn enabled_by_default() -> bool {
    static CHOICE: OnceLock<bool> = OnceLock::new();
    *CHOICE.get_or_init(|| std::env::var(ENV).is_ok_and(|v| v.trim() == "1"))
}

/// One region to compile.
struct Job {
    /// The caller's names for the request, returned with the result.
    key: u32,
    ticket: u64,
    insts: RegionInsts,
    /// Gone when the machine was dropped: the job is skipped.
    owner: Weak<()>,
    reply: Sender<Finished>,
}

/// A compiled (or rejected) region, back from the pool.
pub struct Finished {
    pub key: u32,
    pub ticket: u64,
    /// The region's instructions: the code refers to them by address.
    pub insts: RegionInsts,
    pub code: Result<Vec<u8>, String>,
    /// Time the compiler spent on it.
    pub took: Duration,
}

/// The process's compiler threads, started on first use; None when no
/// thread could be started (machines then compile synchronously).
fn pool() -> Option<&'static Sender<Job>> {
    static POOL: OnceLock<Option<Sender<Job>>> = OnceLock::new();
    POOL.get_or_init(start_pool).as_ref()
}

fn start_pool() -> Option<Sender<Job>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let threads = cores.saturating_sub(1).clamp(1, MAX_THREADS);
    let (tx, rx) = channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    let mut started = 0;
    for i in 0..threads {
        let rx = Arc::clone(&rx);
        let spawned = std::thread::Builder::new().name(format!("vmjit-compile-{i}")).spawn(move || serve(&rx));
        started += spawned.is_ok() as usize;
    }
    (started > 0).then_some(tx)
}

/// A compiler thread: take jobs until the process ends.
fn serve(jobs: &Mutex<Receiver<Job>>) {
    let mut compiler = Compiler::new().map_err(|e| e.0);
    loop {
        let job = match jobs.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        if job.owner.strong_count() == 0 {
            continue;
        }
        let t0 = Instant::now();
        let code = match &mut compiler {
            Ok(c) => compile(c, &job.insts),
            Err(e) => Err(e.clone()),
        };
        let took = t0.elapsed();
        let Job { key, ticket, insts, reply, .. } = job;
        // The machine may be gone meanwhile: then nobody wants the result.
        let _ = reply.send(Finished { key, ticket, insts, code, took });
    }
}

/// Compile one region; a panic inside Cranelift becomes an error, so the
/// thread lives on and the region stays interpreted.
fn compile(compiler: &mut Compiler, insts: &RegionInsts) -> Result<Vec<u8>, String> {
    let views: Vec<(u64, &[Inst])> = insts.iter().map(|(pc, i)| (*pc, &i[..])).collect();
    catch_unwind(AssertUnwindSafe(|| compiler.compile_region(&views).map(<[u8]>::to_vec)))
        .unwrap_or_else(|_| Err("the compiler panicked".into()))
}

/// One machine's line to the pool: requests out, results back.
pub struct CompileQueue {
    jobs: &'static Sender<Job>,
    reply: Sender<Finished>,
    finished: Receiver<Finished>,
    /// Requests sent and not yet taken back.
    in_flight: usize,
    next_ticket: u64,
    /// Requests kept back while held (`hold`).
    held: Option<Vec<Job>>,
    alive: Arc<()>,
}

impl CompileQueue {
    /// A queue to the process's pool, None when the pool cannot run.
    pub fn new() -> Option<CompileQueue> {
        let jobs = pool()?;
        let (reply, finished) = channel();
        Some(CompileQueue { jobs, reply, finished, in_flight: 0, next_ticket: 0, held: None, alive: Arc::new(()) })
    }

    /// Ask for region `insts` to be compiled; `key` comes back with the
    /// result. The request's ticket, unique in this queue.
    pub fn submit(&mut self, key: u32, insts: RegionInsts) -> u64 {
        self.next_ticket += 1;
        let ticket = self.next_ticket;
        let job = Job { key, ticket, insts, owner: Arc::downgrade(&self.alive), reply: self.reply.clone() };
        match &mut self.held {
            Some(held) => held.push(job),
            None => self.send(job),
        }
        ticket
    }

    fn send(&mut self, job: Job) {
        let sent = self.jobs.send(job).is_ok();
        // The pool never stops while the process runs; were it gone, the
        // request would just never come back and its block stay interpreted.
        self.in_flight += sent as usize;
    }

    /// Requests sent to the pool and not yet taken back.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }

    /// A result, if one is back.
    pub fn try_take(&mut self) -> Option<Finished> {
        self.take(|finished| finished.try_recv().ok())
    }

    /// The next result, waiting for it; None when no request is in flight.
    pub fn wait_take(&mut self) -> Option<Finished> {
        self.take(|finished| finished.recv().ok())
    }

    /// A result `receive` gets from the channel, counted out of flight.
    fn take(&mut self, receive: impl FnOnce(&Receiver<Finished>) -> Option<Finished>) -> Option<Finished> {
        if self.in_flight == 0 {
            return None;
        }
        let done = receive(&self.finished)?;
        self.in_flight -= 1;
        Some(done)
    }

    /// Keep new requests back (`on`), or send those kept and let new ones
    /// go: lets a caller decide when compiles happen relative to the guest.
    pub fn hold(&mut self, on: bool) {
        match (on, self.held.take()) {
            (true, held) => self.held = Some(held.unwrap_or_default()),
            (false, Some(held)) => held.into_iter().for_each(|job| self.send(job)),
            (false, None) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::isa::{Inst, Op};

    fn addi() -> Inst {
        Inst { op: Op::Addi, rd: 1, rs1: 1, rs2: 0, rs3: 0, rm: 0, len: 4, imm: 1 }
    }

    #[test]
    fn results_come_back_with_their_key_and_ticket() {
        let mut q = CompileQueue::new().expect("compiler threads");
        let a = q.submit(7, vec![(0x1000, vec![addi()].into())]);
        let b = q.submit(9, vec![(0x2000, vec![addi(), addi()].into())]);
        assert_ne!(a, b);
        let mut got = [q.wait_take().unwrap(), q.wait_take().unwrap()];
        got.sort_by_key(|f| f.ticket);
        assert_eq!((got[0].key, got[0].ticket), (7, a));
        assert_eq!((got[1].key, got[1].ticket), (9, b));
        assert!(got.iter().all(|f| f.code.as_ref().is_ok_and(|c| !c.is_empty())));
        assert!(q.wait_take().is_none());
    }

    #[test]
    fn held_requests_wait_for_release() {
        let mut q = CompileQueue::new().expect("compiler threads");
        q.hold(true);
        q.submit(1, vec![(0x1000, vec![addi()].into())]);
        assert_eq!(q.in_flight(), 0);
        assert!(q.wait_take().is_none());
        q.hold(false);
        assert_eq!(q.in_flight(), 1);
        assert_eq!(q.wait_take().unwrap().key, 1);
    }
}
