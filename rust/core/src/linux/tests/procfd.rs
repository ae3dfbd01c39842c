//! /proc/self/fd/N: the guest's own descriptors, as readlink and open see
//! them.

use super::*;

const AT_FDCWD: u64 = -100i64 as u64;
const O_RDONLY: u64 = 0;
const PATH: u64 = SCRATCH + 0x8000;
const BUF: u64 = SCRATCH;

fn readlink(g: &mut Guest, path: &str) -> Result<Vec<u8>, i64> {
    let p = g.cstr(PATH, path);
    let n = g.call(nr::READLINKAT, &[AT_FDCWD, p, BUF, 4096]);
    if n < 0 {
        return Err(n);
    }
    Ok(g.peek(BUF, n as usize))
}

#[test]
fn fd_links_name_the_guest_descriptors() {
    let dir = temp_dir("procfd");
    let file = dir.join("data.txt");
    std::fs::write(&file, b"contents").unwrap();
    let mut g = Guest::new();
    let p = g.cstr(PATH, file.to_str().unwrap());
    let fd = g.call(nr::OPENAT, &[AT_FDCWD, p, O_RDONLY]);
    assert_eq!(fd, 3);
    let canonical = std::fs::canonicalize(&file).unwrap();
    assert_eq!(readlink(&mut g, "/proc/self/fd/3").unwrap(), canonical.to_str().unwrap().as_bytes());
    let pid = g.p.ids.pid;
    assert_eq!(readlink(&mut g, &format!("/proc/{pid}/fd/3")).unwrap(), canonical.to_str().unwrap().as_bytes());

    // In-memory streams look like the pipes they stand for, with the inode
    // fstat reports.
    for fd in [0u64, 1, 2] {
        assert_eq!(g.call(nr::FSTAT, &[fd, SCRATCH + 0x1000]), 0);
        let ino = g.peek_u64(SCRATCH + 0x1000 + 8);
        assert_eq!(readlink(&mut g, &format!("/proc/self/fd/{fd}")).unwrap(), format!("pipe:[{ino}]").as_bytes());
    }

    // A descriptor that is not open has no link; closing one removes it.
    assert_eq!(readlink(&mut g, "/proc/self/fd/9"), Err(err(Errno::ENOENT)));
    assert_eq!(g.call(nr::CLOSE, &[3]), 0);
    assert_eq!(readlink(&mut g, "/proc/self/fd/3"), Err(err(Errno::ENOENT)));
}

#[test]
fn fd_link_of_an_open_proc_file() {
    let mut g = Guest::new();
    let p = g.cstr(PATH, "/proc/self/maps");
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, p, O_RDONLY]), 3);
    let pid = g.p.ids.pid;
    assert_eq!(readlink(&mut g, "/proc/self/fd/3").unwrap(), format!("/proc/{pid}/maps").as_bytes());
}

#[test]
fn opening_an_fd_link_reopens_the_file() {
    let dir = temp_dir("procfd2");
    let file = dir.join("data.txt");
    std::fs::write(&file, b"0123456789").unwrap();
    let mut g = Guest::new();
    let p = g.cstr(PATH, file.to_str().unwrap());
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, p, O_RDONLY]), 3);
    assert_eq!(g.call(nr::LSEEK, &[3, 4, 0]), 4);
    let link = g.cstr(PATH, "/proc/self/fd/3");
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, link, O_RDONLY]), 4);
    // A new open file description: its own position.
    assert_eq!(g.call(nr::READ, &[4, BUF, 3]), 3);
    assert_eq!(g.peek(BUF, 3), b"012");
    assert_eq!(g.call(nr::LSEEK, &[3, 0, 1]), 4);
    // Standard input given as bytes shares its description.
    let link = g.cstr(PATH, "/proc/self/fd/0");
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, link, O_RDONLY]), 5);
    assert_eq!(g.call(nr::READ, &[5, BUF, 5]), 5);
    assert_eq!(g.call(nr::READ, &[0, BUF + 5, 4]), 4);
    assert_eq!(g.peek(BUF, 9), b"line one\n");
    let missing = g.cstr(PATH, "/proc/self/fd/42");
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, missing, O_RDONLY]), err(Errno::ENOENT));
}

#[test]
fn fd_numbers_are_parsed_strictly() {
    assert_eq!(crate::linux::procfs::lookup(b"/proc/self/fd/12", 7), Some(crate::linux::procfs::ProcFile::Fd(12)));
    assert_eq!(crate::linux::procfs::lookup(b"/proc/self/fd/", 7), Some(crate::linux::procfs::ProcFile::FdDir));
    for bad in [&b"/proc/self/fd/012"[..], b"/proc/self/fd/-1", b"/proc/self/fd/1x", b"/proc/self/fd/99999999999"] {
        assert_eq!(crate::linux::procfs::lookup(bad, 7), None, "{}", String::from_utf8_lossy(bad));
    }
}

/// Names in getdents64 records.
fn dirent_names(b: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut at = 0;
    while at < b.len() {
        let reclen = u16::from_le_bytes([b[at + 16], b[at + 17]]) as usize;
        let name = &b[at + 19..at + reclen];
        let end = name.iter().position(|&c| c == 0).unwrap();
        names.push(String::from_utf8(name[..end].to_vec()).unwrap());
        at += reclen;
    }
    names
}

#[test]
fn fd_directory_lists_the_open_descriptors() {
    const O_DIRECTORY: u64 = 0o200000;
    let mut g = Guest::new();
    let dir = g.cstr(PATH, "/proc/self/fd");
    let fd = g.call(nr::OPENAT, &[AT_FDCWD, dir, O_RDONLY | O_DIRECTORY]);
    assert_eq!(fd, 3);
    // It is a directory, as opendir checks.
    assert_eq!(g.call(nr::FSTAT, &[3, SCRATCH + 0x1000]), 0);
    assert_eq!(g.peek_u32(SCRATCH + 0x1000 + 16) & 0o170000, 0o040000);
    assert_eq!(g.call(nr::FCNTL, &[3, 3]), 0o300000, "O_LARGEFILE | O_DIRECTORY");
    let n = g.call(nr::GETDENTS64, &[3, BUF, 4096]);
    assert!(n > 0);
    let listing = g.peek(BUF, n as usize);
    assert_eq!(dirent_names(&listing), [".", "..", "0", "1", "2", "3"]);
    assert_eq!(g.call(nr::GETDENTS64, &[3, BUF, 4096]), 0, "at the end");

    // Rewound, it lists what is open then, in small pieces.
    assert_eq!(g.call(nr::CLOSE, &[1]), 0);
    assert_eq!(g.call(nr::LSEEK, &[3, 0, 0]), 0);
    assert_eq!(g.call(nr::GETDENTS64, &[3, BUF, 10]), err(Errno::EINVAL), "no record fits");
    let mut names = Vec::new();
    loop {
        let n = g.call(nr::GETDENTS64, &[3, BUF, 24]);
        assert!(n >= 0);
        if n == 0 {
            break;
        }
        names.extend(dirent_names(&g.peek(BUF, n as usize)));
    }
    assert_eq!(names, [".", "..", "0", "2", "3"]);

    assert_eq!(g.call(nr::READ, &[3, BUF, 10]), err(Errno::EISDIR));
    assert_eq!(g.call(nr::GETDENTS64, &[3, UNMAPPED, 4096]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, dir, 1]), err(Errno::EISDIR), "not for writing");
    assert_eq!(readlink(&mut g, "/proc/self/fd/3").unwrap(), format!("/proc/{}/fd", g.p.ids.pid).as_bytes());
}
