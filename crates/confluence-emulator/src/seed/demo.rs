//! The demo wiki (filled in by the seed work).

use crate::rng::SplitMix64;
use crate::store::Store;

pub fn populate(_store: &mut Store, _rng: &mut SplitMix64) {}

pub fn generate_pages(_store: &mut Store, _rng: &mut SplitMix64, _count: usize) {}
