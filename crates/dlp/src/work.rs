//! The work the prefilter hands the confirm step: per detector, anchors to probe or windows
//! to search, collected during the passes and handed over in batches.
//!
//! The lists live in a [`Windows`] that the engine keeps in a pool and reuses from scan to
//! scan: gateway payloads are mostly short texts (a page, a JSON string), and allocating
//! and freeing two lists per detector for each of them used to cost about as much as
//! scanning a kilobyte of it.

use std::ops::Range;

/// Lists longer than this (entries) are shrunk back after a scan, so that one hostile text
/// does not leave the pooled lists large for good.
const RETAINED_ENTRIES: usize = 256;

/// Where each triggered detector must look: anchors to probe, or windows to search. Filled
/// by the passes and drained in batches ([`Windows::take_ready`]), so it holds at most about
/// one batch of hits however many the text has.
pub(crate) struct Windows {
    per_detector: Vec<Vec<Range<usize>>>,
    probes: Vec<Vec<usize>>,
    /// Detectors with pending work (may repeat; each at least once while it has some).
    pending: Vec<usize>,
    /// Pending windows and anchors over all detectors.
    pub(crate) entries: usize,
}

/// The work for one detector, borrowed from [`Windows`] for the time of one confirm call.
pub(crate) enum Work<'a> {
    /// Anchor positions (ascending, deduplicated): try anchored matches starting `lead`
    /// bytes before each, up to the anchor.
    Probes { anchors: &'a [usize], lead: usize },
    /// Sorted, disjoint windows to search unanchored.
    Windows(&'a [Range<usize>]),
}

impl Windows {
    pub(crate) fn new(detector_count: usize) -> Windows {
        Windows {
            per_detector: vec![Vec::new(); detector_count],
            probes: vec![Vec::new(); detector_count],
            pending: Vec::new(),
            entries: 0,
        }
    }

    /// Empties whatever an earlier scan left (one stopped early, or one that panicked in a
    /// validator), keeping the lists' memory.
    pub(crate) fn reset(&mut self) {
        for detector in self.pending.drain(..) {
            self.per_detector[detector].clear();
            self.probes[detector].clear();
        }
        self.entries = 0;
    }

    fn mark(&mut self, detector: usize) {
        if self.per_detector[detector].is_empty() && self.probes[detector].is_empty() {
            self.pending.push(detector);
        }
    }

    pub(crate) fn push(&mut self, detector: usize, window: Range<usize>) {
        self.mark(detector);
        let list = &mut self.per_detector[detector];
        match list.last_mut() {
            Some(last) if window.start <= last.end && window.end >= last.start => {
                last.start = last.start.min(window.start);
                last.end = last.end.max(window.end);
            }
            _ => {
                list.push(window);
                self.entries += 1;
            }
        }
    }

    pub(crate) fn probe(&mut self, detector: usize, anchor: usize) {
        self.mark(detector);
        let list = &mut self.probes[detector];
        if list.last() != Some(&anchor) {
            list.push(anchor);
            self.entries += 1;
        }
    }

    /// Hands `confirm`, per detector in index order, the work that no later hit can change:
    /// anchors before `frontier` (no later anchor is smaller) and windows ending before
    /// `frontier - lead` (no later window can overlap and merge with them). The rest stays
    /// pending for the next batch. `usize::MAX` takes everything. Returns false as soon as
    /// `confirm` does (the rest of the batch is not confirmed).
    pub(crate) fn take_ready(
        &mut self,
        lead: &[usize],
        frontier: usize,
        confirm: &mut impl FnMut(usize, Work<'_>) -> bool,
    ) -> bool {
        self.pending.sort_unstable();
        self.pending.dedup();
        let count = self.pending.len();
        self.entries = 0;
        let mut go_on = true;
        for index in 0..count {
            let detector = self.pending[index];
            if go_on {
                go_on = self.confirm_ready(detector, lead[detector], frontier, confirm);
            }
            let left = self.probes[detector].len() + self.per_detector[detector].len();
            if left > 0 {
                self.pending.push(detector);
                self.entries += left;
            }
        }
        // Only now: a panic in `confirm` must leave every detector with work in `pending`,
        // for `reset`.
        self.pending.drain(..count);
        go_on
    }

    fn confirm_ready(
        &mut self,
        detector: usize,
        lead: usize,
        frontier: usize,
        confirm: &mut impl FnMut(usize, Work<'_>) -> bool,
    ) -> bool {
        let mut go_on = true;
        let anchors = &mut self.probes[detector];
        if !anchors.is_empty() {
            anchors.sort_unstable();
            anchors.dedup();
            let split = anchors.partition_point(|&a| a < frontier);
            if split > 0 {
                go_on = confirm(
                    detector,
                    Work::Probes {
                        anchors: &anchors[..split],
                        lead,
                    },
                );
                anchors.drain(..split);
                shrink(anchors);
            }
            return go_on;
        }
        let list = &mut self.per_detector[detector];
        list.sort_unstable_by_key(|w| w.start);
        // Merge overlapping windows in place: `kept` of them so far.
        let mut kept: usize = 0;
        for index in 0..list.len() {
            let window = list[index].clone();
            if kept > 0 && window.start <= list[kept - 1].end {
                list[kept - 1].end = list[kept - 1].end.max(window.end);
            } else {
                list[kept] = window;
                kept += 1;
            }
        }
        list.truncate(kept);
        let limit = frontier.saturating_sub(lead);
        let split = list.partition_point(|w| w.end < limit);
        if split > 0 {
            go_on = confirm(detector, Work::Windows(&list[..split]));
            list.drain(..split);
            shrink(list);
        }
        go_on
    }
}

/// Gives back the memory of a list a hostile text made long, once it is mostly drained.
fn shrink<T>(list: &mut Vec<T>) {
    if list.capacity() > RETAINED_ENTRIES && list.len() <= RETAINED_ENTRIES / 2 {
        list.shrink_to(RETAINED_ENTRIES);
    }
}

/// Hands pending work to the confirm step whenever a batch's worth has piled up; stops the
/// scan when the confirm step says so (candidate budget spent).
pub(crate) struct Batcher<'a, F> {
    pub(crate) windows: &'a mut Windows,
    lead: &'a [usize],
    batch: usize,
    next_flush: usize,
    confirm: F,
    pub(crate) stopped: bool,
}

impl<'a, F: FnMut(usize, Work<'_>) -> bool> Batcher<'a, F> {
    /// Hands work to `confirm` in batches of about `batch` anchors or windows.
    pub(crate) fn new(
        windows: &'a mut Windows,
        lead: &'a [usize],
        batch: usize,
        confirm: F,
    ) -> Batcher<'a, F> {
        windows.reset();
        Batcher {
            windows,
            lead,
            batch: batch.max(1),
            next_flush: batch.max(1),
            confirm,
            stopped: false,
        }
    }

    /// Confirms what is ready if a batch has piled up; `frontier` is the smallest anchor a
    /// later hit of the current pass can have. Returns false once the scan should stop.
    pub(crate) fn maybe_flush(&mut self, frontier: usize) -> bool {
        if self.windows.entries >= self.next_flush {
            self.flush(frontier);
        }
        !self.stopped
    }

    pub(crate) fn flush(&mut self, frontier: usize) {
        if self.stopped {
            return;
        }
        if !self
            .windows
            .take_ready(self.lead, frontier, &mut self.confirm)
        {
            self.stopped = true;
        }
        self.next_flush = self.windows.entries.saturating_add(self.batch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drains `windows` up to `frontier` into owned lists.
    fn take(windows: &mut Windows, frontier: usize) -> Vec<(usize, Vec<usize>, Vec<Range<usize>>)> {
        let mut out = Vec::new();
        windows.take_ready(&[2, 2, 2], frontier, &mut |detector, work| {
            out.push(match work {
                Work::Probes { anchors, .. } => (detector, anchors.to_vec(), Vec::new()),
                Work::Windows(list) => (detector, Vec::new(), list.to_vec()),
            });
            true
        });
        out
    }

    #[test]
    fn hands_over_sorted_merged_work_and_keeps_the_rest() {
        let mut windows = Windows::new(3);
        windows.probe(2, 40);
        windows.probe(2, 10);
        windows.probe(2, 10);
        windows.push(0, 30..35);
        windows.push(0, 5..12);
        windows.push(0, 10..20);
        windows.push(0, 60..70);
        assert_eq!(
            take(&mut windows, 50),
            vec![(0, vec![], vec![5..20, 30..35]), (2, vec![10, 40], vec![])]
        );
        // 60..70 ends after 50 - lead: a later window could still merge with it.
        assert_eq!(windows.entries, 1);
        assert_eq!(
            take(&mut windows, usize::MAX),
            vec![(0, vec![], vec![Range { start: 60, end: 70 }])]
        );
        assert_eq!(windows.entries, 0);
        assert!(take(&mut windows, usize::MAX).is_empty());
    }

    #[test]
    fn reset_forgets_what_a_stopped_scan_left() {
        let mut windows = Windows::new(2);
        windows.probe(0, 3);
        windows.probe(1, 4);
        let stopped = !windows.take_ready(&[0, 0], usize::MAX, &mut |_, _| false);
        assert!(stopped);
        assert_eq!(windows.entries, 1, "detector 1 was not confirmed");
        windows.reset();
        assert_eq!(windows.entries, 0);
        assert!(take(&mut windows, usize::MAX).is_empty());
    }
}
