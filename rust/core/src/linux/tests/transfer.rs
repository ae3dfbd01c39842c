//! sendfile, fadvise64 and ppoll.

use std::os::unix::fs::OpenOptionsExt;

use super::*;

const AT_FDCWD: u64 = -100i64 as u64;
const O_RDONLY: u64 = 0;
const O_WRONLY: u64 = 1;
const O_APPEND: u64 = 0o2000;
const PATH: u64 = SCRATCH + 0x8000;

fn open(g: &mut Guest, path: &std::path::Path, flags: u64) -> u64 {
    let p = g.cstr(PATH, path.to_str().unwrap());
    let fd = g.call(nr::OPENAT, &[AT_FDCWD, p, flags]);
    assert!(fd >= 0, "open {}: {fd}", path.display());
    fd as u64
}

#[test]
fn sendfile_from_a_file_to_captured_stdout() {
    let dir = temp_dir("sendfile");
    let src = dir.join("src");
    std::fs::write(&src, b"0123456789").unwrap();
    let mut g = Guest::new();
    let fd = open(&mut g, &src, O_RDONLY);
    assert_eq!(g.call(nr::SENDFILE, &[1, fd, 0, 4]), 4);
    assert_eq!(g.call(nr::SENDFILE, &[1, fd, 0, 100]), 6);
    assert_eq!(g.call(nr::SENDFILE, &[1, fd, 0, 100]), 0, "at the end");
    assert_eq!(g.p.take_output(1), b"0123456789");
    assert_eq!(g.call(nr::LSEEK, &[fd, 0, 1]), 10);

    // With an offset pointer the file position stays and the offset moves.
    g.poke(SCRATCH, &3u64.to_le_bytes());
    assert_eq!(g.call(nr::LSEEK, &[fd, 1, 0]), 1);
    assert_eq!(g.call(nr::SENDFILE, &[2, fd, SCRATCH, 5]), 5);
    assert_eq!(g.p.take_output(2), b"34567");
    assert_eq!(g.peek_u64(SCRATCH), 8);
    assert_eq!(g.call(nr::LSEEK, &[fd, 0, 1]), 1);
}

#[test]
fn sendfile_between_host_files_and_from_stdin_bytes() {
    let dir = temp_dir("sendfile2");
    let (src, dst) = (dir.join("src"), dir.join("dst"));
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&src, &data).unwrap();
    std::fs::File::create(&dst).unwrap();
    let mut g = Guest::new();
    let (i, o) = (open(&mut g, &src, O_RDONLY), open(&mut g, &dst, O_WRONLY));
    assert_eq!(g.call(nr::SENDFILE, &[o, i, 0, 1 << 20]), data.len() as i64);
    assert_eq!(std::fs::read(&dst).unwrap(), data);
    // Standard input given as bytes is a source too.
    assert_eq!(g.call(nr::SENDFILE, &[1, 0, 0, 9]), 9);
    assert_eq!(g.p.take_output(1), b"line one\n");
}

#[test]
fn sendfile_errors() {
    let dir = temp_dir("sendfile3");
    let src = dir.join("src");
    std::fs::write(&src, b"abc").unwrap();
    let mut g = Guest::new();
    let fd = open(&mut g, &src, O_RDONLY);
    assert_eq!(g.call(nr::SENDFILE, &[1, 77, 0, 1]), err(Errno::EBADF));
    assert_eq!(g.call(nr::SENDFILE, &[77, fd, 0, 1]), err(Errno::EBADF));
    assert_eq!(g.call(nr::SENDFILE, &[0, fd, 0, 1]), err(Errno::EBADF), "stdin bytes are read-only");
    assert_eq!(g.call(nr::SENDFILE, &[fd, 1, 0, 1]), err(Errno::EBADF), "captured output is write-only");
    assert_eq!(g.call(nr::SENDFILE, &[1, fd, UNMAPPED, 1]), err(Errno::EFAULT));
    g.poke(SCRATCH, &(-1i64).to_le_bytes());
    assert_eq!(g.call(nr::SENDFILE, &[1, fd, SCRATCH, 1]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::SENDFILE, &[1, 0, SCRATCH + 8, 1]), err(Errno::ESPIPE), "a pipe has no offsets");
    // The offset cannot be stored back: the bytes were sent, then EFAULT.
    g.poke(READONLY, &[0; 8]);
    assert_eq!(g.call(nr::SENDFILE, &[1, fd, READONLY, 2]), err(Errno::EFAULT));
    let appended = dir.join("log");
    std::fs::OpenOptions::new().create(true).append(true).mode(0o600).open(&appended).unwrap();
    let log = open(&mut g, &appended, O_WRONLY | O_APPEND);
    assert_eq!(g.call(nr::SENDFILE, &[log, fd, 0, 1]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::SENDFILE, &[1, fd, 0, 0]), 0);
}

