//! Dynamically linked programs under Linux user mode: started through
//! their interpreter found in a sysroot (qemu-riscv64 -L), with libraries
//! loaded by the guest's own ld.so. Expected outputs were captured from
//! `qemu-riscv64 -L <sysroot>`.
//!
//! The sysroot is found at run time: $VMJIT_SYSROOT, else the directory
//! above the riscv64 cross compiler's libc.so.6 (Debian's
//! libc6-riscv64-cross). Without one the tests print why and pass.

// In a module named linux so that `cargo test linux` selects these tests.
mod linux {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use vmjit_core::engine::{StopKind, StopReason};
    use vmjit_core::linux::{LinuxConfig, LinuxOptions, AT_BASE, AT_ENTRY};
    use vmjit_core::Machine;

    const INTERP: &str = "lib/ld-linux-riscv64-lp64d.so.1";

    fn program(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/linux_data/bin").join(name)
    }

    /// A directory holding the riscv64 interpreter and libc, or why there
    /// is none.
    fn sysroot() -> Result<PathBuf, String> {
        let usable = |d: &Path| d.join(INTERP).is_file() && d.join("lib/libc.so.6").is_file();
        if let Some(d) = std::env::var_os("VMJIT_SYSROOT") {
            let d = PathBuf::from(d);
            return if usable(&d) { Ok(d) } else { Err(format!("VMJIT_SYSROOT={} lacks {INTERP}", d.display())) };
        }
        let out = Command::new("riscv64-linux-gnu-gcc")
            .arg("-print-file-name=libc.so.6")
            .output()
            .map_err(|e| format!("no VMJIT_SYSROOT and no riscv64-linux-gnu-gcc to ask ({e})"))?;
        let libc = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        let dir = libc
            .parent()
            .and_then(|lib| lib.parent())
            .and_then(|d| d.canonicalize().ok())
            .ok_or_else(|| "the cross compiler knows no libc.so.6".to_string())?;
        if usable(&dir) {
            Ok(dir)
        } else {
            Err(format!("{} lacks {INTERP} (install libc6-riscv64-cross)", dir.display()))
        }
    }

    /// The sysroot, or None after saying why the test is skipped.
    fn sysroot_or_skip(test: &str) -> Option<PathBuf> {
        match sysroot() {
            Ok(d) => Some(d),
            Err(why) => {
                eprintln!("{test}: skipped: {why}");
                None
            }
        }
    }

    fn load(image: &[u8], argv: &[&str], sysroot: Option<&Path>) -> Result<Machine, String> {
        let options = LinuxOptions { sysroot: sysroot.map(Path::to_path_buf), ..LinuxOptions::default() };
        Machine::linux_with(image, LinuxConfig::captured(argv), &options).map_err(|e| e.to_string())
    }

    struct Run {
        stop: StopReason,
        stdout: String,
        stderr: String,
        unknown: Vec<(u64, u64)>,
    }

    fn run(m: &mut Machine) -> Run {
        let stop = m.run(Some(2_000_000_000));
        Run {
            stop,
            stdout: String::from_utf8_lossy(&m.take_output(1)).into_owned(),
            stderr: String::from_utf8_lossy(&m.take_output(2)).into_owned(),
            unknown: m.process().unwrap().unknown_syscalls().iter().map(|(&k, &v)| (k, v)).collect(),
        }
    }

