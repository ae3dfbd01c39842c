//! Interned executable images: machines that load the same file share one
//! copy of its bytes, from which each copies only the pages it touches
//! (see `Memory::map_backed`).

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, Weak};

/// Live images by (length, hash of contents); several may share a key.
type Images = HashMap<(usize, u64), Vec<Weak<[u8]>>>;

static IMAGES: Mutex<Option<Images>> = Mutex::new(None);

/// A shared copy of `bytes`: the one already in use by another machine when
/// there is one with the same contents, else a new one.
pub fn intern(bytes: &[u8]) -> Arc<[u8]> {
    let mut h = DefaultHasher::new();
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
    let fresh: Arc<[u8]> = Arc::from(bytes);
    same.push(Arc::downgrade(&fresh));
    // Forget keys whose images are all gone, so the map does not grow with
    // every distinct image ever loaded.
    if images.len() > 64 {
        images.retain(|_, v| v.iter().any(|w| w.strong_count() > 0));
    }
    fresh
}
