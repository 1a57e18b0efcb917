//! A bounded memo for pure functions of long strings: storage → Markdown conversion and DLP
//! scans. Agents read the same pages again and again, and both functions cost far more than
//! everything else a call does, so a repeat is served from memory.
//!
//! Entries are found by a keyed hash of the input's length and a sample of its bytes (so a
//! lookup does not hash a whole 20 KB page) and then compared with the input in full, so a
//! hit is exactly a repeat of the same input: nothing here trusts page ids or version
//! numbers, and nothing needs invalidating — a new version is a new input. Inputs that share
//! a sample simply share a bucket. Only the pure part of a stage is memoized: callers still
//! fetch, authorize, check policy, apply DLP actions and audit on every call.
//!
//! Bounded by entry count and bytes (inputs plus outputs); the oldest entries go first.
//! Inputs shorter than [`MemoLimits::min_input_bytes`] are cheaper to recompute than to
//! look up and are never stored.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, RwLock};

/// How much a memo may hold.
#[derive(Debug, Clone, Copy)]
pub struct MemoLimits {
    /// Shorter inputs are computed every time.
    pub min_input_bytes: usize,
    pub max_entries: usize,
    /// Inputs plus outputs; one entry may take at most an eighth of it.
    pub max_bytes: usize,
}

struct Entry<V> {
    input: Arc<str>,
    value: V,
    bytes: usize,
}

struct State<V> {
    /// Sample hash → the entries with that sample (almost always one).
    buckets: HashMap<u64, Vec<Entry<V>>>,
    /// Insertion order, for eviction.
    order: VecDeque<(u64, Arc<str>)>,
    entries: usize,
    bytes: usize,
}

/// See the module documentation. `V` should be cheap to clone (an `Arc`).
pub struct StringMemo<V> {
    state: RwLock<State<V>>,
    hasher: RandomState,
    limits: MemoLimits,
}

/// Bytes taken from the start, from the end, and in this many pieces in between.
const SAMPLE_EDGE: usize = 256;
const SAMPLE_PIECES: usize = 32;
const SAMPLE_PIECE: usize = 16;

impl<V: Clone> StringMemo<V> {
    pub fn new(limits: MemoLimits) -> StringMemo<V> {
        StringMemo {
            state: RwLock::new(State {
                buckets: HashMap::new(),
                order: VecDeque::new(),
                entries: 0,
                bytes: 0,
            }),
            hasher: RandomState::new(),
            limits,
        }
    }

    /// The memoized `compute(input)`. Errors are returned, not stored. `output_bytes` tells
    /// the size of a value for the byte budget.
    pub fn get_or_try_insert<E>(
        &self,
        input: &str,
        output_bytes: impl Fn(&V) -> usize,
        compute: impl FnOnce(&str) -> Result<V, E>,
    ) -> Result<V, E> {
        if input.len() < self.limits.min_input_bytes {
            return compute(input);
        }
        let sample = self.sample_hash(input.as_bytes());
        if let Some(value) = self.lookup(sample, input) {
            return Ok(value);
        }
        let value = compute(input)?;
        let bytes = input.len() + output_bytes(&value);
        if bytes <= self.limits.max_bytes / 8 {
            self.insert(sample, input, value.clone(), bytes);
        }
        Ok(value)
    }

    /// A keyed hash of the length and about 1 KB of the input, spread over all of it.
    fn sample_hash(&self, input: &[u8]) -> u64 {
        let mut h = self.hasher.build_hasher();
        h.write_usize(input.len());
        if input.len() <= 2 * SAMPLE_EDGE + SAMPLE_PIECES * SAMPLE_PIECE {
            h.write(input);
        } else {
            h.write(&input[..SAMPLE_EDGE]);
            h.write(&input[input.len() - SAMPLE_EDGE..]);
            let stride = (input.len() - SAMPLE_PIECE) / SAMPLE_PIECES;
            for i in 0..SAMPLE_PIECES {
                let at = i * stride;
                h.write(&input[at..at + SAMPLE_PIECE]);
            }
        }
        h.finish()
    }

    fn lookup(&self, sample: u64, input: &str) -> Option<V> {
        self.read()
            .buckets
            .get(&sample)?
            .iter()
            .find(|e| *e.input == *input)
            .map(|e| e.value.clone())
    }

