//! open(2) flags: the asm-generic values RISC-V guests use, and their
//! translation to the host's (AArch64 numbers O_DIRECTORY, O_NOFOLLOW,
//! O_DIRECT and O_LARGEFILE differently, so flags never pass through as is).

pub const O_ACCMODE: u32 = 0o3;
pub const O_WRONLY: u32 = 0o1;
pub const O_CREAT: u32 = 0o100;
pub const O_EXCL: u32 = 0o200;
pub const O_NONBLOCK: u32 = 0o4000;
pub const O_DSYNC: u32 = 0o10000;
pub const O_DIRECT: u32 = 0o40000;
pub const O_LARGEFILE: u32 = 0o100000;
pub const O_DIRECTORY: u32 = 0o200000;
pub const O_CLOEXEC: u32 = 0o2000000;
pub const O_SYNC: u32 = 0o4000000 | O_DSYNC;
pub const O_PATH: u32 = 0o10000000;
pub const O_TMPFILE: u32 = 0o20000000 | O_DIRECTORY;

/// The kernel's O_LARGEFILE of the host (glibc's is 0 on 64-bit hosts,
/// but F_GETFL reports the kernel bit).
#[cfg(target_arch = "aarch64")]
const HOST_O_LARGEFILE: i32 = 0o400000;
#[cfg(not(target_arch = "aarch64"))]
const HOST_O_LARGEFILE: i32 = 0o100000;

/// (guest bits, host bits): a flag is present when all its bits are.
/// O_CLOEXEC is the descriptor's, kept by the guest's table; O_LARGEFILE
/// is implied on 64-bit hosts.
const TABLE: &[(u32, i32)] = &[
    (0o1, libc::O_WRONLY),
    (0o2, libc::O_RDWR),
    (O_CREAT, libc::O_CREAT),
    (O_EXCL, libc::O_EXCL),
    (0o400, libc::O_NOCTTY),
    (0o1000, libc::O_TRUNC),
    (0o2000, libc::O_APPEND),
    (O_NONBLOCK, libc::O_NONBLOCK),
    (O_DSYNC, libc::O_DSYNC),
    (O_SYNC, libc::O_SYNC),
    (0o20000, libc::O_ASYNC),
    (O_DIRECT, libc::O_DIRECT),
    (O_DIRECTORY, libc::O_DIRECTORY),
    (0o400000, libc::O_NOFOLLOW),
    (0o1000000, libc::O_NOATIME),
    (O_PATH, libc::O_PATH),
    (O_TMPFILE, libc::O_TMPFILE),
];

/// Guest open flags as host flags (unknown bits dropped, as open(2)
/// ignores them).
pub fn to_host(flags: u32) -> i32 {
    TABLE.iter().filter(|(g, _)| flags & g == *g).fold(0, |acc, (_, h)| acc | h)
}

/// Host status flags (F_GETFL) as guest flags.
pub fn from_host(flags: i32) -> u32 {
    let mut g = TABLE.iter().filter(|(_, h)| flags & h == *h && *h != 0).fold(0, |acc, (g, _)| acc | g);
    if flags & HOST_O_LARGEFILE != 0 {
        g |= O_LARGEFILE;
    }
    g
}
