//! read, write and their vector and positional forms; descriptors.

use super::*;

#[test]
fn write_to_captured_stdout_and_stderr() {
    let mut g = Guest::new();
    g.poke(SCRATCH, b"hello, world\n");
    assert_eq!(g.call(nr::WRITE, &[1, SCRATCH, 13]), 13);
    assert_eq!(g.call(nr::WRITE, &[2, SCRATCH, 5]), 5);
    assert_eq!(g.call(nr::WRITE, &[1, SCRATCH + 7, 6]), 6);
    assert_eq!(g.p.take_output(1), b"hello, world\nworld\n");
    assert_eq!(g.p.take_output(2), b"hello");
    assert_eq!(g.p.take_output(1), b"");
    assert_eq!(g.p.take_output(3), b"");
}

#[test]
fn write_zero_bytes_and_bad_descriptors() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::WRITE, &[1, UNMAPPED, 0]), 0);
    assert_eq!(g.call(nr::WRITE, &[9, SCRATCH, 1]), err(Errno::EBADF));
    assert_eq!(g.call(nr::WRITE, &[u64::MAX, SCRATCH, 1]), err(Errno::EBADF));
    // stdin given as bytes is read-only, captured stdout write-only.
    assert_eq!(g.call(nr::WRITE, &[0, SCRATCH, 1]), err(Errno::EBADF));
    assert_eq!(g.call(nr::READ, &[1, SCRATCH, 1]), err(Errno::EBADF));
}

#[test]
fn wild_pointers_are_efault() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::WRITE, &[1, UNMAPPED, 4]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::WRITE, &[1, u64::MAX - 1, 4]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::READ, &[0, UNMAPPED, 4]), err(Errno::EFAULT));
    // Reading into read-only memory faults, and consumes nothing.
    assert_eq!(g.call(nr::READ, &[0, READONLY, 4]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::READ, &[0, SCRATCH, 4]), 4);
    assert_eq!(g.peek(SCRATCH, 4), b"line");
    assert_eq!(g.p.take_output(1), b"");
}

#[test]
fn partly_valid_buffers_transfer_the_valid_part() {
    let mut g = Guest::new();
    // The last 3 bytes of the scratch area, then the read-only page.
    let end = SCRATCH + SCRATCH_LEN;
    assert_eq!(g.call(nr::READ, &[0, end - 3, 100]), 3);
    assert_eq!(g.peek(end - 3, 3), b"lin");
    assert_eq!(g.call(nr::READ, &[0, SCRATCH, 100]), 15);
    assert_eq!(g.peek(SCRATCH, 15), b"e one\nline two\n");
    // A write whose source runs into unmapped memory writes what is there.
    let ro_end = READONLY + 0x1000;
    g.poke(ro_end - 2, b"ok");
    assert_eq!(g.call(nr::WRITE, &[1, ro_end - 2, 10]), 2);
    assert_eq!(g.p.take_output(1), b"ok");
}

#[test]
fn stdin_bytes_then_eof() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::READ, &[0, SCRATCH, 5]), 5);
    assert_eq!(g.call(nr::READ, &[0, SCRATCH + 5, 100]), 13);
    assert_eq!(g.peek(SCRATCH, 18), b"line one\nline two\n");
    assert_eq!(g.call(nr::READ, &[0, SCRATCH, 100]), 0);
    assert_eq!(g.call(nr::READ, &[0, SCRATCH, 100]), 0);
    // It is a pipe: no seeking, no positional reads.
    assert_eq!(g.call(nr::LSEEK, &[0, 0, 0]), err(Errno::ESPIPE));
    assert_eq!(g.call(nr::PREAD64, &[0, SCRATCH, 1, 0]), err(Errno::ESPIPE));
}

fn put_iovecs(g: &mut Guest, at: u64, iovs: &[(u64, u64)]) {
    for (i, &(base, len)) in iovs.iter().enumerate() {
        let mut b = base.to_le_bytes().to_vec();
        b.extend_from_slice(&len.to_le_bytes());
        g.poke(at + 16 * i as u64, &b);
    }
}