    fn insert(&self, sample: u64, input: &str, value: V, bytes: usize) {
        let mut state = self.state.write().unwrap_or_else(|p| p.into_inner());
        if state
            .buckets
            .get(&sample)
            .is_some_and(|b| b.iter().any(|e| *e.input == *input))
        {
            // Another call computed it meanwhile.
            return;
        }
        while state.entries >= self.limits.max_entries
            || state.bytes + bytes > self.limits.max_bytes
        {
            let Some((old_sample, old_input)) = state.order.pop_front() else {
                break;
            };
            let State {
                buckets,
                entries,
                bytes: held,
                ..
            } = &mut *state;
            if let Some(bucket) = buckets.get_mut(&old_sample) {
                if let Some(at) = bucket
                    .iter()
                    .position(|e| Arc::ptr_eq(&e.input, &old_input))
                {
                    let gone = bucket.swap_remove(at);
                    *held -= gone.bytes;
                    *entries -= 1;
                }
                if bucket.is_empty() {
                    buckets.remove(&old_sample);
                }
            }
        }
        let input: Arc<str> = Arc::from(input);
        state.order.push_back((sample, input.clone()));
        state.buckets.entry(sample).or_default().push(Entry {
            input,
            value,
            bytes,
        });
        state.entries += 1;
        state.bytes += bytes;
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State<V>> {
        // A poisoned memo only means a call panicked while inserting; the map is still valid.
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    /// Entries held (for tests and metrics).
    pub fn len(&self) -> usize {
        self.read().entries
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held (inputs plus outputs).
    pub fn bytes(&self) -> usize {
        self.read().bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memo(max_entries: usize, max_bytes: usize) -> StringMemo<Arc<str>> {
        StringMemo::new(MemoLimits {
            min_input_bytes: 4,
            max_entries,
            max_bytes,
        })
    }

    fn upper(memo: &StringMemo<Arc<str>>, input: &str, calls: &mut usize) -> Arc<str> {
        let result: Result<Arc<str>, ()> = memo.get_or_try_insert(
            input,
            |v| v.len(),
            |s| {
                *calls += 1;
                Ok(Arc::from(s.to_uppercase()))
            },
        );
        result.unwrap_or_else(|()| Arc::from(""))
    }

    #[test]
    fn repeats_are_served_and_different_inputs_are_not_confused() {
        let m = memo(8, 1 << 20);
        let mut calls = 0;
        assert_eq!(&*upper(&m, "page body v1", &mut calls), "PAGE BODY V1");
        assert_eq!(&*upper(&m, "page body v1", &mut calls), "PAGE BODY V1");
        assert_eq!(calls, 1);
        // Same length, one byte different: a different entry.
        assert_eq!(&*upper(&m, "page body v2", &mut calls), "PAGE BODY V2");
        assert_eq!(calls, 2);
        assert_eq!(m.len(), 2);
        // Short inputs are never stored.
        upper(&m, "ab", &mut calls);
        upper(&m, "ab", &mut calls);
        assert_eq!(calls, 4);
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn inputs_differing_outside_the_sample_are_told_apart() {
        let m = memo(8, 1 << 20);
        let mut calls = 0;
        // Long inputs that differ in one byte between two sampled pieces (same bucket).
        let base = "a".repeat(50_000);
        let mut changed = base.clone().into_bytes();
        changed[25_100] = b'b';
        let changed = String::from_utf8(changed).unwrap_or_default();
        let first = upper(&m, &base, &mut calls);
        let second = upper(&m, &changed, &mut calls);
        assert_eq!(calls, 2);
        assert_ne!(first, second);
        assert!(second.contains('B'));
        assert_eq!(upper(&m, &changed, &mut calls), second);
        assert_eq!(upper(&m, &base, &mut calls), first);
        assert_eq!(calls, 2);
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn errors_are_not_stored() {
        let m = memo(8, 1 << 20);
        let failed: Result<Arc<str>, &str> =
            m.get_or_try_insert("bad input", |v| v.len(), |_| Err("no"));
        assert_eq!(failed, Err("no"));
        assert!(m.is_empty());
    }

    #[test]
    fn bounded_by_entries_and_bytes_oldest_first() {
        let m = memo(3, 1 << 20);
        let mut calls = 0;
        for i in 0..5 {
            upper(&m, &format!("input number {i}"), &mut calls);
        }
        assert_eq!(m.len(), 3);
        // The newest are kept, the oldest recomputed.
        upper(&m, "input number 4", &mut calls);
        assert_eq!(calls, 5);
        upper(&m, "input number 0", &mut calls);
        assert_eq!(calls, 6);

        // 8 entries of 2 × 100 bytes fit in 1,600 bytes; the ninth evicts the first.
        let m = memo(1000, 1600);
        for i in 0..9 {
            upper(&m, &format!("{i}{}", "x".repeat(99)), &mut calls);
        }
        assert_eq!(m.len(), 8);
        assert!(m.bytes() <= 1600);
        // An entry larger than an eighth of the budget is computed but not kept.
        upper(&m, &"y".repeat(150), &mut calls);
        assert_eq!(m.len(), 8);
    }
}
