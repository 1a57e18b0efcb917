//! The words of every searchable item, a small stand-in for Confluence's Lucene index: built
//! once per store generation, so `text ~` costs a few binary searches per item instead of
//! turning every body into plain text on every search. Any write to the store starts a new
//! generation (see `AppState::write`) and the next search rebuilds the index, so a search
//! never sees stale words.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;

use super::Item;
use super::text::{fold, plain_text, terms};
use crate::store::Store;
use crate::store::model::Status;

/// Which item a word list belongs to (spaces have ids of their own, so the kind is part of it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum ItemKey {
    Content(u64),
    Comment(u64),
    Attachment(u64),
    Space(u64),
}

impl ItemKey {
    /// The item in `store`, if it is still there and current (as [`super::candidates`] lists).
    pub(crate) fn resolve(self, store: &Store) -> Option<Item<'_>> {
        match self {
            ItemKey::Content(id) => store
                .contents
                .get(&id)
                .filter(|c| c.status == Status::Current)
                .map(Item::Content),
            ItemKey::Comment(id) => store
                .comments
                .get(&id)
                .filter(|c| c.status == Status::Current)
                .map(Item::Comment),
            ItemKey::Attachment(id) => store
                .attachments
                .get(&id)
                .filter(|a| a.status == Status::Current)
                .map(Item::Attachment),
            ItemKey::Space(id) => store.spaces.get(&id).map(Item::Space),
        }
    }

    pub(crate) fn of(item: Item<'_>) -> ItemKey {
        match item {
            Item::Content(c) => ItemKey::Content(c.id),
            Item::Comment(c) => ItemKey::Comment(c.id),
            Item::Attachment(a) => ItemKey::Attachment(a.id),
            Item::Space(s) => ItemKey::Space(s.id),
        }
    }
}

/// Every current item's plain text, and which items hold each word (lower-cased and
/// plural-folded, exactly the words [`super::text::text_matches`] walks: title, plain-text
/// body and labels).
#[derive(Debug, Default)]
pub struct TextIndex {
    generation: u64,
    /// Word → the items that hold it, in a sorted vocabulary so `term*` is a range.
    postings: BTreeMap<Box<str>, Vec<ItemKey>>,
    plain_texts: HashMap<ItemKey, Box<str>>,
}

impl TextIndex {
    /// Indexes every item a search can return.
    pub fn build(store: &Store, generation: u64) -> TextIndex {
        let mut postings: BTreeMap<Box<str>, Vec<ItemKey>> = BTreeMap::new();
        let mut plain_texts = HashMap::new();
        let mut words = Vec::new();
        for item in super::candidates(store) {
            let key = ItemKey::of(item);
            let plain = plain_text(super::Evaluator::body(item));
            words.clear();
            collect_words(&super::Evaluator::title_of(store, item), &mut words);
            collect_words(&plain, &mut words);
            if let Item::Content(c) = item {
                for label in &c.labels {
                    collect_words(&label.name, &mut words);
                }
            }
            words.sort_unstable();
            words.dedup();
            for word in words.drain(..) {
                postings.entry(word).or_default().push(key);
            }
            plain_texts.insert(key, plain.into_boxed_str());
        }
        TextIndex {
            generation,
            postings,
            plain_texts,
        }
    }

    /// The store generation this index was built from.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// The plain text of an item's body (as `plain_text` makes it), if the item is indexed.
    pub fn plain_text(&self, item: Item<'_>) -> Option<&str> {
        self.plain_texts.get(&ItemKey::of(item)).map(|t| &**t)
    }

    /// The items of which every term of `query` is a word (`term*` as a prefix): the same
    /// items `text_matches` accepts on their title, plain-text body and labels.
    pub(crate) fn matching(&self, query: &str) -> HashSet<ItemKey> {
        let mut result: Option<HashSet<ItemKey>> = None;
        for (term, prefix) in terms(query) {
            let mut holders = HashSet::new();
            if prefix {
                let from = (Bound::Included(term.as_str()), Bound::Unbounded);
                for (_, items) in self
                    .postings
                    .range::<str, _>(from)
                    .take_while(|(word, _)| word.starts_with(term.as_str()))
                {
                    holders.extend(items.iter().copied());
                }
            } else if let Some(items) = self.postings.get(term.as_str()) {
                holders.extend(items.iter().copied());
            }
            result = Some(match result {
                None => holders,
                Some(before) => before.intersection(&holders).copied().collect(),
            });
        }
        result.unwrap_or_default()
    }
}

/// Appends the alphanumeric runs of `text`, lower-cased and plural-folded.
fn collect_words(text: &str, into: &mut Vec<Box<str>>) {
    for word in text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let lower = if word.is_ascii() {
            word.to_ascii_lowercase()
        } else {
            word.to_lowercase()
        };
        into.push(Box::from(fold(&lower)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SeedKind;
    use crate::seed::build;

    /// On every item of the demo seed, the index answers exactly as walking the item's text.
    #[test]
    fn index_answers_like_the_text_walk() {
        let store = build(SeedKind::Demo, 42, 0);
        let index = TextIndex::build(&store, 0);
        let queries = [
            "runbook",
            "runbooks",
            "RUNBOOK fail*",
            "postgresql failover",
            "deploy*",
            "k*",
            "onboarding policy",
            "été",
            "nothing-like-this-anywhere",
            "a",
            "*",
            "",
            "runbook*s",
        ];
        let hits: Vec<_> = queries.iter().map(|q| index.matching(q)).collect();
        let mut matched = 0;
        for item in crate::cql_eval::candidates(&store) {
            let mut text = crate::cql_eval::Evaluator::title_of(&store, item);
            text.push(' ');
            text.push_str(&plain_text(crate::cql_eval::Evaluator::body(item)));
            if let Item::Content(c) = item {
                for label in &c.labels {
                    text.push(' ');
                    text.push_str(&label.name);
                }
            }
            for (query, hits) in queries.iter().zip(&hits) {
                let want = super::super::text::text_matches(&text, query);
                let key = ItemKey::of(item);
                assert_eq!(hits.contains(&key), want, "{query:?} on {item:?}");
                matched += usize::from(want);
            }
            assert_eq!(
                index.plain_text(item),
                Some(plain_text(crate::cql_eval::Evaluator::body(item)).as_str())
            );
        }
        assert!(
            matched > 50,
            "the queries should match some items ({matched})"
        );
    }
}