    #[test]
    fn dynamic_hello_starts_in_its_interpreter() {
        let Some(root) = sysroot_or_skip("dynamic_hello_starts_in_its_interpreter") else { return };
        let image = std::fs::read(program("dyn_hello")).unwrap();
        let mut m = load(&image, &["dyn_hello", "world"], Some(&root)).unwrap();

        // The interpreter is mapped on its own (below the mmap top), the
        // program at the PIE base; the first instruction is the
        // interpreter's, and the auxv tells it where both are.
        let interp = m.process().unwrap().interp().expect("an interpreter").clone();
        let prog = m.process().unwrap().image().clone();
        assert_eq!(m.hart.pc, interp.entry);
        assert_ne!(interp.bias, prog.bias);
        let aux = |k| m.process().unwrap().auxv().iter().find(|e| e.0 == k).unwrap().1;
        assert_eq!(aux(AT_BASE), interp.bias);
        assert_eq!(aux(AT_ENTRY), prog.entry);
        let name = m.mem.region_at(interp.entry).unwrap().name.clone();
        assert!(name.ends_with("/ld-linux-riscv64-lp64d.so.1"), "{name}");

        let r = run(&mut m);
        assert_eq!(r.stop.kind, StopKind::Exited, "{}", r.stop.message);
        assert_eq!(r.stdout, "hello from a dynamic program: world (5 bytes)\n");
        assert_eq!(r.stderr, "");
        assert_eq!(r.stop.exit_code, Some(3));
        assert!(r.unknown.is_empty(), "{:?}", r.unknown);
    }

    #[test]
    fn dynamic_hello_under_the_jit() {
        let Some(root) = sysroot_or_skip("dynamic_hello_under_the_jit") else { return };
        let image = std::fs::read(program("dyn_hello")).unwrap();
        let mut m = load(&image, &["dyn_hello", "jit"], Some(&root)).unwrap();
        if m.set_engine(vmjit_core::engine::EngineKind::Jit).is_err() {
            eprintln!("dynamic_hello_under_the_jit: skipped: no JIT on this host");
            return;
        }
        let r = run(&mut m);
        assert_eq!(r.stdout, "hello from a dynamic program: jit (3 bytes)\n");
        assert_eq!(r.stop.exit_code, Some(3));
    }

    #[test]
    fn dlopen_of_libm() {
        let Some(root) = sysroot_or_skip("dlopen_of_libm") else { return };
        let image = std::fs::read(program("dyn_dlopen")).unwrap();
        let mut m = load(&image, &["dyn_dlopen"], Some(&root)).unwrap();
        let r = run(&mut m);
        assert_eq!(r.stop.kind, StopKind::Exited, "{}", r.stop.message);
        assert_eq!(
            r.stdout,
            "cos(0)=1.000 pow(2,10)=1024 cos(pi)=-1.000\ndlclose=0\n\
             missing: libvmjit-missing.so.1: cannot open shared object file: No such file or directory\n"
        );
        assert_eq!(r.stop.exit_code, Some(0));
        assert!(r.unknown.is_empty(), "{:?}", r.unknown);
    }

