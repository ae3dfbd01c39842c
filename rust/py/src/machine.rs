//! `vmjit._core.Machine`: one guest machine.
//!
//! The Python layer (python/vmjit/machine.py) builds the public API on top of
//! these primitives.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::exceptions::{PyIndexError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use tokio::sync::oneshot;

use vmjit_core::engine::{self, EngineKind, StopKind, StopReason};
use vmjit_core::linux::{read_program, Input, LinuxConfig, LinuxOptions, Output};
use vmjit_core::mem::HostReply;
use vmjit_core::system::SystemConfig;

use crate::errors::{to_py, VmError};
use crate::host_io;
use crate::run::{self, RunGuard};
use crate::sched;

/// Gives up a run's claim on its machine when the awaiting side goes away
/// (the task was cancelled): a queued job then never runs again, and a job
/// in the middle of a slice keeps the machine locked until the slice ends,
/// which a guest blocked in the host is asked to make prompt.
struct ReleaseOnDrop(Arc<Mutex<Option<RunGuard>>>, run::Cancel);

impl Drop for ReleaseOnDrop {
    fn drop(&mut self) {
        // Still held: the run has not finished, so it is being cancelled.
        if self.0.lock().unwrap_or_else(|e| e.into_inner()).take().is_some() {
            self.1.request();
        }
    }
}

#[pyclass(module = "vmjit._core")]
pub struct Machine {
    inner: Arc<Mutex<engine::Machine>>,
    /// Set while a run (sync or async) owns the machine.
    running: Arc<AtomicBool>,
    /// Instructions retired as of the end of the last run or slice:
    /// readable while the machine runs.
    progress: Arc<AtomicU64>,
    engine: String,
}

/// A stop reason as a plain tuple for the Python layer:
/// (kind, exit_code, signal, pc, fault_addr, access, bits, message).
pub type StopTuple = (&'static str, Option<i32>, Option<i32>, u64, Option<u64>, Option<&'static str>, Option<u32>, String);

impl Machine {
    /// The machine, unless a run owns it: inspection and runs must wait for
    /// the running one (await it or cancel it).
    pub(crate) fn machine(&self) -> PyResult<MutexGuard<'_, engine::Machine>> {
        if self.running.load(Ordering::Acquire) {
            return Err(VmError::new_err("the machine is running: await or cancel the run first"));
        }
        lock(&self.inner)
    }
}

/// Hart `hart` of `m`, or its current hart for None.
fn hart_of(m: &mut engine::Machine, hart: Option<usize>) -> PyResult<&mut vmjit_core::hart::Hart> {
    let id = hart.unwrap_or_else(|| m.current_hart());
    m.hart_at_mut(id).ok_or_else(|| PyIndexError::new_err(format!("no hart {id}")))
}

/// Register `i` of a register file (`file` names it: "x" or "f").
fn register<'a>(regs: &'a mut [u64; 32], i: usize, file: &str) -> PyResult<&'a mut u64> {
    regs.get_mut(i).ok_or_else(|| PyIndexError::new_err(format!("{file} register index out of range")))
}

/// Lock a machine; a poisoned lock (a panic inside a run) is reported, not
/// propagated as a panic.
pub fn lock(m: &Mutex<engine::Machine>) -> PyResult<MutexGuard<'_, engine::Machine>> {
    m.lock().map_err(|_| VmError::new_err("the machine is unusable after an internal error in an earlier run"))
}

pub fn stop_tuple(s: StopReason) -> StopTuple {
    (
        s.kind.as_str(),
        s.exit_code,
        s.signal,
        s.pc,
        s.fault_addr,
        s.access.map(|a| a.as_str()),
        s.bits,
        s.message,
    )
}

/// The engines this build can run: the JIT only where the host lets it
/// generate code.
#[pyfunction]
pub fn available_engines() -> Vec<&'static str> {
    if vmjit_core::jit::Jit::new().is_ok() {
        vec!["auto", "jit", "interp"]
    } else {
        vec!["auto", "interp"]
    }
}