#[test]
fn readv_and_writev() {
    let mut g = Guest::new();
    let iov = SCRATCH + 0x1000;
    g.poke(SCRATCH, b"abcdef");
    put_iovecs(&mut g, iov, &[(SCRATCH + 3, 3), (UNMAPPED, 0), (SCRATCH, 3)]);
    assert_eq!(g.call(nr::WRITEV, &[1, iov, 3]), 6);
    assert_eq!(g.p.take_output(1), b"defabc");

    put_iovecs(&mut g, iov, &[(SCRATCH + 0x100, 4), (SCRATCH + 0x200, 6)]);
    assert_eq!(g.call(nr::READV, &[0, iov, 2]), 10);
    assert_eq!(g.peek(SCRATCH + 0x100, 4), b"line");
    assert_eq!(g.peek(SCRATCH + 0x200, 6), b" one\nl");

    assert_eq!(g.call(nr::WRITEV, &[1, iov, 0]), 0);
    assert_eq!(g.call(nr::WRITEV, &[1, iov, 1025]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::WRITEV, &[1, UNMAPPED, 1]), err(Errno::EFAULT));
    put_iovecs(&mut g, iov, &[(SCRATCH, u64::MAX)]);
    assert_eq!(g.call(nr::WRITEV, &[1, iov, 1]), err(Errno::EINVAL));
    // The first buffer bad: EFAULT; a later bad one ends the transfer.
    put_iovecs(&mut g, iov, &[(UNMAPPED, 4), (SCRATCH, 2)]);
    assert_eq!(g.call(nr::WRITEV, &[1, iov, 2]), err(Errno::EFAULT));
    put_iovecs(&mut g, iov, &[(SCRATCH, 2), (UNMAPPED, 4), (SCRATCH, 2)]);
    assert_eq!(g.call(nr::WRITEV, &[1, iov, 3]), 2);
    assert_eq!(g.p.take_output(1), b"ab");
}

#[test]
fn pipe2_read_write() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::PIPE2, &[SCRATCH, 0]), 0);
    let (r, w) = (g.peek_u32(SCRATCH) as u64, g.peek_u32(SCRATCH + 4) as u64);
    assert_eq!((r, w), (3, 4));
    g.poke(SCRATCH + 0x100, b"through the pipe");
    assert_eq!(g.call(nr::WRITE, &[w, SCRATCH + 0x100, 16]), 16);
    assert_eq!(g.call(nr::READ, &[r, SCRATCH + 0x200, 7]), 7);
    assert_eq!(g.call(nr::READ, &[r, SCRATCH + 0x207, 100]), 9);
    assert_eq!(g.peek(SCRATCH + 0x200, 16), b"through the pipe");
    assert_eq!(g.call(nr::LSEEK, &[r, 0, 0]), err(Errno::ESPIPE));
    assert_eq!(g.call(nr::CLOSE, &[w]), 0);
    assert_eq!(g.call(nr::READ, &[r, SCRATCH, 10]), 0, "EOF once the writer is closed");
    assert_eq!(g.call(nr::CLOSE, &[r]), 0);
    assert_eq!(g.call(nr::CLOSE, &[r]), err(Errno::EBADF));

    assert_eq!(g.call(nr::PIPE2, &[SCRATCH, 0x40]), err(Errno::EINVAL));
    // The descriptors are not left open when the result cannot be stored.
    assert_eq!(g.call(nr::PIPE2, &[READONLY, 0]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::FCNTL, &[3, 1]), err(Errno::EBADF));
}

#[test]
fn pipe2_flags() {
    let mut g = Guest::new();
    const O_NONBLOCK: u64 = 0o4000;
    const O_CLOEXEC: u64 = 0o2000000;
    assert_eq!(g.call(nr::PIPE2, &[SCRATCH, O_NONBLOCK | O_CLOEXEC]), 0);
    let r = g.peek_u32(SCRATCH) as u64;
    assert_eq!(g.call(nr::FCNTL, &[r, 1]), 1, "FD_CLOEXEC");
    assert_eq!(g.call(nr::FCNTL, &[r, 3]), O_NONBLOCK as i64, "F_GETFL");
    assert_eq!(g.call(nr::READ, &[r, SCRATCH, 10]), err(Errno::EAGAIN));
}

