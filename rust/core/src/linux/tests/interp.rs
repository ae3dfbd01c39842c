//! Programs with an interpreter, and the sysroot's lookup rule.

use super::image::*;
use super::*;
use crate::linux::layout::{MMAP_TOP, PIE_BASE};
use crate::linux::stack::{AT_BASE, AT_ENTRY, AT_PHDR};

const AT_FDCWD: u64 = -100i64 as u64;
const PATH: u64 = SCRATCH + 0x8000;
const BUF: u64 = SCRATCH;

/// A PIE whose PT_INTERP names `interp`.
fn dynamic_program(interp: &str) -> Vec<u8> {
    let mut b = ElfBuilder::minimal();
    b.e_type = 3;
    let mut path = interp.as_bytes().to_vec();
    path.push(0);
    b.file[0x300..0x300 + path.len()].copy_from_slice(&path);
    let n = path.len() as u64;
    b.phdrs.insert(0, Phdr { p_type: PT_INTERP, flags: PF_R, offset: 0x300, vaddr: 0x10300, filesz: n, memsz: n, align: 1 });
    b.build()
}

/// An ET_DYN interpreter linked at 0 with its entry at 0x1000.
fn interpreter() -> Vec<u8> {
    let mut b = ElfBuilder::minimal();
    b.e_type = 3;
    b.entry = 0x1000;
    b.phdrs[0].vaddr = 0;
    b.phdrs[1].vaddr = 0x2000;
    b.build()
}

