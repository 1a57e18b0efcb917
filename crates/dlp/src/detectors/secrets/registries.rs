//! Package registries: npm, PyPI, RubyGems, Docker Hub, NuGet, crates.io, JFrog, Clojars.

use crate::detector::{Detector, SecretKind::Registry, Severity};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        Detector::secret("npm_access_token", Registry, r"\bnpm_[A-Za-z0-9]{36}\b")
            .prefixes(&["npm_"])
            .severity(Severity::Critical)
            .validator(Validator::SecretValue {
                min_len: 40,
                min_entropy: 3.5,
                min_classes: 2,
            }),
        // `.npmrc`: `//registry.example/:_authToken=…`.
        Detector::secret(
            "npmrc_auth_token",
            Registry,
            r#"(?i)_auth(?:Token)?\s{0,4}=\s{0,4}["']?(?P<secret>[A-Za-z0-9_\-+/=.]{20,200})"#,
        )
        .keywords(&["_authToken", "_auth"])
        .validator(Validator::SecretValue {
            min_len: 20,
            min_entropy: 3.5,
            min_classes: 2,
        }),
        // Upload tokens are macaroons whose first bytes encode the location "pypi.org".
        Detector::secret(
            "pypi_upload_token",
            Registry,
            r"\bpypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_\-]{50,}",
        )
        .prefixes(&["pypi-AgEIcHlwaS5vcmc", "pypi-AgENdGVzdC5weXBpLm9yZw"])
        .reach(4096)
        .severity(Severity::Critical),
        Detector::secret("rubygems_api_key", Registry, r"\brubygems_[a-f0-9]{48}\b")
            .prefixes(&["rubygems_"]),
        Detector::secret(
            "docker_hub_token",
            Registry,
            r"\bdckr_(?:pat|oat)_[A-Za-z0-9_\-]{27,40}\b",
        )
        .prefixes(&["dckr_pat_", "dckr_oat_"]),
        Detector::secret("nuget_api_key", Registry, r"\boy2[a-z0-9]{43}\b")
            .prefixes(&["oy2"])
            .validator(Validator::SecretValue {
                min_len: 46,
                min_entropy: 3.5,
                min_classes: 2,
            }),
        Detector::secret("crates_io_token", Registry, r"\bcio[A-Za-z0-9]{32}\b")
            .prefixes(&["cio"])
            .validator(Validator::SecretValue {
                min_len: 35,
                min_entropy: 3.5,
                min_classes: 3,
            }),
        Detector::secret("jfrog_api_key", Registry, r"\bAKCp[A-Za-z0-9]{69}\b").prefixes(&["AKCp"]),
        Detector::secret(
            "jfrog_reference_token",
            Registry,
            r"\bcmVmdGtuOjAxOj[A-Za-z0-9]{40,80}\b",
        )
        .prefixes(&["cmVmdGtuOjAxOj"]),
        Detector::secret("clojars_token", Registry, r"\bCLOJARS_[a-z0-9]{60}\b")
            .prefixes(&["CLOJARS_"]),
    ]
}