    /// A scratch sysroot under the temporary directory.
    fn scratch(tag: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("vmjit-sysroot-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("lib")).unwrap();
        d
    }

    #[test]
    fn missing_interpreter_is_named() {
        let image = std::fs::read(program("dyn_hello")).unwrap();
        let empty = scratch("empty");
        let err = load(&image, &["dyn_hello"], Some(&empty)).err().expect("no interpreter there");
        // The host normally has no riscv64 interpreter either; if it does,
        // the program simply loads.
        if !Path::new("/").join(INTERP).exists() {
            assert_eq!(
                err,
                format!(
                    "interpreter /{INTERP}: not found (looked in the sysroot {} and on the host)",
                    empty.display()
                )
            );
            let err = load(&image, &["dyn_hello"], None).err().unwrap();
            assert_eq!(
                err,
                format!(
                    "interpreter /{INTERP}: not found (no sysroot given: pass the directory holding \
                     the RISC-V libraries as sysroot)"
                )
            );
        }
        let err = load(&image, &["dyn_hello"], Some(&empty.join("nope"))).err().unwrap();
        assert!(err.starts_with(&format!("sysroot {}: ", empty.join("nope").display())), "{err}");
        std::fs::remove_dir_all(empty).unwrap();
    }

    #[test]
    fn corrupt_interpreter_is_an_error() {
        let image = std::fs::read(program("dyn_hello")).unwrap();
        let root = scratch("badinterp");
        let interp = root.join(INTERP);
        std::fs::write(&interp, b"\x7fELF garbage").unwrap();
        let err = load(&image, &["dyn_hello"], Some(&root)).err().unwrap();
        assert_eq!(err, format!("interpreter /{INTERP}: truncated: the ELF header lies outside the file"));
        // A directory, or anything but a regular file, is refused without
        // being read.
        std::fs::remove_file(&interp).unwrap();
        std::fs::create_dir(&interp).unwrap();
        let err = load(&image, &["dyn_hello"], Some(&root)).err().unwrap();
        assert!(err.contains("not a regular file"), "{err}");
        std::fs::remove_dir_all(root).unwrap();
    }

    /// A sysroot with the real interpreter and a damaged libc.so.6.
    fn damaged_libc(real: &Path, tag: &str, damage: impl Fn(&mut Vec<u8>)) -> PathBuf {
        let root = scratch(tag);
        std::fs::copy(real.join(INTERP), root.join(INTERP)).unwrap();
        let mut libc = std::fs::read(real.join("lib/libc.so.6")).unwrap();
        damage(&mut libc);
        std::fs::write(root.join("lib/libc.so.6"), libc).unwrap();
        root
    }

    #[test]
    fn missing_library_is_reported_by_the_loader() {
        let Some(real) = sysroot_or_skip("missing_library_is_reported_by_the_loader") else { return };
        let root = scratch("nolibc");
        std::fs::copy(real.join(INTERP), root.join(INTERP)).unwrap();
        let image = std::fs::read(program("dyn_hello")).unwrap();
        let mut m = load(&image, &["dyn_hello"], Some(&root)).unwrap();
        let r = run(&mut m);
        assert_eq!(r.stop.kind, StopKind::Exited, "{}", r.stop.message);
        assert_eq!(r.stop.exit_code, Some(127));
        assert_eq!(
            r.stderr,
            "dyn_hello: error while loading shared libraries: libc.so.6: cannot open shared object file: \
             No such file or directory\n"
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn corrupt_library_never_crashes_the_host() {
        let Some(real) = sysroot_or_skip("corrupt_library_never_crashes_the_host") else { return };
        let image = std::fs::read(program("dyn_hello")).unwrap();
        // Truncated after the headers: ld.so maps the segments and touches
        // data that is not in the file. Linux (and qemu-riscv64) raise
        // SIGBUS for mapped pages past the end of a file; file mappings
        // here read as zero past the end, so the guest dies of the null
        // pointer it then follows. Either way a guest fault.
        let root = damaged_libc(&real, "truncated", |b| b.truncate(4096));
        let mut m = load(&image, &["dyn_hello"], Some(&root)).unwrap();
        let r = run(&mut m);
        assert_eq!(r.stop.kind, StopKind::Fault, "{}", r.stop.message);
        assert!(r.stop.exit_code == Some(139) || r.stop.exit_code == Some(135), "{}", r.stop.message);
        std::fs::remove_dir_all(root).unwrap();
        // Code and data overwritten with junk past the headers: whatever
        // the guest does, it ends as a guest exit or a guest fault.
        for seed in 1..=4u64 {
            let root = damaged_libc(&real, &format!("junk{seed}"), |b| {
                let mut x = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                for byte in b.iter_mut().skip(4096).step_by(7) {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    *byte = x as u8;
                }
            });
            let mut m = load(&image, &["dyn_hello"], Some(&root)).unwrap();
            let r = run(&mut m);
            assert!(
                matches!(r.stop.kind, StopKind::Exited | StopKind::Fault | StopKind::Signal | StopKind::Budget),
                "{:?}",
                r.stop
            );
            std::fs::remove_dir_all(root).unwrap();
        }
    }
}
