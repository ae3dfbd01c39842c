//! Confinement to a root directory: no guest path, symbolic link or
//! directory descriptor reaches a file outside it.

use std::os::unix::fs::symlink;

use super::*;

const AT_FDCWD: u64 = -100i64 as u64;
const O_RDONLY: u64 = 0;
const O_WRONLY: u64 = 1;
const O_CREAT: u64 = 0o100;
const O_DIRECTORY: u64 = 0o200000;
const AT_SYMLINK_FOLLOW: u64 = 0x400;

const PATH: u64 = SCRATCH + 0x8000;
const PATH2: u64 = SCRATCH + 0x9000;
const BUF: u64 = SCRATCH;

/// A directory holding `outside/secret` and the root `outside/root` with
/// `inside.txt`, `sub/deeper/`, and links that try to leave.
fn layout() -> (std::path::PathBuf, std::path::PathBuf) {
    let top = temp_dir("root");
    std::fs::write(top.join("secret"), b"host secret\n").unwrap();
    let root = top.join("root");
    std::fs::create_dir_all(root.join("sub/deeper")).unwrap();
    std::fs::write(root.join("inside.txt"), b"inside\n").unwrap();
    std::fs::write(root.join("secret"), b"root's own secret\n").unwrap();
    symlink("/secret", root.join("abs-link")).unwrap();
    symlink("../../../../../../secret", root.join("sub/deeper/rel-link")).unwrap();
    symlink("deeper/rel-link", root.join("sub/chain")).unwrap();
    symlink(top.join("secret"), root.join("host-abs-link")).unwrap();
    symlink("/proc/self/root/etc/passwd", root.join("proc-link")).unwrap();
    (top, root)
}

fn confined(root: &std::path::Path) -> Guest {
    let options = LinuxOptions { root: Some(root.to_path_buf()), ..LinuxOptions::default() };
    Guest::load_with(&image::ElfBuilder::minimal().build(), config(), &options)
}

/// Open `path` from `dirfd` and read it, or the errno.
fn read(g: &mut Guest, dirfd: u64, path: &str) -> Result<Vec<u8>, i64> {
    let p = g.cstr(PATH, path);
    let fd = g.call(nr::OPENAT, &[dirfd, p, O_RDONLY]);
    if fd < 0 {
        return Err(fd);
    }
    let n = g.call(nr::READ, &[fd as u64, BUF, 4096]);
    assert!(n >= 0);
    assert_eq!(g.call(nr::CLOSE, &[fd as u64]), 0);
    Ok(g.peek(BUF, n as usize))
}

#[test]
fn every_escape_ends_inside_the_root() {
    let (_top, root) = layout();
    let mut g = confined(&root);
    assert_eq!(read(&mut g, AT_FDCWD, "/inside.txt").unwrap(), b"inside\n");
    assert_eq!(read(&mut g, AT_FDCWD, "inside.txt").unwrap(), b"inside\n", "cwd starts at the root");
    for path in [
        "../secret",
        "/../secret",
        "/../../../../secret",
        "sub/../../secret",
        "abs-link",
        "sub/deeper/rel-link",
        "sub/chain",
    ] {
        assert_eq!(read(&mut g, AT_FDCWD, path).unwrap(), b"root's own secret\n", "{path}");
    }
    // A link to the host's absolute path of the file names a path the
    // root does not have.
    assert_eq!(read(&mut g, AT_FDCWD, "host-abs-link"), Err(err(Errno::ENOENT)));
    assert_eq!(read(&mut g, AT_FDCWD, "/etc/passwd"), Err(err(Errno::ENOENT)));
    assert_eq!(read(&mut g, AT_FDCWD, "/proc/self/root/etc/passwd"), Err(err(Errno::ENOENT)));
    assert_eq!(read(&mut g, AT_FDCWD, "proc-link"), Err(err(Errno::ENOENT)));
}

#[test]
fn a_directory_descriptor_cannot_climb_out() {
    let (_top, root) = layout();
    let mut g = confined(&root);
    let p = g.cstr(PATH, "sub/deeper");
    let dirfd = g.call(nr::OPENAT, &[AT_FDCWD, p, O_RDONLY | O_DIRECTORY]);
    assert!(dirfd >= 0);
    let got = read(&mut g, dirfd as u64, "../../../../secret").unwrap();
    assert_eq!(got, b"root's own secret\n");
    assert_eq!(read(&mut g, dirfd as u64, "../../inside.txt").unwrap(), b"inside\n");
}

