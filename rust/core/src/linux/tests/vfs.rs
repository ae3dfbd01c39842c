//! Files and directories through the host: open, stat, directories,
//! renames, links, the working directory and the guest's /proc files.

use std::os::unix::fs::{MetadataExt, PermissionsExt};

use super::*;

const AT_FDCWD: u64 = -100i64 as u64;
const O_RDONLY: u64 = 0;
const O_WRONLY: u64 = 1;
const O_RDWR: u64 = 2;
const O_CREAT: u64 = 0o100;
const O_EXCL: u64 = 0o200;
const O_TRUNC: u64 = 0o1000;
const O_APPEND: u64 = 0o2000;
const O_DIRECTORY: u64 = 0o200000;
const O_CLOEXEC: u64 = 0o2000000;
const AT_EMPTY_PATH: u64 = 0x1000;
const AT_REMOVEDIR: u64 = 0x200;

const PATH: u64 = SCRATCH + 0x8000;
const PATH2: u64 = SCRATCH + 0x9000;
const BUF: u64 = SCRATCH;

fn u64_at(b: &[u8], off: usize) -> u64 {
    u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
}

#[test]
fn open_read_lseek_fstat() {
    let dir = temp_dir("open");
    let file = dir.join("data.txt");
    std::fs::write(&file, b"0123456789abcdef").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let mut g = Guest::new();
    let path = g.cstr(PATH, file.to_str().unwrap());
    let fd = g.call(nr::OPENAT, &[AT_FDCWD, path, O_RDONLY | O_CLOEXEC]);
    assert_eq!(fd, 3);
    let fd = fd as u64;
    assert_eq!(g.call(nr::FCNTL, &[fd, 1]), 1);
    assert_eq!(g.call(nr::FCNTL, &[fd, 3]), 0o100000, "O_RDONLY | O_LARGEFILE");
    assert_eq!(g.call(nr::READ, &[fd, BUF, 4]), 4);
    assert_eq!(g.peek(BUF, 4), b"0123");
    assert_eq!(g.call(nr::LSEEK, &[fd, 10, 0]), 10);
    assert_eq!(g.call(nr::READ, &[fd, BUF, 100]), 6);
    assert_eq!(g.peek(BUF, 6), b"abcdef");
    assert_eq!(g.call(nr::READ, &[fd, BUF, 100]), 0);
    assert_eq!(g.call(nr::LSEEK, &[fd, -3i64 as u64, 2]), 13);
    assert_eq!(g.call(nr::LSEEK, &[fd, -20i64 as u64, 1]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::LSEEK, &[fd, 0, 9]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::PREAD64, &[fd, BUF, 3, 1]), 3);
    assert_eq!(g.peek(BUF, 3), b"123");
    assert_eq!(g.call(nr::PREAD64, &[fd, BUF, 3, -1i64 as u64]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::LSEEK, &[fd, 0, 1]), 13, "pread leaves the offset alone");
    assert_eq!(g.call(nr::WRITE, &[fd, BUF, 1]), err(Errno::EBADF));

    assert_eq!(g.call(nr::FSTAT, &[fd, BUF]), 0);
    let st = g.peek(BUF, 128);
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!(u64_at(&st, 0), meta.dev());
    assert_eq!(u64_at(&st, 8), meta.ino());
    assert_eq!(u32_at(&st, 16), 0o100640);
    assert_eq!(u32_at(&st, 20), 1);
    assert_eq!(u32_at(&st, 24), meta.uid());
    assert_eq!(u32_at(&st, 28), meta.gid());
    assert_eq!(u64_at(&st, 48), 16, "st_size");
    assert_eq!(u32_at(&st, 56) as u64, meta.blksize());
    assert_eq!(u64_at(&st, 64), meta.blocks());
    assert_eq!(u64_at(&st, 88) as i64, meta.mtime());
    assert_eq!(u64_at(&st, 96) as i64, meta.mtime_nsec());
    assert_eq!(u64_at(&st, 104) as i64, meta.ctime());
    assert_eq!(g.call(nr::FSTAT, &[fd, UNMAPPED]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::FSTAT, &[fd, READONLY]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::CLOSE, &[fd]), 0);
    assert_eq!(g.call(nr::FSTAT, &[fd, BUF]), err(Errno::EBADF));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn open_errors() {
    let dir = temp_dir("openerr");
    let mut g = Guest::new();
    let missing = g.cstr(PATH, dir.join("missing").to_str().unwrap());
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, missing, O_RDONLY]), err(Errno::ENOENT));
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, UNMAPPED, O_RDONLY]), err(Errno::EFAULT));
    let empty = g.cstr(PATH2, "");
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, empty, O_RDONLY]), err(Errno::ENOENT));
    // A path without NUL within PATH_MAX.
    g.poke(SCRATCH, &[b'a'; 0x5000]);
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, SCRATCH, O_RDONLY]), err(Errno::ENAMETOOLONG));
    // A path running into unmapped memory.
    let end = READONLY + 0x1000;
    g.poke(end - 3, b"abc");
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, end - 3, O_RDONLY]), err(Errno::EFAULT));
    // Relative to a descriptor that is not a directory.
    let rel = g.cstr(PATH2, "x");
    assert_eq!(g.call(nr::OPENAT, &[1, rel, O_RDONLY]), err(Errno::ENOTDIR));
    assert_eq!(g.call(nr::OPENAT, &[77, rel, O_RDONLY]), err(Errno::EBADF));
    // ... which does not matter for an absolute path.
    let abs = g.cstr(PATH2, dir.to_str().unwrap());
    assert_eq!(g.call(nr::OPENAT, &[77, abs, O_RDONLY | O_DIRECTORY]), 3);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn create_write_append_and_umask() {
    let dir = temp_dir("create");
    let mut g = Guest::new();
    let dpath = g.cstr(PATH, dir.to_str().unwrap());
    let dfd = g.call(nr::OPENAT, &[AT_FDCWD, dpath, O_RDONLY | O_DIRECTORY]) as u64;
    let name = g.cstr(PATH2, "new.txt");
    let fd = g.call(nr::OPENAT, &[dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0o666]) as u64;
    g.poke(BUF, b"first\n");
    assert_eq!(g.call(nr::WRITE, &[fd, BUF, 6]), 6);
    assert_eq!(g.call(nr::OPENAT, &[dfd, name, O_WRONLY | O_CREAT | O_EXCL, 0o666]), err(Errno::EEXIST));
    assert_eq!(g.call(nr::CLOSE, &[fd]), 0);
    let path = dir.join("new.txt");
    // The guest's umask (022) applies (the host's may take more away).
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o022, 0);
    assert_eq!(mode & 0o600, 0o600);

    let fd = g.call(nr::OPENAT, &[dfd, name, O_WRONLY | O_APPEND]) as u64;
    g.poke(BUF, b"second\n");
    assert_eq!(g.call(nr::WRITE, &[fd, BUF, 7]), 7);
    assert_eq!(g.call(nr::FCNTL, &[fd, 3]), (O_WRONLY | O_APPEND | 0o100000) as i64);
    assert_eq!(std::fs::read(&path).unwrap(), b"first\nsecond\n");
    assert_eq!(g.call(nr::PWRITE64, &[fd, BUF, 3, 0]), 3);
    assert_eq!(g.call(nr::FTRUNCATE, &[fd, 4]), 0);
    g.call(nr::CLOSE, &[fd]);
    // O_APPEND makes pwrite append on Linux.
    assert_eq!(std::fs::read(&path).unwrap(), b"firs");

    assert_eq!(g.call(nr::UMASK, &[0o077]), 0o022);
    let other = g.cstr(PATH2, "private");
    let fd = g.call(nr::OPENAT, &[dfd, other, O_RDWR | O_CREAT | O_TRUNC, 0o666]) as u64;
    g.call(nr::CLOSE, &[fd]);
    assert_eq!(std::fs::metadata(dir.join("private")).unwrap().permissions().mode() & 0o077, 0);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn stat_family() {
    let dir = temp_dir("stat");
    std::fs::write(dir.join("f"), b"12345").unwrap();
    std::os::unix::fs::symlink("f", dir.join("link")).unwrap();
    let mut g = Guest::new();
    let link = g.cstr(PATH, dir.join("link").to_str().unwrap());
    assert_eq!(g.call(nr::NEWFSTATAT, &[AT_FDCWD, link, BUF, 0]), 0);
    assert_eq!(u64_at(&g.peek(BUF, 128), 48), 5, "followed to the file");
    assert_eq!(g.call(nr::NEWFSTATAT, &[AT_FDCWD, link, BUF, 0x100]), 0);
    assert_eq!(u32_at(&g.peek(BUF, 128), 16) & 0o170000, 0o120000, "the link itself");
    assert_eq!(g.call(nr::NEWFSTATAT, &[AT_FDCWD, link, BUF, 0x4]), err(Errno::EINVAL));

    // statx passes the kernel's structure through.
    assert_eq!(g.call(nr::STATX, &[AT_FDCWD, link, 0, 0x7ff, BUF]), 0);
    let sx = g.peek(BUF, 256);
    assert_eq!(u64_at(&sx, 40), 5, "stx_size");
    assert_eq!(u32_at(&sx, 28) as u16 & 0o170000, 0o100000);
    assert_eq!(g.call(nr::STATX, &[AT_FDCWD, link, 0, 0x7ff, UNMAPPED]), err(Errno::EFAULT));

    // AT_EMPTY_PATH on an in-memory descriptor: a pipe.
    let empty = g.cstr(PATH2, "");
    assert_eq!(g.call(nr::NEWFSTATAT, &[0, empty, BUF, AT_EMPTY_PATH]), 0);
    let st = g.peek(BUF, 128);
    assert_eq!(u32_at(&st, 16), 0o010600, "S_IFIFO | 0600");
    assert_eq!(u32_at(&st, 56), 4096);
    assert_eq!(g.call(nr::STATX, &[1, empty, AT_EMPTY_PATH, 0x7ff, BUF]), 0);
    assert_eq!(u32_at(&g.peek(BUF, 256), 28) as u16, 0o010600);
    assert_eq!(g.call(nr::NEWFSTATAT, &[0, empty, BUF, 0]), err(Errno::ENOENT));
    std::fs::remove_dir_all(dir).unwrap();
}

