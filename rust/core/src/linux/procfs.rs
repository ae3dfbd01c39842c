//! The few /proc/self files whose host version would describe the host
//! process instead of the guest: exe, maps, cmdline, environ, auxv.
//! They are answered from the guest's own state; everything else under
//! /proc goes to the host.

/// A /proc file about the guest itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcFile {
    Exe,
    Maps,
    Cmdline,
    Environ,
    Auxv,
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
        _ => None,
    }
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
