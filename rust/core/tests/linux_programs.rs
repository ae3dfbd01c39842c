//! Whole guest programs under Linux user mode: the static and static-PIE
//! binaries of tests/linux_data (sources and Makefile there) run on the
//! engine, with their exact output and exit status checked.

// In a module named linux so that `cargo test linux` selects these tests.
mod linux {
    use std::path::PathBuf;

    use vmjit_core::engine::StopKind;
    use vmjit_core::linux::layout::PIE_BASE;
    use vmjit_core::linux::{Input, LinuxConfig, Output};
    use vmjit_core::Machine;

    fn program(name: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/linux_data/bin").join(name)
    }

    struct Run {
        status: i32,
        stdout: String,
        stderr: String,
        unknown: Vec<(u64, u64)>,
    }

    fn run(name: &str, args: &[&str], env: &[&str], stdin: &[u8]) -> Run {
        let path = program(name);
        let image = std::fs::read(&path).expect("guest binary");
        let argv0 = format!("bin/{name}").into_bytes();
        let mut argv = vec![argv0.clone()];
        argv.extend(args.iter().map(|a| a.as_bytes().to_vec()));
        let config = LinuxConfig {
            argv,
            envp: env.iter().map(|e| e.as_bytes().to_vec()).collect(),
            exec_path: path.to_str().unwrap().as_bytes().to_vec(),
            stdin: Input::Bytes(stdin.to_vec()),
            stdout: Output::Capture,
            stderr: Output::Capture,
        };
        let mut m = Machine::linux(&image, config).expect("load");
        let stop = m.run(Some(500_000_000));
        assert_eq!(stop.kind, StopKind::Exited, "{name}: {}", stop.message);
        Run {
            status: stop.exit_code.unwrap(),
            stdout: String::from_utf8(m.take_output(1)).unwrap(),
            stderr: String::from_utf8(m.take_output(2)).unwrap(),
            unknown: m.process().unwrap().unknown_syscalls().iter().map(|(&k, &v)| (k, v)).collect(),
        }
    }

    #[test]
    fn static_hello() {
        let r = run("hello", &[], &[], b"");
        assert_eq!(r.stdout, "hello from bin/hello\n");
        assert_eq!(r.status, 7);
        assert!(r.unknown.is_empty());
    }

    #[test]
    fn static_pie_hello() {
        let image = std::fs::read(program("hello-pie")).unwrap();
        assert_eq!(u16::from_le_bytes([image[16], image[17]]), 3, "ET_DYN");
        let config = LinuxConfig::captured(&["pie"]);
        let mut m = Machine::linux(&image, config).unwrap();
        assert!(m.hart.pc >= PIE_BASE && m.hart.pc < PIE_BASE + 0x10000);
        let stop = m.run(Some(1_000_000));
        assert_eq!(stop.exit_code, Some(7));
        assert_eq!(m.take_output(1), b"hello from pie\n");
    }

    #[test]
    fn initial_stack_seen_from_the_guest() {
        let r = run("stackdump", &["first", "two words", ""], &["A=1", "EMPTY="], b"");
        let expected = format!(
            "sp%16 0\nargc 4\nargv bin/stackdump\nargv first\nargv two words\nargv \nenv A=1\nenv EMPTY=\n\
             AT_HWCAP 0x000000000000112d\nAT_PAGESZ 4096\nAT_CLKTCK 100\nAT_PHDR readable 1\nAT_PHENT 56\n\
             AT_PHNUM>0 1\nAT_BASE 0\nAT_FLAGS 0\nAT_ENTRY is _start 1\nAT_SECURE 0\nAT_RANDOM nonzero 1\n\
             AT_EXECFN {}\n",
            program("stackdump").display()
        );
        assert_eq!(r.stdout, expected);
        assert_eq!(r.status, 0);
    }

    #[test]
    fn address_space_from_the_inside() {
        let r = run("memops", &[], &[], b"");
        let checks = [
            "brk grows",
            "heap writable",
            "brk shrinks",
            "mmap",
            "mmap zero",
            "mmap fixed",
            "mremap moved",
            "mremap kept contents",
            "munmap",
            "write from unmapped is EFAULT",
            "open /proc/self/exe",
            "file mapping",
            "generated code",
            "mprotect",
        ];
        let mut expected: String = checks.iter().map(|c| format!("ok   {c}\n")).collect();
        expected.push_str("all checks passed\n");
        assert_eq!(r.stdout, expected);
        assert_eq!(r.status, 0);
        assert!(r.unknown.is_empty());
    }

    #[test]
    fn glibc_program() {
        let dir = std::env::temp_dir().join(format!("vmjit-linux-libc-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let r = run("libc_smoke", &[dir.to_str().unwrap()], &["GREETING=hi there"], b"a\nbb\nccc");
        assert_eq!(
            r.stdout,
            "argc=2 greeting=hi there\nbig block sum=133693440\nsorted=1,3,5,7,9 pi=3.14159\n\
             file size=14\nread: line 1\nread: line 2\nentries=4\nmissing: ENOENT\nstdin bytes=8\nclock ok=1\n"
        );
        assert_eq!(r.stderr, "done\n");
        assert_eq!(r.status, 5);
        // glibc's start-up may try calls this machine declines; none of them
        // may be unknown.
        assert!(r.unknown.is_empty(), "{:?}", r.unknown);
        // The program removed what it made.
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn glibc_usage_error_on_stderr() {
        let r = run("libc_smoke", &[], &[], b"");
        assert_eq!(r.stdout, "");
        assert_eq!(r.stderr, "usage: bin/libc_smoke DIR\n");
        assert_eq!(r.status, 2);
    }
}
