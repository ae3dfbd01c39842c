//! socket and connect of the local family.

use super::*;

const AF_UNIX: u64 = 1;
const AF_INET: u64 = 2;
const SOCK_STREAM: u64 = 1;
const SOCK_NONBLOCK: u64 = 0o4000;
const SOCK_CLOEXEC: u64 = 0o2000000;
const F_GETFD: u64 = 1;
const F_GETFL: u64 = 3;

/// A struct sockaddr_un for `path` at `at`; its length.
fn sockaddr_un(g: &mut Guest, at: u64, path: &str) -> u64 {
    let mut b = (AF_UNIX as u16).to_le_bytes().to_vec();
    b.extend_from_slice(path.as_bytes());
    b.push(0);
    g.poke(at, &b);
    b.len() as u64
}

#[test]
fn unix_socket_connects_to_a_listening_host_socket() {
    let dir = temp_dir("net");
    let path = dir.join("sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let mut g = Guest::new();
    let fd = g.call(nr::SOCKET, &[AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0]);
    assert_eq!(fd, 3);
    let fd = fd as u64;
    assert_eq!(g.call(nr::FCNTL, &[fd, F_GETFD]), 1, "FD_CLOEXEC");
    let len = sockaddr_un(&mut g, SCRATCH, path.to_str().unwrap());
    assert_eq!(g.call(nr::CONNECT, &[fd, SCRATCH, len]), 0);
    let (mut peer, _) = listener.accept().unwrap();
    g.poke(SCRATCH + 0x200, b"ping");
    assert_eq!(g.call(nr::WRITE, &[fd, SCRATCH + 0x200, 4]), 4);
    let mut got = [0u8; 4];
    std::io::Read::read_exact(&mut peer, &mut got).unwrap();
    assert_eq!(&got, b"ping");
    std::io::Write::write_all(&mut peer, b"pong").unwrap();
    assert_eq!(g.call(nr::READ, &[fd, SCRATCH + 0x300, 4]), 4);
    assert_eq!(g.peek(SCRATCH + 0x300, 4), b"pong");
    assert_eq!(g.call(nr::CLOSE, &[fd]), 0);
}

#[test]
fn connect_to_a_missing_socket_is_enoent() {
    // What glibc sees when no nscd runs: it then reads the files itself.
    let dir = temp_dir("net2");
    let mut g = Guest::new();
    let fd = g.call(nr::SOCKET, &[AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0]) as u64;
    assert_eq!(g.call(nr::FCNTL, &[fd, F_GETFD]), 0);
    assert_eq!(g.call(nr::FCNTL, &[fd, F_GETFL]) as u64 & SOCK_NONBLOCK, SOCK_NONBLOCK);
    let len = sockaddr_un(&mut g, SCRATCH, dir.join("nobody").to_str().unwrap());
    assert_eq!(g.call(nr::CONNECT, &[fd, SCRATCH, len]), err(Errno::ENOENT));
}

#[test]
fn socket_and_connect_errors() {
    let mut g = Guest::new();
    assert_eq!(g.call(nr::SOCKET, &[AF_INET, SOCK_STREAM, 0]), err(Errno::EAFNOSUPPORT));
    assert_eq!(g.call(nr::SOCKET, &[9999, SOCK_STREAM, 0]), err(Errno::EAFNOSUPPORT));
    assert_eq!(g.call(nr::SOCKET, &[AF_UNIX, SOCK_STREAM | 0x100, 0]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::SOCKET, &[AF_UNIX, 15, 0]), err(Errno::EINVAL), "no such type");
    assert_eq!(g.call(nr::SOCKET, &[AF_UNIX, 4, 0]), err(Errno(94)), "SOCK_RDM: ESOCKTNOSUPPORT");
    assert_eq!(g.call(nr::SOCKET, &[AF_UNIX, SOCK_STREAM, 7]), err(Errno(93)), "EPROTONOSUPPORT");
    let fd = g.call(nr::SOCKET, &[AF_UNIX, SOCK_STREAM, 0]) as u64;
    let len = sockaddr_un(&mut g, SCRATCH, "/nonexistent-socket");
    assert_eq!(g.call(nr::CONNECT, &[fd, UNMAPPED, len]), err(Errno::EFAULT));
    assert_eq!(g.call(nr::CONNECT, &[fd, SCRATCH, 129]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::CONNECT, &[fd, SCRATCH, -1i64 as u64]), err(Errno::EINVAL));
    assert_eq!(g.call(nr::CONNECT, &[1, SCRATCH, len]), err(Errno::ENOTSOCK), "captured output");
    assert_eq!(g.call(nr::CONNECT, &[77, SCRATCH, len]), err(Errno::EBADF));
    // A descriptor that is a host file but no socket: the host says so.
    assert_eq!(g.call(nr::PIPE2, &[SCRATCH + 0x400, 0]), 0);
    let r = g.peek_u32(SCRATCH + 0x400) as u64;
    assert_eq!(g.call(nr::CONNECT, &[r, SCRATCH, len]), err(Errno::ENOTSOCK));
    assert!(g.p.unknown_syscalls().is_empty());
}
