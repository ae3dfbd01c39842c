//! The few /proc/self files whose host version would describe the host
//! process instead of the guest: exe, maps, cmdline, environ, auxv and the
//! descriptor links fd/N. They are answered from the guest's own state;
//! everything else under /proc goes to the host.

/// A /proc file about the guest itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcFile {
    Exe,
    Maps,
    Cmdline,
    Environ,
    Auxv,
    /// fd/N: the guest's descriptor N.
    Fd(i32),
    /// fd: the directory of the guest's descriptors.
    FdDir,
}

impl ProcFile {
    /// The name under /proc/<pid>/.
    pub fn name(self) -> String {
        match self {
            ProcFile::Exe => "exe".into(),
            ProcFile::Maps => "maps".into(),
            ProcFile::Cmdline => "cmdline".into(),
            ProcFile::Environ => "environ".into(),
            ProcFile::Auxv => "auxv".into(),
            ProcFile::Fd(n) => format!("fd/{n}"),
            ProcFile::FdDir => "fd".into(),
        }
    }
}

/// Which guest /proc file `path` names ("/proc/self/..." or
/// "/proc/<pid>/..." with the guest's pid), if any.
pub fn lookup(path: &[u8], pid: i32) -> Option<ProcFile> {
    let rest = path.strip_prefix(b"/proc/")?;
    let slash = rest.iter().position(|&b| b == b'/')?;
    let (who, file) = (&rest[..slash], &rest[slash + 1..]);
    if who != b"self" && who != b"thread-self" && who != pid.to_string().as_bytes() {
        return None;
    }
    match file {
        b"exe" => Some(ProcFile::Exe),
        b"maps" => Some(ProcFile::Maps),
        b"cmdline" => Some(ProcFile::Cmdline),
        b"environ" => Some(ProcFile::Environ),
        b"auxv" => Some(ProcFile::Auxv),
        b"fd" | b"fd/" => Some(ProcFile::FdDir),
        _ => fd_number(file.strip_prefix(b"fd/")?).map(ProcFile::Fd),
    }
}

/// A descriptor number as /proc spells it: decimal digits without sign or
/// leading zeros, within an int.
fn fd_number(s: &[u8]) -> Option<i32> {
    if s.is_empty() || (s[0] == b'0' && s.len() > 1) || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(s).ok()?.parse().ok()
}

/// One line of /proc/self/maps, as show_map_vma prints it: the name, when
/// there is one, follows padding to column 72 and one space.
pub fn maps_line(out: &mut Vec<u8>, start: u64, end: u64, perms: crate::mem::Perms, name: &str) {
    let flag = |on: bool, c: char| if on { c } else { '-' };
    let mut line = format!(
        "{start:08x}-{end:08x} {}{}{}p {:08x} {:02x}:{:02x} {} ",
        flag(perms.read(), 'r'),
        flag(perms.write(), 'w'),
        flag(perms.exec(), 'x'),
        0,
        0,
        0,
        0
    );
    if !name.is_empty() {
        while line.len() < 72 {
            line.push(' ');
        }
        line.push(' ');
        line.push_str(name);
    }
    line.push('\n');
    out.extend_from_slice(line.as_bytes());
}

/// Strings joined with NULs, each NUL-terminated (cmdline, environ).
pub fn nul_joined(list: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for s in list {
        out.extend_from_slice(s);
        out.push(0);
    }
    out
}

/// struct linux_dirent64 records of the descriptor directory, from entry
/// `start` on (".", "..", then the descriptors in ascending order), as
/// many whole records as fit in `room` bytes; with the index of the entry
/// after the last one written. Inode numbers are made up but stable.
pub fn fd_dirents(fds: &[i32], start: u64, room: usize) -> (Vec<u8>, u64) {
    const DT_DIR: u8 = 4;
    const DT_LNK: u8 = 10;
    let mut out = Vec::new();
    let mut next = start;
    loop {
        let (name, ino, kind) = match next {
            0 => (".".to_string(), 1, DT_DIR),
            1 => ("..".to_string(), 2, DT_DIR),
            i => match usize::try_from(i - 2).ok().and_then(|k| fds.get(k)) {
                Some(&fd) => (fd.to_string(), 3 + fd as u64, DT_LNK),
                None => break,
            },
        };
        // ino, off, reclen, type, the name and its NUL, padded to 8.
        let reclen = (19 + name.len() + 1).next_multiple_of(8);
        if out.len() + reclen > room {
            break;
        }
        next += 1;
        let at = out.len();
        out.resize(at + reclen, 0);
        out[at..at + 8].copy_from_slice(&ino.to_le_bytes());
        out[at + 8..at + 16].copy_from_slice(&next.to_le_bytes());
        out[at + 16..at + 18].copy_from_slice(&(reclen as u16).to_le_bytes());
        out[at + 18] = kind;
        out[at + 19..at + 19 + name.len()].copy_from_slice(name.as_bytes());
    }
    (out, next)
}
