//! Secret formats by family.

mod ai;
mod atlassian;
mod chat;
mod cloud;
mod credentials;
mod generic;
mod hosting;
mod keys;
mod registries;
mod saas;

use crate::detector::Detector;

pub fn all() -> Vec<Detector> {
    [
        cloud::detectors(),
        hosting::detectors(),
        chat::detectors(),
        atlassian::detectors(),
        saas::detectors(),
        ai::detectors(),
        registries::detectors(),
        keys::detectors(),
        credentials::detectors(),
        generic::detectors(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