#[test]
fn fadvise64() {
    let dir = temp_dir("fadvise");
    let src = dir.join("src");
    std::fs::write(&src, b"abc").unwrap();
    let mut g = Guest::new();
    let fd = open(&mut g, &src, O_RDONLY);
    for advice in 0..=5 {
        assert_eq!(g.call(nr::FADVISE64, &[fd, 0, 0, advice]), 0, "advice {advice}");
    }
    assert_eq!(g.call(nr::FADVISE64, &[fd, 0, 0, 6]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::FADVISE64, &[fd, 0, -1i64 as u64, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::FADVISE64, &[77, 0, 0, 0]), err(Errno::EBADF));
    assert_eq!(g.call(nr::FADVISE64, &[0, 0, 0, 0]), err(Errno::ESPIPE), "stdin bytes are a pipe");
    assert_eq!(g.call(nr::FADVISE64, &[1, 0, 0, 0]), err(Errno::ESPIPE));
    assert_eq!(g.call(nr::PIPE2, &[SCRATCH, 0]), 0);
    let r = g.peek_u32(SCRATCH) as u64;
    assert_eq!(g.call(nr::FADVISE64, &[r, 0, 0, 0]), err(Errno::ESPIPE));
}

/// struct pollfd entries at SCRATCH + 0x100.
fn put_pollfds(g: &mut Guest, fds: &[(i32, i16)]) -> u64 {
    let at = SCRATCH + 0x100;
    for (i, &(fd, events)) in fds.iter().enumerate() {
        let mut e = [0u8; 8];
        e[..4].copy_from_slice(&fd.to_le_bytes());
        e[4..6].copy_from_slice(&events.to_le_bytes());
        e[6..].copy_from_slice(&0x7777i16.to_le_bytes());
        g.poke(at + 8 * i as u64, &e);
    }
    at
}

fn revents(g: &mut Guest, i: u64) -> i16 {
    i16::from_le_bytes(g.peek(SCRATCH + 0x100 + 8 * i + 6, 2).try_into().unwrap())
}

const POLLIN: i16 = 0x1;
const POLLOUT: i16 = 0x4;
const POLLHUP: i16 = 0x10;
const POLLNVAL: i16 = 0x20;

#[test]
fn ppoll_of_in_memory_streams() {
    let mut g = Guest::new();
    let fds = put_pollfds(&mut g, &[(0, POLLIN), (1, POLLOUT | POLLIN), (-1, POLLIN), (50, POLLIN)]);
    assert_eq!(g.call(nr::PPOLL, &[fds, 4, 0, 0, 8]), 3);
    assert_eq!(revents(&mut g, 0), POLLIN | POLLHUP, "bytes left, no writer");
    assert_eq!(revents(&mut g, 1), POLLOUT);
    assert_eq!(revents(&mut g, 2), 0, "negative fds are ignored");
    assert_eq!(revents(&mut g, 3), POLLNVAL);
    // Once stdin is drained only the hang-up is left.
    assert_eq!(g.call(nr::READ, &[0, SCRATCH, 100]), 18);
    let fds = put_pollfds(&mut g, &[(0, POLLIN)]);
    assert_eq!(g.call(nr::PPOLL, &[fds, 1, 0, 0, 8]), 1);
    assert_eq!(revents(&mut g, 0), POLLHUP);
}

#[test]
fn ppoll_of_a_host_pipe_with_timeout() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::PIPE2, &[SCRATCH, 0]), 0);
    let (r, w) = (g.peek_u32(SCRATCH) as i32, g.peek_u32(SCRATCH + 4) as i32);
    let ts = SCRATCH + 0x80;
    g.poke(ts, &[0u64.to_le_bytes(), 20_000_000u64.to_le_bytes()].concat());
    let fds = put_pollfds(&mut g, &[(r, POLLIN)]);
    assert_eq!(g.call(nr::PPOLL, &[fds, 1, ts, 0, 0]), 0, "empty pipe: timeout");
    assert_eq!(revents(&mut g, 0), 0);
    assert_eq!(g.peek_u64(ts), 0);
    assert!(g.peek_u64(ts + 8) < 20_000_000, "the time left is stored back");
    g.poke(SCRATCH + 0x40, b"x");
    assert_eq!(g.call(nr::WRITE, &[w as u64, SCRATCH + 0x40, 1]), 1);
    let fds = put_pollfds(&mut g, &[(r, POLLIN), (w, POLLOUT), (1, POLLIN)]);
    assert_eq!(g.call(nr::PPOLL, &[fds, 3, 0, 0, 0]), 2);
    assert_eq!((revents(&mut g, 0), revents(&mut g, 1), revents(&mut g, 2)), (POLLIN, POLLOUT, 0));
}

#[test]
fn ppoll_errors() {
    let mut g = Guest::new();
    let fds = put_pollfds(&mut g, &[(0, POLLIN)]);
    assert_eq!(g.call(nr::PPOLL, &[UNMAPPED, 1, 0, 0, 0]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::PPOLL, &[fds, 1 << 30, 0, 0, 0]), err(Errno::EINVAL));
    let ts = SCRATCH + 0x80;
    g.poke(ts, &[0u64.to_le_bytes(), 1_000_000_000u64.to_le_bytes()].concat());
    assert_eq!(g.call(nr::PPOLL, &[fds, 1, ts, 0, 0]), err(Errno::EINVAL));
    g.poke(ts, &[(-1i64 as u64).to_le_bytes(), 0u64.to_le_bytes()].concat());
    assert_eq!(g.call(nr::PPOLL, &[fds, 1, ts, 0, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::PPOLL, &[fds, 1, UNMAPPED, 0, 0]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::PPOLL, &[fds, 1, 0, SCRATCH, 16]), err(Errno::EINVAL), "sigset size");
    // The results cannot be stored: EFAULT.
    assert_eq!(g.call(nr::PPOLL, &[READONLY, 1, 0, 0, 0]), err(Errno::EFAULT));
    g.poke(ts, &[0u8; 16]);
    assert_eq!(g.call(nr::PPOLL, &[0, 0, ts, 0, 0]), 0, "no descriptors, no wait");
}