#[test]
fn dup_dup3_and_fcntl() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::DUP, &[1]), 3);
    assert_eq!(g.call(nr::DUP3, &[1, 10, 0o2000000]), 10);
    assert_eq!(g.call(nr::FCNTL, &[10, 1]), 1);
    assert_eq!(g.call(nr::FCNTL, &[3, 1]), 0);
    g.poke(SCRATCH, b"xy");
    assert_eq!(g.call(nr::WRITE, &[3, SCRATCH, 1]), 1);
    assert_eq!(g.call(nr::WRITE, &[10, SCRATCH + 1, 1]), 1);
    assert_eq!(g.p.take_output(1), b"xy");
    // dup3 onto an open descriptor replaces it.
    assert_eq!(g.call(nr::DUP3, &[2, 3, 0]), 3);
    assert_eq!(g.call(nr::WRITE, &[3, SCRATCH, 1]), 1);
    assert_eq!(g.p.take_output(2), b"x");
    assert_eq!(g.call(nr::DUP3, &[2, 2, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::DUP3, &[2, 5, 1]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::DUP3, &[7, 5, 0]), err(Errno::EBADF));
    assert_eq!(g.call(nr::DUP3, &[2, 1 << 20, 0]), err(Errno::EBADF));

    // F_DUPFD finds the lowest free descriptor at or above its argument.
    assert_eq!(g.call(nr::FCNTL, &[1, 0, 3]), 4);
    assert_eq!(g.call(nr::FCNTL, &[1, 1030, 10]), 11);
    assert_eq!(g.call(nr::FCNTL, &[11, 1]), 1);
    assert_eq!(g.call(nr::FCNTL, &[11, 2, 0]), 0);
    assert_eq!(g.call(nr::FCNTL, &[11, 1]), 0);
    assert_eq!(g.call(nr::FCNTL, &[1, 0, 1024]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::FCNTL, &[1, 3]), 1, "captured stdout is O_WRONLY");
    assert_eq!(g.call(nr::FCNTL, &[0, 3]), 0, "stdin bytes are O_RDONLY");
    assert_eq!(g.call(nr::FCNTL, &[1, 9999]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::FCNTL, &[99, 1]), err(Errno::EBADF));
}

#[test]
fn descriptor_limit() {
    let mut g = Guest::new();
    let mut last = 0;
    for _ in 3..1024 {
        last = g.call(nr::DUP, &[1]);
    }
    assert_eq!(last, 1023);
    assert_eq!(g.call(nr::DUP, &[1]), err(Errno::EMFILE));
    assert_eq!(g.call(nr::CLOSE, &[500]), 0);
    assert_eq!(g.call(nr::DUP, &[1]), 500);
}

#[test]
fn ioctl_on_non_terminals() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::IOCTL, &[1, 0x5401, SCRATCH]), err(Errno::ENOTTY), "TCGETS");
    assert_eq!(g.call(nr::IOCTL, &[0, 0x5413, SCRATCH]), err(Errno::ENOTTY), "TIOCGWINSZ");
    assert_eq!(g.call(nr::IOCTL, &[9, 0x5401, SCRATCH]), err(Errno::EBADF));
    assert_eq!(g.call(nr::PIPE2, &[SCRATCH, 0]), 0);
    assert_eq!(g.call(nr::IOCTL, &[3, 0x5401, SCRATCH]), err(Errno::ENOTTY));
    assert_eq!(g.call(nr::IOCTL, &[3, 0x1234, SCRATCH]), err(Errno::ENOTTY));
    // FIONREAD on the stdin bytes, FIOCLEX.
    assert_eq!(g.call(nr::IOCTL, &[0, 0x541b, SCRATCH]), 0);
    assert_eq!(g.peek_u32(SCRATCH), 18);
    assert_eq!(g.call(nr::IOCTL, &[0, 0x5451, 0]), 0);
    assert_eq!(g.call(nr::FCNTL, &[0, 1]), 1);
}

#[test]
fn ioctl_on_a_terminal_when_there_is_one() {
    // Answered from the host: same result as the host's own ioctl.
    let mut cfg = config();
    cfg.stdin = Input::Inherit;
    let mut g = Guest::with_config(cfg);
    let host = host::tcgets(0);
    let r = g.call(nr::IOCTL, &[0, 0x5401, SCRATCH]);
    match host {
        Ok(t) => {
            assert_eq!(r, 0);
            assert_eq!(g.peek(SCRATCH, 36), t);
        }
        Err(e) => assert_eq!(r, err(e)),
    }
}

#[test]
fn inherited_output_goes_to_the_host() {
    // Writing zero bytes to the inherited stdout checks the host fd is
    // used without printing anything in the test output.
    let mut cfg = config();
    cfg.stdout = Output::Inherit;
    let mut g = Guest::with_config(cfg);
    assert_eq!(g.call(nr::WRITE, &[1, SCRATCH, 0]), 0);
    assert_eq!(g.call(nr::FSTAT, &[1, SCRATCH]), 0);
    assert_eq!(g.p.take_output(1), b"");
    // Closing it closes only the guest's descriptor.
    assert_eq!(g.call(nr::CLOSE, &[1]), 0);
    assert!(host::fstat(1).is_ok());
}
