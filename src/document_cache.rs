//! Serialised documents kept by the version they were read at, so that a repeated read costs one
//! primary-key lookup of the current version instead of loading and serialising the document again.
//!
//! Safe across instances because nothing is served on trust: every read asks the database for
//! the record's current version (and what authorisation needs) and uses the kept bytes only when
//! that version is the one they were made from. A record whose every change bumps its version
//! (an SKP: its content and status go through `versioned::Edit`) can be kept this way; one whose
//! inputs change without a version (a live score) is kept at a digest of those inputs instead,
//! which the database reads again just as cheaply (`scores::kept`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::web::Bytes;

/// What a kept document is served against: the version of its record, or a digest of everything
/// it is computed from but the date, and the instant that date ends (a live score, see
/// `scores::kept`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeptAt {
    Version(i32),
    Inputs { digest: InputsDigest, until: chrono::DateTime<chrono::Utc> },
}

/// A digest (SHA-256) of every input of a computed document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputsDigest(pub [u8; 32]);

/// Documents by id, each with the version (`V`) it was serialised at; at most `budget` bytes of them.
#[derive(Debug, Clone)]
pub struct DocumentCache<V = i32> {
    budget: usize,
    inner: Arc<Mutex<Kept<V>>>,
}

#[derive(Debug)]
struct Kept<V> {
    bytes: usize,
    documents: HashMap<String, (V, Bytes)>,
}

impl<V: Clone> DocumentCache<V> {
    /// A cache of at most `budget` bytes of documents; 0 keeps nothing.
    pub fn new(budget: usize) -> Self {
        Self { budget, inner: Arc::new(Mutex::new(Kept { bytes: 0, documents: HashMap::new() })) }
    }

    /// The document `id` as last kept, with the version it was serialised at: to be served only
    /// if that is still the record's version.
    pub fn kept(&self, id: &str) -> Option<(V, Bytes)> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).documents.get(id).cloned()
    }

    /// Keeps `body`, the document `id` serialised at `version`, in place of any other version.
    /// When the budget is spent, documents go in no particular order until it is not.
    pub fn put(&self, id: &str, version: V, body: Bytes) {
        if body.len() > self.budget {
            return;
        }
        let mut kept = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, old)) = kept.documents.remove(id) {
            kept.bytes -= old.len();
        }
        while kept.bytes + body.len() > self.budget {
            let Some(evicted) = kept.documents.keys().next().cloned() else { break };
            if let Some((_, old)) = kept.documents.remove(&evicted) {
                kept.bytes -= old.len();
            }
        }
        kept.bytes += body.len();
        kept.documents.insert(id.to_string(), (version, body));
    }

    /// How many bytes of documents are kept.
    pub fn bytes(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_kept_with_its_version_in_place_of_the_one_before() {
        let cache = DocumentCache::new(1024);
        cache.put("a", 3, Bytes::from_static(b"three"));
        assert_eq!(cache.kept("a"), Some((3, Bytes::from_static(b"three"))));
        cache.put("a", 4, Bytes::from_static(b"four"));
        assert_eq!(cache.kept("a"), Some((4, Bytes::from_static(b"four"))));
        assert_eq!(cache.kept("b"), None);
        assert_eq!(cache.bytes(), 4);
    }

    #[test]
    fn the_budget_is_never_exceeded() {
        let cache = DocumentCache::new(10);
        for i in 0..20 {
            cache.put(&i.to_string(), 1, Bytes::from(vec![b'x'; 3]));
            assert!(cache.bytes() <= 10, "{} bytes kept", cache.bytes());
        }
        assert_eq!(cache.bytes(), 9);
        cache.put("big", 1, Bytes::from(vec![b'x'; 11]));
        assert_eq!(cache.kept("big"), None);
        let nothing = DocumentCache::new(0);
        nothing.put("a", 1, Bytes::from_static(b"a"));
        assert_eq!(nothing.kept("a"), None);
    }
}