fn sysroot_with(files: &[(&str, &[u8])]) -> std::path::PathBuf {
    let root = temp_dir("sysroot");
    for (path, data) in files {
        let p = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    root
}

fn options(root: &std::path::Path) -> LinuxOptions {
    LinuxOptions { sysroot: Some(root.to_path_buf()), ..LinuxOptions::default() }
}

#[test]
fn interpreter_is_mapped_and_started() {
    let root = sysroot_with(&[("lib/ld-test.so.1", &interpreter())]);
    let g = Guest::load_with(&dynamic_program("/lib/ld-test.so.1"), config(), &options(&root));
    let interp = g.p.interp().expect("interpreter").clone();
    // The whole interpreter (0..0x3800 rounded to pages) sits at the top of
    // the mmap area, where an mmap of its span would go.
    assert_eq!(interp.bias, MMAP_TOP - 0x4000);
    assert_eq!(interp.entry, interp.bias + 0x1000);
    assert_eq!(g.hart.pc, interp.entry);
    // The program is at the PIE base, and the auxv points at both.
    let prog = g.p.image().clone();
    assert_eq!(prog.bias, PIE_BASE - 0x10000);
    let aux = |k| g.p.auxv().iter().find(|e| e.0 == k).unwrap().1;
    assert_eq!(aux(AT_BASE), interp.bias);
    assert_eq!(aux(AT_ENTRY), prog.entry);
    assert_eq!(aux(AT_PHDR), prog.phdr);
    let r = g.mem.region_at(interp.entry).unwrap();
    assert_eq!(r.name, root.join("lib/ld-test.so.1").to_str().unwrap());
    assert!(r.perms.exec());
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn interpreter_problems_are_load_errors() {
    let load = |image: &[u8], root: &std::path::Path| {
        let mut mem = Memory::new();
        let mut hart = Hart::new();
        match Process::load_with(image, config(), &options(root), &mut mem, &mut hart) {
            Ok(_) => panic!("loaded"),
            Err(e) => e.0,
        }
    };
    let root = sysroot_with(&[("lib/notelf.so", b"#!/bin/sh\n")]);
    assert_eq!(
        load(&dynamic_program("/lib/notelf.so"), &root),
        "interpreter /lib/notelf.so: not an ELF file"
    );
    assert_eq!(
        load(&dynamic_program("/lib/none.so"), &root),
        format!("interpreter /lib/none.so: not found (looked in the sysroot {} and on the host)", root.display())
    );
    // An interpreter linked at fixed addresses over the program.
    let mut fixed = ElfBuilder::minimal();
    fixed.phdrs[1].vaddr = 0x12000;
    std::fs::write(root.join("lib/fixed.so"), fixed.build()).unwrap();
    let mut prog = ElfBuilder::minimal();
    prog.file[0x300..0x30e].copy_from_slice(b"/lib/fixed.so\0");
    prog.phdrs.insert(0, Phdr { p_type: PT_INTERP, flags: PF_R, offset: 0x300, vaddr: 0, filesz: 14, memsz: 14, align: 1 });
    assert_eq!(
        load(&prog.build(), &root),
        "interpreter /lib/fixed.so: program header 0: the interpreter's segment 0x10000..0x12000 overlaps the program"
    );
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn sysroot_lookup_rule() {
    let host_dir = temp_dir("hostside");
    let host_file = host_dir.join("only-on-host.txt");
    std::fs::write(&host_file, b"host").unwrap();
    let shadowed = host_dir.join("shadowed.txt");
    std::fs::write(&shadowed, b"host copy").unwrap();
    let root = sysroot_with(&[("etc/vmjit.conf", b"in sysroot"), (shadowed.to_str().unwrap(), b"sysroot copy")]);
    std::os::unix::fs::symlink("vmjit.conf", root.join("etc/link")).unwrap();
    let mut g = Guest::load_with(&ElfBuilder::minimal().build(), config(), &options(&root));
    let read = |g: &mut Guest, path: &str| -> Result<Vec<u8>, i64> {
        let p = g.cstr(PATH, path);
        let fd = g.call(nr::OPENAT, &[AT_FDCWD, p, 0]);
        if fd < 0 {
            return Err(fd);
        }
        let n = g.call(nr::READ, &[fd as u64, BUF, 100]);
        g.call(nr::CLOSE, &[fd as u64]);
        Ok(g.peek(BUF, n as usize))
    };
    // Inside the sysroot first...
    assert_eq!(read(&mut g, "/etc/vmjit.conf").unwrap(), b"in sysroot");
    assert_eq!(read(&mut g, shadowed.to_str().unwrap()).unwrap(), b"sysroot copy");
    // ...then the host.
    assert_eq!(read(&mut g, host_file.to_str().unwrap()).unwrap(), b"host");
    assert_eq!(read(&mut g, "/etc/vmjit-nowhere.conf"), Err(err(Errno::ENOENT)));
    // Relative paths are the working directory's (the host's).
    let rel = g.cstr(PATH, "etc/vmjit.conf");
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, rel, 0]), err(Errno::ENOENT));

    // The stat family, access and readlink see the same files.
    let p = g.cstr(PATH, "/etc/vmjit.conf");
    assert_eq!(g.call(nr::NEWFSTATAT, &[AT_FDCWD, p, BUF, 0]), 0);
    assert_eq!(g.peek_u64(BUF + 48), 10, "st_size of the sysroot's file");
    assert_eq!(g.call(nr::FACCESSAT, &[AT_FDCWD, p, 4]), 0);
    assert_eq!(g.call(nr::STATX, &[AT_FDCWD, p, 0, 0x7ff, BUF]), 0);
    assert_eq!(g.peek_u64(BUF + 40), 10, "stx_size");
    let l = g.cstr(PATH, "/etc/link");
    assert_eq!(g.call(nr::READLINKAT, &[AT_FDCWD, l, BUF, 100]), 10);
    assert_eq!(g.peek(BUF, 10), b"vmjit.conf");
    // Files are created where the path says when the sysroot lacks them.
    let created = host_dir.join("new.txt");
    let c = g.cstr(PATH, created.to_str().unwrap());
    let fd = g.call(nr::OPENAT, &[AT_FDCWD, c, 0o101, 0o644]);
    assert!(fd >= 0);
    assert!(created.exists());
    std::fs::remove_dir_all(root).unwrap();
    std::fs::remove_dir_all(host_dir).unwrap();
}
