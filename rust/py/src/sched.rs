//! The worker pool that runs awaited machines: a fair-share scheduler.
//!
//! Each awaited run is a job that runs one slice at a time. Jobs wait in a
//! queue ordered by virtual time, the instructions they have run divided by
//! their priority (as in a fair-share CPU scheduler), and a worker always
//! takes the job that is furthest behind. So every machine progresses at a
//! rate proportional to its priority whatever the order the runs started
//! in, and a machine of priority 3 runs three times the instructions of a
//! machine of priority 1 while both are busy. A job that arrives starts at
//! the current virtual time, so it neither starves the others nor waits
//! behind their history.
//!
//! There is one worker thread per host core. The awaiting side holds only
//! the receiving end of a oneshot channel: dropping it (cancellation)
//! releases a queued job at once, or a running one at the end of its
//! slice, leaving the machine consistent and resumable.

use std::cmp::Ordering as CmpOrdering;
use std::collections::BinaryHeap;
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Condvar, Mutex, OnceLock};

use pyo3::PyResult;
use tokio::sync::oneshot;

use vmjit_core::engine::{self, StopKind, StopReason};

use crate::run::{self, RunGuard, Waits};

/// One awaited run.
pub struct Job {
    pub machine: Arc<Mutex<engine::Machine>>,
    /// Instructions still to run (None: until the guest stops).
    pub remaining: Option<u64>,
    pub slice: u64,
    /// Relative share of the workers, at least 1.
    pub priority: u64,
    /// The run's claim on the machine, given up when the job ends or is
    /// cancelled while queued.
    pub guard: Arc<Mutex<Option<RunGuard>>>,
    /// The machine's instruction count, published after every slice.
    pub progress: Arc<AtomicU64>,
    pub done: oneshot::Sender<PyResult<StopReason>>,
}

struct Queued {
    vtime: u64,
    /// Arrival order, so jobs with the same virtual time take turns.
    seq: u64,
    job: Job,
}

impl PartialEq for Queued {
    fn eq(&self, o: &Self) -> bool {
        (self.vtime, self.seq) == (o.vtime, o.seq)
    }
}

impl Eq for Queued {}

impl PartialOrd for Queued {
    fn partial_cmp(&self, o: &Self) -> Option<CmpOrdering> {
        Some(self.cmp(o))
    }
}

impl Ord for Queued {
    /// Reversed: the max-heap's top is the job furthest behind.
    fn cmp(&self, o: &Self) -> CmpOrdering {
        (o.vtime, o.seq).cmp(&(self.vtime, self.seq))
    }
}

#[derive(Default)]
struct Queue {
    heap: BinaryHeap<Queued>,
    /// Virtual time of the job most recently taken: where new jobs start.
    now: u64,
    seq: u64,
}

impl Queue {
    fn push(&mut self, vtime: u64, job: Job) {
        self.seq += 1;
        self.heap.push(Queued { vtime, seq: self.seq, job });
    }

    /// Take the job furthest behind, if any.
    fn pop(&mut self) -> Option<Queued> {
        let top = self.heap.pop()?;
        self.now = self.now.max(top.vtime);
        Some(top)
    }

    /// Put back a job whose slice ended and take the one furthest behind
    /// (it may be the same): the queue's length is unchanged, so no
    /// sleeping worker needs waking.
    fn requeue(&mut self, vtime: u64, job: Job) -> Queued {
        self.push(vtime, job);
        self.pop().expect("a job was just queued")
    }
}

struct Pool {
    queue: Mutex<Queue>,
    ready: Condvar,
}

static POOL: OnceLock<Arc<Pool>> = OnceLock::new();

fn pool() -> &'static Arc<Pool> {
    POOL.get_or_init(|| {
        let pool = Arc::new(Pool { queue: Mutex::new(Queue::default()), ready: Condvar::new() });
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        for i in 0..workers {
            let p = pool.clone();
            std::thread::Builder::new()
                .name(format!("vmjit-worker-{i}"))
                .spawn(move || work(&p))
                .expect("cannot start a vmjit worker thread");
        }
        pool
    })
}

/// Queue `job` to start at the current virtual time.
pub fn submit(job: Job) {
    let p = pool();
    let mut q = lock_queue(p);
    let now = q.now;
    q.push(now, job);
    drop(q);
    p.ready.notify_one();
}

fn lock_queue(p: &Pool) -> std::sync::MutexGuard<'_, Queue> {
    // The queue stays valid even if a worker panicked while holding it:
    // every update is a single push or pop.
    p.queue.lock().unwrap_or_else(|e| e.into_inner())
}

/// A worker: run the job furthest behind for a slice, again and again. A
/// slice switch takes the queue's lock once and wakes no other thread, so
/// a lone job keeps its worker (and its caches) from slice to slice.
fn work(p: &Pool) {
    let mut next = None;
    loop {
        let Queued { vtime, job, .. } = match next.take() {
            Some(queued) => queued,
            None => wait_for_job(p),
        };
        next = run_slice(vtime, job).map(|(vtime, job)| lock_queue(p).requeue(vtime, job));
    }
}

fn wait_for_job(p: &Pool) -> Queued {
    let mut q = lock_queue(p);
    loop {
        if let Some(top) = q.pop() {
            return top;
        }
        q = p.ready.wait(q).unwrap_or_else(|e| e.into_inner());
    }
}

/// Run one slice of `job`; the job back with its new virtual time when it
/// has more to run.
fn run_slice(vtime: u64, mut job: Job) -> Option<(u64, Job)> {
    if job.done.is_closed() {
        // Cancelled: the awaiting side is gone.
        job.guard.lock().unwrap_or_else(|e| e.into_inner()).take();
        return None;
    }
    let this_slice = job.remaining.map_or(job.slice, |r| r.min(job.slice));
    let result = run::run_blocking(&job.machine, Some(this_slice), &job.progress, Waits::Owner);
    let finished = match &result {
        Ok((stop, retired)) if stop.kind == StopKind::Budget => {
            if let Some(r) = job.remaining.as_mut() {
                *r -= retired;
            }
            job.remaining == Some(0)
        }
        _ => true,
    };
    if finished {
        // Give the machine back before the awaiting side hears of it, so it
        // can inspect or run the machine again at once.
        job.guard.lock().unwrap_or_else(|e| e.into_inner()).take();
        let _ = job.done.send(result.map(|(stop, _)| stop));
        return None;
    }
    Some((vtime.saturating_add(this_slice.div_ceil(job.priority)), job))
}