/// The names in a getdents64 buffer of `n` bytes.
fn dirents(buf: &[u8]) -> Vec<(String, u8)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < buf.len() {
        let reclen = u16::from_le_bytes([buf[at + 16], buf[at + 17]]) as usize;
        let kind = buf[at + 18];
        let name: Vec<u8> = buf[at + 19..at + reclen].iter().take_while(|&&b| b != 0).copied().collect();
        out.push((String::from_utf8(name).unwrap(), kind));
        at += reclen;
    }
    out.sort();
    out
}

#[test]
fn directories() {
    let dir = temp_dir("dirs");
    let mut g = Guest::new();
    let dpath = g.cstr(PATH, dir.to_str().unwrap());
    let dfd = g.call(nr::OPENAT, &[AT_FDCWD, dpath, O_RDONLY | O_DIRECTORY]) as u64;
    let sub = g.cstr(PATH2, "sub");
    assert_eq!(g.call(nr::MKDIRAT, &[dfd, sub, 0o755]), 0);
    assert_eq!(g.call(nr::MKDIRAT, &[dfd, sub, 0o755]), err(Errno::EEXIST));
    assert!(dir.join("sub").is_dir());
    std::fs::write(dir.join("a.txt"), b"").unwrap();

    let n = g.call(nr::GETDENTS64, &[dfd, BUF, 4096]);
    assert!(n > 0);
    let names = dirents(&g.peek(BUF, n as usize));
    assert_eq!(
        names,
        vec![(".".into(), 4), ("..".into(), 4), ("a.txt".into(), 8), ("sub".into(), 4)]
    );
    assert_eq!(g.call(nr::GETDENTS64, &[dfd, BUF, 4096]), 0, "end of directory");
    assert_eq!(g.call(nr::GETDENTS64, &[dfd, UNMAPPED, 4096]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::GETDENTS64, &[0, BUF, 4096]), err(Errno::ENOTDIR));
    assert_eq!(g.call(nr::LSEEK, &[dfd, 0, 0]), 0);
    assert_eq!(g.call(nr::GETDENTS64, &[dfd, BUF, 10]), err(Errno::EINVAL), "too small for one entry");

    // rename, access, unlink, rmdir.
    let a = g.cstr(PATH2 + 0x100, "a.txt");
    let b = g.cstr(PATH2 + 0x200, "sub/b.txt");
    assert_eq!(g.call(nr::RENAMEAT2, &[dfd, a, dfd, b, 0]), 0);
    assert!(dir.join("sub/b.txt").exists());
    assert_eq!(g.call(nr::FACCESSAT, &[dfd, a, 0]), err(Errno::ENOENT));
    assert_eq!(g.call(nr::FACCESSAT, &[dfd, b, 4 | 2]), 0);
    assert_eq!(g.call(nr::FACCESSAT, &[dfd, b, 8]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::FACCESSAT2, &[dfd, b, 0, 0x200]), 0);
    assert_eq!(g.call(nr::FACCESSAT2, &[dfd, b, 0, 0x1]), err(Errno::EINVAL));
    // RENAME_NOREPLACE onto an existing name.
    std::fs::write(dir.join("c.txt"), b"").unwrap();
    let c = g.cstr(PATH2 + 0x300, "c.txt");
    assert_eq!(g.call(nr::RENAMEAT2, &[dfd, c, dfd, b, 1]), err(Errno::EEXIST));
    assert_eq!(g.call(nr::UNLINKAT, &[dfd, c, 0]), 0);
    assert_eq!(g.call(nr::UNLINKAT, &[dfd, c, 0]), err(Errno::ENOENT));
    assert_eq!(g.call(nr::UNLINKAT, &[dfd, sub, 0x1]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::UNLINKAT, &[dfd, sub, AT_REMOVEDIR]), err(Errno::ENOTEMPTY));
    assert_eq!(g.call(nr::UNLINKAT, &[dfd, b, 0]), 0);
    assert_eq!(g.call(nr::UNLINKAT, &[dfd, sub, AT_REMOVEDIR]), 0);
    assert!(!dir.join("sub").exists());
    // riscv64 has no renameat: only renameat2.
    assert_eq!(g.call(38, &[dfd, a, dfd, b]), err(Errno::ENOSYS));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn links_and_readlink() {
    let dir = temp_dir("links");
    std::fs::write(dir.join("target"), b"x").unwrap();
    let mut g = Guest::new();
    let dpath = g.cstr(PATH, dir.to_str().unwrap());
    let dfd = g.call(nr::OPENAT, &[AT_FDCWD, dpath, O_RDONLY | O_DIRECTORY]) as u64;
    let target = g.cstr(PATH2, "target");
    let link = g.cstr(PATH2 + 0x100, "sym");
    assert_eq!(g.call(nr::SYMLINKAT, &[target, dfd, link]), 0);
    assert_eq!(g.call(nr::READLINKAT, &[dfd, link, BUF, 100]), 6);
    assert_eq!(g.peek(BUF, 6), b"target");
    assert_eq!(g.call(nr::READLINKAT, &[dfd, link, BUF, 3]), 3, "truncated to the buffer");
    assert_eq!(g.call(nr::READLINKAT, &[dfd, link, BUF, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::READLINKAT, &[dfd, target, BUF, 100]), err(Errno::EINVAL), "not a link");
    assert_eq!(g.call(nr::READLINKAT, &[dfd, link, READONLY, 100]), err(Errno::EFAULT));
    let hard = g.cstr(PATH2 + 0x200, "hard");
    assert_eq!(g.call(nr::LINKAT, &[dfd, target, dfd, hard, 0]), 0);
    assert_eq!(std::fs::metadata(dir.join("target")).unwrap().nlink(), 2);
    assert_eq!(g.call(nr::FCHMODAT, &[dfd, hard, 0o600]), 0);
    assert_eq!(std::fs::metadata(dir.join("target")).unwrap().permissions().mode() & 0o777, 0o600);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn working_directory() {
    let dir = temp_dir("cwd");
    std::fs::create_dir(dir.join("inner")).unwrap();
    std::fs::write(dir.join("inner/file"), b"inside").unwrap();
    let canonical = std::fs::canonicalize(&dir).unwrap();
    let mut g = Guest::new();
    let host_cwd = std::env::current_dir().unwrap();
    let n = g.call(nr::GETCWD, &[BUF, 4096]);
    assert_eq!(g.peek(BUF, n as usize - 1), host_cwd.as_os_str().as_encoded_bytes());
    assert_eq!(g.peek(BUF + n as u64 - 1, 1), [0]);

    let d = g.cstr(PATH, dir.to_str().unwrap());
    assert_eq!(g.call(nr::CHDIR, &[d]), 0);
    let n = g.call(nr::GETCWD, &[BUF, 4096]);
    let expect = canonical.as_os_str().as_encoded_bytes();
    assert_eq!(n as usize, expect.len() + 1);
    assert_eq!(g.peek(BUF, expect.len()), expect);
    assert_eq!(g.call(nr::GETCWD, &[BUF, 3]), err(Errno::ERANGE));
    assert_eq!(g.call(nr::GETCWD, &[UNMAPPED, 4096]), err(Errno::EFAULT));
    // Relative paths now start there; the host process did not move.
    assert_eq!(std::env::current_dir().unwrap(), host_cwd);
    let rel = g.cstr(PATH2, "inner/file");
    let fd = g.call(nr::OPENAT, &[AT_FDCWD, rel, O_RDONLY]) as u64;
    assert_eq!(g.call(nr::READ, &[fd, BUF, 100]), 6);
    assert_eq!(g.call(nr::FCHDIR, &[fd]), err(Errno::ENOTDIR));
    let inner = g.cstr(PATH2, "inner");
    let ifd = g.call(nr::OPENAT, &[AT_FDCWD, inner, O_RDONLY | O_DIRECTORY]) as u64;
    assert_eq!(g.call(nr::FCHDIR, &[ifd]), 0);
    let n = g.call(nr::GETCWD, &[BUF, 4096]) as usize;
    assert!(g.peek(BUF, n - 1).ends_with(b"/inner"));
    let file = g.cstr(PATH2, "file");
    assert_eq!(g.call(nr::NEWFSTATAT, &[AT_FDCWD, file, BUF, 0]), 0);
    let missing = g.cstr(PATH2 + 0x100, "nope");
    assert_eq!(g.call(nr::CHDIR, &[missing]), err(Errno::ENOENT));
    assert_eq!(g.call(nr::CHDIR, &[file]), err(Errno::ENOTDIR));
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn proc_self_files() {
    let mut g = Guest::new();
    let exe = g.cstr(PATH, "/proc/self/exe");
    assert_eq!(g.call(nr::READLINKAT, &[AT_FDCWD, exe, BUF, 100]), 9);
    assert_eq!(g.peek(BUF, 9), b"/bin/prog");

    let maps = g.cstr(PATH, "/proc/self/maps");
    let fd = g.call(nr::OPENAT, &[AT_FDCWD, maps, O_RDONLY]) as u64;
    let n = g.call(nr::READ, &[fd, BUF, 0x4000]) as usize;
    let text = String::from_utf8(g.peek(BUF, n)).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], format!("00010000-00012000 r-xp 00000000 00:00 0{}/bin/prog", " ".repeat(34)));
    assert_eq!(lines[1], format!("00012000-00014000 rw-p 00000000 00:00 0{}/bin/prog", " ".repeat(34)));
    assert_eq!(lines[2], format!("1000000000-1000010000 rw-p 00000000 00:00 0{}scratch", " ".repeat(30)));
    assert!(lines.last().unwrap().ends_with(" [stack]"));
    assert_eq!(g.call(nr::WRITE, &[fd, BUF, 1]), err(Errno::EBADF));
    assert_eq!(g.call(nr::LSEEK, &[fd, 0, 0]), 0);
    assert_eq!(g.call(nr::READ, &[fd, BUF, 8]), 8);
    assert_eq!(g.peek(BUF, 8), b"00010000");
    assert_eq!(g.call(nr::OPENAT, &[AT_FDCWD, maps, O_WRONLY]), err(Errno::EACCES));

    let cmdline = g.cstr(PATH, "/proc/self/cmdline");
    let fd = g.call(nr::OPENAT, &[AT_FDCWD, cmdline, O_RDONLY]) as u64;
    assert_eq!(g.call(nr::READ, &[fd, BUF, 100]), 18);
    assert_eq!(g.peek(BUF, 18), b"/bin/prog\0arg one\0");

    let auxv = g.cstr(PATH, &format!("/proc/{}/auxv", std::process::id()));
    let fd = g.call(nr::OPENAT, &[AT_FDCWD, auxv, O_RDONLY]) as u64;
    let n = g.call(nr::READ, &[fd, BUF, 1000]) as usize;
    assert_eq!(n, g.p.auxv().len() * 16);
    assert_eq!(g.peek_u64(BUF), 16);
    assert_eq!(g.peek_u64(BUF + 8), 0x112d);
    assert_eq!(g.call(nr::FSTAT, &[fd, BUF]), 0);
    assert_eq!(g.peek_u32(BUF + 16), 0o100444);
}