fn engine_kind(engine: &str) -> PyResult<EngineKind> {
    match engine {
        "auto" => Ok(EngineKind::Auto),
        "jit" => Ok(EngineKind::Jit),
        "interp" => Ok(EngineKind::Interp),
        other => Err(PyValueError::new_err(format!(
            "unknown engine {other:?}: expected 'auto', 'jit' or 'interp'"
        ))),
    }
}

#[pymethods]
impl Machine {
    /// A Linux user-mode machine for the ELF executable `image`.
    /// `stdin` None inherits the host's stdin; bytes are fed then EOF.
    /// `sysroot` is the host directory standing in for the guest's `/`
    /// (as with qemu-riscv64 -L), where a dynamically linked program's
    /// interpreter and libraries are looked up first. `root`: confine the
    /// guest to this directory (exclusive with `sysroot`); `image` None
    /// reads the program `exec_path` from inside it.
    #[staticmethod]
    #[pyo3(signature = (image, exec_path, argv, envp, stdin, capture_stdout, capture_stderr, engine, sysroot=None, root=None))]
    #[allow(clippy::too_many_arguments)]
    fn linux(
        py: Python<'_>,
        image: Option<Vec<u8>>,
        exec_path: Vec<u8>,
        argv: Vec<Vec<u8>>,
        envp: Vec<Vec<u8>>,
        stdin: Option<Vec<u8>>,
        capture_stdout: bool,
        capture_stderr: bool,
        engine: String,
        sysroot: Option<PathBuf>,
        root: Option<PathBuf>,
    ) -> PyResult<Machine> {
        let kind = engine_kind(&engine)?;
        let output = |capture| if capture { Output::Capture } else { Output::Inherit };
        let config = LinuxConfig {
            argv,
            envp,
            exec_path,
            stdin: stdin.map_or(Input::Inherit, Input::Bytes),
            stdout: output(capture_stdout),
            stderr: output(capture_stderr),
        };
        let inner = py
            .detach(|| {
                let options = LinuxOptions { sysroot, root };
                let image = match image {
                    Some(image) => image,
                    None => read_program(&config.exec_path, &options)?,
                };
                let mut m = engine::Machine::linux_with(&image, config, &options)?;
                m.set_engine(kind)?;
                Ok(m)
            })
            .map_err(to_py)?;
        Ok(Machine { inner: Arc::new(Mutex::new(inner)), running: Arc::new(AtomicBool::new(false)), progress: Arc::default(), engine })
    }

    /// A system-mode machine (a board with `memory` bytes of RAM at
    /// 0x8000_0000) booting `image`, an ELF or a raw binary. The UART
    /// receives `stdin`; its output and HTIF's are fd 1 of `take_output`.
    /// `bootargs` is the device tree's kernel command line; `harts` the
    /// number of harts sharing RAM and devices.
    #[staticmethod]
    #[pyo3(signature = (image, memory, stdin, engine, bootargs=None, harts=1))]
    fn system(
        py: Python<'_>,
        image: Vec<u8>,
        memory: u64,
        stdin: Vec<u8>,
        engine: String,
        bootargs: Option<String>,
        harts: u32,
    ) -> PyResult<Machine> {
        let kind = engine_kind(&engine)?;
        let config = SystemConfig { memory, harts, input: stdin, bootargs };
        let inner = py
            .detach(|| {
                let mut m = engine::Machine::system(&image, config)?;
                m.set_engine(kind)?;
                Ok(m)
            })
            .map_err(to_py)?;
        Ok(Machine { inner: Arc::new(Mutex::new(inner)), running: Arc::new(AtomicBool::new(false)), progress: Arc::default(), engine })
    }

    /// Run with the GIL released; returns the stop reason as a tuple.
    #[pyo3(signature = (max_instructions=None))]
    fn run(&self, py: Python<'_>, max_instructions: Option<u64>) -> PyResult<StopTuple> {
        let _guard = RunGuard::acquire(&self.running)?;
        let inner = self.inner.clone();
        let progress = self.progress.clone();
        py.detach(move || run::run_blocking(&inner, max_instructions, &progress, run::Waits::Block))
            .map(|(stop, _)| stop_tuple(stop))
    }

