//! struct stat and struct statx as the guest sees them.
//!
//! riscv64 uses the asm-generic struct stat (128 bytes), which differs from
//! the x86-64 host's, so it is rebuilt field by field. struct statx is the
//! same on every architecture and passes through.

/// File metadata, from the host or made up for an in-memory file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    pub dev: u64,
    pub ino: u64,
    pub mode: u32,
    pub nlink: u32,
    pub uid: u32,
    pub gid: u32,
    pub rdev: u64,
    pub size: i64,
    pub blksize: i32,
    pub blocks: i64,
    pub atime: (i64, i64),
    pub mtime: (i64, i64),
    pub ctime: (i64, i64),
}

pub const STAT_SIZE: usize = 128;
pub const STATX_SIZE: usize = 256;

/// STATX_BASIC_STATS: type, mode, nlink, uid, gid, atime, mtime, ctime,
/// ino, size, blocks.
const STATX_BASIC_STATS: u32 = 0x7ff;

pub const S_IFIFO: u32 = 0o010000;
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFREG: u32 = 0o100000;

impl Stat {
    pub fn from_host(st: &libc::stat64) -> Stat {
        Stat {
            dev: st.st_dev,
            ino: st.st_ino,
            mode: st.st_mode,
            // nlink is 64-bit on x86-64 hosts, 32-bit in the guest's struct.
            nlink: u32::try_from(st.st_nlink).unwrap_or(u32::MAX),
            uid: st.st_uid,
            gid: st.st_gid,
            rdev: st.st_rdev,
            size: st.st_size,
            blksize: i32::try_from(st.st_blksize).unwrap_or(i32::MAX),
            blocks: st.st_blocks,
            atime: (st.st_atime, st.st_atime_nsec),
            mtime: (st.st_mtime, st.st_mtime_nsec),
            ctime: (st.st_ctime, st.st_ctime_nsec),
        }
    }

    /// The asm-generic struct stat: st_dev, st_ino, st_mode (u32), st_nlink
    /// (u32), st_uid, st_gid, st_rdev, __pad1, st_size, st_blksize (i32),
    /// __pad2, st_blocks, then atime/mtime/ctime as (sec, nsec), and two
    /// unused u32.
    pub fn to_guest(self) -> [u8; STAT_SIZE] {
        let mut b = [0u8; STAT_SIZE];
        put(&mut b, 0, &self.dev.to_le_bytes());
        put(&mut b, 8, &self.ino.to_le_bytes());
        put(&mut b, 16, &self.mode.to_le_bytes());
        put(&mut b, 20, &self.nlink.to_le_bytes());
        put(&mut b, 24, &self.uid.to_le_bytes());
        put(&mut b, 28, &self.gid.to_le_bytes());
        put(&mut b, 32, &self.rdev.to_le_bytes());
        put(&mut b, 48, &self.size.to_le_bytes());
        put(&mut b, 56, &self.blksize.to_le_bytes());
        put(&mut b, 64, &self.blocks.to_le_bytes());
        for (i, t) in [self.atime, self.mtime, self.ctime].iter().enumerate() {
            put(&mut b, 72 + 16 * i, &t.0.to_le_bytes());
            put(&mut b, 80 + 16 * i, &t.1.to_le_bytes());
        }
        b
    }

    /// struct statx with the basic fields.
    pub fn to_statx(self) -> [u8; STATX_SIZE] {
        let mut b = [0u8; STATX_SIZE];
        put(&mut b, 0, &STATX_BASIC_STATS.to_le_bytes());
        put(&mut b, 4, &(self.blksize as u32).to_le_bytes());
        put(&mut b, 16, &self.nlink.to_le_bytes());
        put(&mut b, 20, &self.uid.to_le_bytes());
        put(&mut b, 24, &self.gid.to_le_bytes());
        put(&mut b, 28, &(self.mode as u16).to_le_bytes());
        put(&mut b, 32, &self.ino.to_le_bytes());
        put(&mut b, 40, &self.size.to_le_bytes());
        put(&mut b, 48, &self.blocks.to_le_bytes());
        // stx_atime, stx_btime (absent), stx_ctime, stx_mtime at 64, 80,
        // 96, 112: { i64 sec, u32 nsec, i32 pad }.
        for (off, t) in [(64, self.atime), (96, self.ctime), (112, self.mtime)] {
            put(&mut b, off, &t.0.to_le_bytes());
            put(&mut b, off + 8, &(t.1 as u32).to_le_bytes());
        }
        let (rmaj, rmin) = split_dev(self.rdev);
        let (dmaj, dmin) = split_dev(self.dev);
        put(&mut b, 128, &rmaj.to_le_bytes());
        put(&mut b, 132, &rmin.to_le_bytes());
        put(&mut b, 136, &dmaj.to_le_bytes());
        put(&mut b, 140, &dmin.to_le_bytes());
        b
    }
}

/// major and minor of a device number in glibc's encoding.
fn split_dev(dev: u64) -> (u32, u32) {
    let major = ((dev >> 32) & 0xffff_f000) | ((dev >> 8) & 0xfff);
    let minor = ((dev >> 12) & 0xffff_ff00) | (dev & 0xff);
    (major as u32, minor as u32)
}

fn put(b: &mut [u8], at: usize, v: &[u8]) {
    b[at..at + v.len()].copy_from_slice(v);
}