#[test]
fn stat_readlink_and_access_stay_inside() {
    let (top, root) = layout();
    let mut g = confined(&root);
    let st = |g: &mut Guest, path: &str, flags: u64| {
        let p = g.cstr(PATH, path);
        let r = g.call(nr::NEWFSTATAT, &[AT_FDCWD, p, BUF, flags]);
        (r, g.peek_u64(BUF + 48))
    };
    let size = std::fs::metadata(root.join("secret")).unwrap().len();
    assert_eq!(st(&mut g, "/../secret", 0), (0, size));
    assert_eq!(st(&mut g, "sub/chain", 0), (0, size));
    assert_eq!(st(&mut g, "host-abs-link", 0).0, err(Errno::ENOENT));
    let p = g.cstr(PATH, "abs-link");
    assert_eq!(g.call(nr::READLINKAT, &[AT_FDCWD, p, BUF, 100]), 7);
    assert_eq!(g.peek(BUF, 7), b"/secret");
    let p = g.cstr(PATH, "/../../etc/passwd");
    assert_eq!(g.call(nr::FACCESSAT, &[AT_FDCWD, p, 0]), err(Errno::ENOENT));
    // chmod through a link changes the file inside, not the host's.
    let p = g.cstr(PATH, "abs-link");
    assert_eq!(g.call(nr::FCHMODAT, &[AT_FDCWD, p, 0o600]), 0);
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(root.join("secret")).unwrap().permissions().mode() & 0o777, 0o600);
    assert_ne!(std::fs::metadata(top.join("secret")).unwrap().permissions().mode() & 0o777, 0o600);
}

#[test]
fn creating_renaming_and_linking_stay_inside() {
    let (top, root) = layout();
    let mut g = confined(&root);
    // Creating through `..` and an escaping link lands inside.
    let p = g.cstr(PATH, "../../made");
    let fd = g.call(nr::OPENAT, &[AT_FDCWD, p, O_WRONLY | O_CREAT, 0o644]);
    assert!(fd >= 0);
    assert!(root.join("made").exists() && !top.join("made").exists());
    let p = g.cstr(PATH, "/../newdir");
    assert_eq!(g.call(nr::MKDIRAT, &[AT_FDCWD, p, 0o755]), 0);
    assert!(root.join("newdir").is_dir() && !top.join("newdir").exists());
    // Renames and hard links across the boundary go to the root's own
    // names.
    let (a, b) = (g.cstr(PATH, "made"), g.cstr(PATH2, "../../../moved"));
    assert_eq!(g.call(nr::RENAMEAT2, &[AT_FDCWD, a, AT_FDCWD, b, 0]), 0);
    assert!(root.join("moved").exists() && !top.join("moved").exists());
    let (a, b) = (g.cstr(PATH, "/../secret"), g.cstr(PATH2, "/../hard"));
    assert_eq!(g.call(nr::LINKAT, &[AT_FDCWD, a, AT_FDCWD, b, 0]), 0);
    assert_eq!(std::fs::read(root.join("hard")).unwrap(), b"root's own secret\n");
    assert!(!top.join("hard").exists());
    let (a, b) = (g.cstr(PATH, "abs-link"), g.cstr(PATH2, "followed"));
    assert_eq!(g.call(nr::LINKAT, &[AT_FDCWD, a, AT_FDCWD, b, AT_SYMLINK_FOLLOW]), 0);
    assert_eq!(std::fs::read(root.join("followed")).unwrap(), b"root's own secret\n");
    // A symbolic link's target is only text: made to point out, it still
    // resolves inside.
    let (t, l) = (g.cstr(PATH, "../../../secret"), g.cstr(PATH2, "sub/up"));
    assert_eq!(g.call(nr::SYMLINKAT, &[t, AT_FDCWD, l]), 0);
    assert_eq!(read(&mut g, AT_FDCWD, "sub/up").unwrap(), b"root's own secret\n");
    // Removing a name outside is removing the root's.
    let p = g.cstr(PATH, "../../secret");
    assert_eq!(g.call(nr::UNLINKAT, &[AT_FDCWD, p, 0]), 0);
    assert!(!root.join("secret").exists() && top.join("secret").exists());
    let p = g.cstr(PATH, "/..");
    assert_eq!(g.call(nr::UNLINKAT, &[AT_FDCWD, p, 0x200]), err(Errno::EINVAL), "rmdir of \".\"");
}

#[test]
fn the_working_directory_is_seen_from_inside() {
    let (_top, root) = layout();
    let mut g = confined(&root);
    let getcwd = |g: &mut Guest| {
        let n = g.call(nr::GETCWD, &[BUF, 256]);
        assert!(n > 0);
        String::from_utf8(g.peek(BUF, n as usize - 1)).unwrap()
    };
    assert_eq!(getcwd(&mut g), "/");
    let p = g.cstr(PATH, "sub/deeper");
    assert_eq!(g.call(nr::CHDIR, &[p]), 0);
    assert_eq!(getcwd(&mut g), "/sub/deeper");
    let p = g.cstr(PATH, "../../../..");
    assert_eq!(g.call(nr::CHDIR, &[p]), 0);
    assert_eq!(getcwd(&mut g), "/");
    assert_eq!(read(&mut g, AT_FDCWD, "secret").unwrap(), b"root's own secret\n");
    // /proc/self/exe is the program's path inside the root.
    let p = g.cstr(PATH, "/proc/self/exe");
    let n = g.call(nr::READLINKAT, &[AT_FDCWD, p, BUF, 100]);
    assert_eq!(g.peek(BUF, n as usize), b"/bin/prog");
}

#[test]
fn root_and_sysroot_are_exclusive() {
    let (_top, root) = layout();
    let options = LinuxOptions { root: Some(root.clone()), sysroot: Some(root) };
    let mut mem = Memory::new();
    let mut hart = Hart::new();
    let e = Process::load_with(&image::ElfBuilder::minimal().build(), config(), &options, &mut mem, &mut hart);
    assert!(e.err().unwrap().0.contains("cannot be combined"));
}