    /// An awaitable run. Its first few instructions run at once on this
    /// thread with the GIL released (a run that ends there needs no round
    /// trip through the pool); the rest runs on the worker pool in slices of
    /// `slice_instructions`, yielding between slices so that many machines
    /// share the pool; cancelling it stops the guest at the next slice end.
    #[pyo3(signature = (max_instructions=None, slice_instructions=run::DEFAULT_SLICE, priority=1))]
    fn run_async<'py>(
        &self,
        py: Python<'py>,
        max_instructions: Option<u64>,
        slice_instructions: u64,
        priority: u64,
    ) -> PyResult<Bound<'py, PyAny>> {
        if slice_instructions == 0 {
            return Err(PyValueError::new_err("slice_instructions must be > 0"));
        }
        if priority == 0 {
            return Err(PyValueError::new_err("priority must be >= 1"));
        }
        let guard = RunGuard::acquire(&self.running)?;
        let inner = self.inner.clone();
        let eager = max_instructions.unwrap_or(u64::MAX).min(run::EAGER_SLICE).min(slice_instructions);
        let (stop, retired) = py.detach(|| run::run_blocking(&inner, Some(eager), &self.progress, run::Waits::Refuse))?;
        let remaining = max_instructions.map(|m| m - retired);
        if stop.kind != StopKind::Budget || remaining == Some(0) {
            drop(guard);
            let value = stop_tuple(stop).into_pyobject(py)?.into_any().unbind();
            return Ok(Bound::new(py, run::Ready::new(value))?.into_any());
        }
        let (done, result) = oneshot::channel();
        let guard = Arc::new(Mutex::new(Some(guard)));
        let cancel = run::Cancel(lock(&inner)?.process().map(|p| p.interruption()));
        let release = ReleaseOnDrop(guard.clone(), cancel);
        let progress = self.progress.clone();
        sched::submit(sched::Job { machine: inner, remaining, slice: slice_instructions, priority, guard, progress, done });
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let _release = release;
            let stop = result.await.map_err(|_| VmError::new_err("the run was dropped by its worker"))??;
            Ok(stop_tuple(stop))
        })
    }

    /// Instructions retired as of the end of the last run or slice.
    #[getter]
    fn progress(&self) -> u64 {
        self.progress.load(Ordering::Acquire)
    }

    /// True while a run owns the machine.
    #[getter]
    fn running(&self) -> bool {
        self.running.load(Ordering::Acquire)
    }

    #[getter]
    fn engine(&self) -> &str {
        &self.engine
    }

    /// Choose the engine for the next runs ("auto", "jit" or "interp").
    fn set_engine(&mut self, engine: String) -> PyResult<()> {
        let kind = engine_kind(&engine)?;
        self.machine()?.set_engine(kind).map_err(to_py)?;
        self.engine = engine;
        Ok(())
    }

    /// Runs a block needs before `auto` compiles it.
    fn set_jit_threshold(&self, runs: u32) -> PyResult<()> {
        self.machine()?.set_jit_threshold(runs);
        Ok(())
    }

    /// The stop reason of a guest that has ended, or None.
    fn finished(&self) -> PyResult<Option<StopTuple>> {
        Ok(self.machine()?.finished().cloned().map(stop_tuple))
    }

    #[getter]
    fn pc(&self) -> PyResult<u64> {
        Ok(self.machine()?.hart.pc)
    }

    #[setter]
    fn set_pc(&self, pc: u64) -> PyResult<()> {
        self.machine()?.hart.pc = pc;
        Ok(())
    }

    /// x[i] of hart `hart` (None: the current hart).
    #[pyo3(signature = (i, hart=None))]
    fn get_x(&self, i: usize, hart: Option<usize>) -> PyResult<u64> {
        let mut m = self.machine()?;
        register(&mut hart_of(&mut m, hart)?.x, i, "x").copied()
    }

    /// Write x[i]; writes to x0 are ignored, as in hardware.
    #[pyo3(signature = (i, v, hart=None))]
    fn set_x(&self, i: usize, v: u64, hart: Option<usize>) -> PyResult<()> {
        let mut m = self.machine()?;
        let r = register(&mut hart_of(&mut m, hart)?.x, i, "x")?;
        if i != 0 {
            *r = v;
        }
        Ok(())
    }

    #[pyo3(signature = (i, hart=None))]
    fn get_f(&self, i: usize, hart: Option<usize>) -> PyResult<u64> {
        let mut m = self.machine()?;
        register(&mut hart_of(&mut m, hart)?.f, i, "f").copied()
    }

    #[pyo3(signature = (i, v, hart=None))]
    fn set_f(&self, i: usize, v: u64, hart: Option<usize>) -> PyResult<()> {
        let mut m = self.machine()?;
        *register(&mut hart_of(&mut m, hart)?.f, i, "f")? = v;
        Ok(())
    }

    /// Harts of the machine (a Linux process has one).
    fn hart_count(&self) -> PyResult<usize> {
        Ok(self.machine()?.hart_count())
    }

    /// The hart that runs, or ran last: `pc`, `fcsr` and the registers
    /// without a hart are its.
    fn current_hart(&self) -> PyResult<usize> {
        Ok(self.machine()?.current_hart())
    }

    fn hart_pc(&self, hart: usize) -> PyResult<u64> {
        Ok(hart_of(&mut *self.machine()?, Some(hart))?.pc)
    }

    fn set_hart_pc(&self, hart: usize, pc: u64) -> PyResult<()> {
        hart_of(&mut *self.machine()?, Some(hart))?.pc = pc;
        Ok(())
    }

    fn hart_fcsr(&self, hart: usize) -> PyResult<u64> {
        Ok(hart_of(&mut *self.machine()?, Some(hart))?.fcsr())
    }

    fn set_hart_fcsr(&self, hart: usize, v: u64) -> PyResult<()> {
        hart_of(&mut *self.machine()?, Some(hart))?.set_fcsr(v);
        Ok(())
    }

    /// Instructions hart `hart` retired.
    fn hart_instret(&self, hart: usize) -> PyResult<u64> {
        Ok(hart_of(&mut *self.machine()?, Some(hart))?.instret)
    }

    #[getter]
    fn fcsr(&self) -> PyResult<u64> {
        Ok(self.machine()?.hart.fcsr())
    }

    #[setter]
    fn set_fcsr(&self, v: u64) -> PyResult<()> {
        self.machine()?.hart.set_fcsr(v);
        Ok(())
    }

    /// Read guest memory, ignoring page permissions (a debugger's view).
    fn read_memory<'py>(&self, py: Python<'py>, addr: u64, size: usize) -> PyResult<Bound<'py, PyBytes>> {
        const MAX: usize = 1 << 30;
        if size > MAX {
            return Err(PyValueError::new_err("read larger than 1 GiB"));
        }
        let mut buf = vec![0u8; size];
        self.machine()?
            .mem
            .peek(addr, &mut buf)
            .map_err(|f| VmError::new_err(format!("cannot read guest memory: {f}")))?;
        Ok(PyBytes::new(py, &buf))
    }

    /// Write guest memory, ignoring page permissions. Decoded code in the
    /// written range is dropped.
    fn write_memory(&self, addr: u64, data: Vec<u8>) -> PyResult<()> {
        self.machine()?
            .mem
            .poke(addr, &data)
            .map_err(|f| VmError::new_err(format!("cannot write guest memory: {f}")))
    }

    /// Let Python serve guest accesses to the physical range [base,
    /// base+size): runs stop with kind "request" for each of them.
    fn map_host_range(&self, base: u64, size: u64) -> PyResult<()> {
        host_io::map_range(&mut *self.machine()?, base, size)
    }

    /// Have Python fill each RAM page on the guest's first touch of it.
    fn set_lazy_ram(&self, on: bool) -> PyResult<()> {
        host_io::set_lazy_ram(&mut *self.machine()?, on)
    }

    /// The request a run stopped for, until it is served:
    /// ("read", addr, size, None), ("write", addr, size, value) or
    /// ("page", addr, 0, None).
    fn host_request(&self) -> PyResult<Option<host_io::RequestTuple>> {
        Ok(host_io::request(&*self.machine()?))
    }

    /// Serve a "read" request with `value` (its low bytes are used).
    fn complete_read(&self, value: u64) -> PyResult<()> {
        host_io::complete(&mut *self.machine()?, HostReply::Read(value))
    }

    /// Serve a "write" request: the device did it.
    fn complete_write(&self) -> PyResult<()> {
        host_io::complete(&mut *self.machine()?, HostReply::Write)
    }

    /// Serve a "page" request with the page's 4096 bytes (None: zeros).
    #[pyo3(signature = (data=None))]
    fn fill_page(&self, data: Option<Vec<u8>>) -> PyResult<()> {
        let page = data.as_deref().map(host_io::page).transpose()?;
        host_io::complete(&mut *self.machine()?, HostReply::Page(page))
    }

    /// Captured output of fd 1 or 2 since the last call.
    fn take_output<'py>(&self, py: Python<'py>, fd: u32) -> PyResult<Bound<'py, PyBytes>> {
        Ok(PyBytes::new(py, &self.machine()?.take_output(fd)))
    }

    /// The machine's mappings: (start, end, perms "rwx", name).
    fn regions(&self) -> PyResult<Vec<(u64, u64, String, String)>> {
        Ok(self
            .machine()?
            .mem
            .regions()
            .map(|r| {
                let p = r.perms;
                let perms: String = [(p.read(), 'r'), (p.write(), 'w'), (p.exec(), 'x')]
                    .iter()
                    .map(|&(on, c)| if on { c } else { '-' })
                    .collect();
                (r.start, r.end, perms, r.name.clone())
            })
            .collect())
    }

    fn stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let s = lock(&self.inner)?.stats();
        let d = PyDict::new(py);
        d.set_item("engine", &self.engine)?;
        d.set_item("instructions", s.instructions)?;
        d.set_item("interp_instructions", s.interp_instructions)?;
        d.set_item("jit_instructions", s.jit_instructions)?;
        d.set_item("blocks_compiled", s.blocks_compiled)?;
        d.set_item("blocks_unsupported", s.blocks_unsupported)?;
        d.set_item("compiles_discarded", s.compiles_discarded)?;
        d.set_item("compile_time", s.compile_time.as_secs_f64())?;
        d.set_item("compile_time_median", s.compile_time_median.as_secs_f64())?;
        d.set_item("code_bytes", s.code_bytes)?;
        d.set_item("chain_hits", s.chain_hits)?;
        d.set_item("jit_entries", s.jit_entries)?;
        d.set_item("code_invalidated", s.code_invalidated)?;
        d.set_item("code_cache_flushes", s.code_cache_flushes)?;
        d.set_item("blocks_decoded", s.blocks_decoded)?;
        d.set_item("blocks_invalidated", s.blocks_invalidated)?;
        d.set_item("block_lookups", s.block_lookups)?;
        d.set_item("jump_cache_hits", s.jump_cache_hits)?;
        d.set_item("tlb_hits", s.tlb_hits)?;
        d.set_item("tlb_misses", s.tlb_misses)?;
        d.set_item("tlb_l2_hits", s.tlb_l2_hits)?;
        d.set_item("tlb_l2_misses", s.tlb_l2_misses)?;
        d.set_item("page_walks", s.page_walks)?;
        d.set_item("syscalls", s.syscalls)?;
        let unknown = PyDict::new(py);
        for (nr, n) in s.unknown_syscalls {
            unknown.set_item(nr, n)?;
        }
        d.set_item("unknown_syscalls", unknown)?;
        d.set_item("run_time", s.run_time.as_secs_f64())?;
        d.set_item("resident_bytes", s.resident_bytes)?;
        Ok(d)
    }
}
