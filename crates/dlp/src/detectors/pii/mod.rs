//! Personal data: contact details, payment data, government ids, network addresses, dates of
//! birth, and health-information hints.

mod dob;
mod email;
mod government;
mod network;
mod payment;
mod phi;
mod phone;

use crate::detector::Detector;

pub fn all() -> Vec<Detector> {
    [
        email::detectors(),
        phone::detectors(),
        payment::detectors(),
        government::detectors(),
        network::detectors(),
        dob::detectors(),
        phi::detectors(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
