//! Interned executable images: machines that load the same file share one
//! copy of its bytes, which each reads in place until it writes a page
//! (see `Memory::map_backed`), and the blocks decoded from those bytes.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError, Weak};

use rustc_hash::{FxHashMap, FxHasher};

use crate::isa::Inst;

/// Where a block starts in an image: the file offset of its first
/// instruction, and that instruction's offset in its guest page (which
/// decides where the block must end).
pub type CodeKey = (usize, u16);

/// An executable's bytes, never written, with the blocks decoded from
/// them by the machines that read them in place.
pub struct Image {
    bytes: Box<[u8]>,
    /// Decoded blocks that lie within one page, by `CodeKey`. Only ever
    /// added to: the bytes they were decoded from never change.
    decoded: Mutex<FxHashMap<CodeKey, Arc<[Inst]>>>,
}

impl Image {
    /// An image of its own (not interned), holding a copy of `bytes`.
    pub fn new(bytes: &[u8]) -> Arc<Image> {
        Arc::new(Image { bytes: bytes.into(), decoded: Mutex::default() })
    }

    /// The instructions of the block at `key`, if some machine decoded it
    /// (and no other thread is using the list just now).
    pub fn decoded(&self, key: CodeKey) -> Option<Arc<[Inst]>> {
        self.blocks()?.get(&key).cloned()
    }

    /// Remember the instructions of the block at `key` for other machines
    /// (unless another thread is using the list just now).
    pub fn remember(&self, key: CodeKey, insts: &Arc<[Inst]>) {
        if let Some(mut blocks) = self.blocks() {
            blocks.entry(key).or_insert_with(|| insts.clone());
        }
    }

    /// The decoded blocks, unless another thread holds them. Sharing is
    /// only a saving, so a machine never waits for it and decodes on its
    /// own instead: in a forked child, the holder may be a thread that
    /// does not exist there and would never let go.
    fn blocks(&self) -> Option<MutexGuard<'_, FxHashMap<CodeKey, Arc<[Inst]>>>> {
        match self.decoded.try_lock() {
            Ok(guard) => Some(guard),
            // A poisoned lock only means another thread panicked while
            // holding it; every update is a single insert, so the map is
            // still valid.
            Err(TryLockError::Poisoned(e)) => Some(e.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        }
    }
}

impl std::ops::Deref for Image {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

/// Live images by (length, hash of contents); several may share a key.
type Images = HashMap<(usize, u64), Vec<Weak<Image>>>;

static IMAGES: Mutex<Option<Images>> = Mutex::new(None);

/// A shared copy of `bytes`: the one already in use by another machine when
/// there is one with the same contents, else a new one.
pub fn intern(bytes: &[u8]) -> Arc<Image> {
    // A fast hash: the contents are compared in full on a match, so a
    // collision costs only that comparison.
    let mut h = FxHasher::default();
    bytes.hash(&mut h);
    let key = (bytes.len(), h.finish());
    // A poisoned lock only means another thread panicked while holding it;
    // the map is still a valid cache.
    let mut guard = IMAGES.lock().unwrap_or_else(|e| e.into_inner());
    let images = guard.get_or_insert_with(HashMap::new);
    let same = images.entry(key).or_default();
    same.retain(|w| w.strong_count() > 0);
    if let Some(live) = same.iter().filter_map(Weak::upgrade).find(|a| a[..] == *bytes) {
        return live;
    }
    let fresh = Image::new(bytes);
    same.push(Arc::downgrade(&fresh));
    // Forget keys whose images are all gone, so the map does not grow with
    // every distinct image ever loaded.
    if images.len() > 64 {
        images.retain(|_, v| v.iter().any(|w| w.strong_count() > 0));
    }
    fresh
}
