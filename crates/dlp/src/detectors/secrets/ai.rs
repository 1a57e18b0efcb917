//! AI APIs: OpenAI, Anthropic, Hugging Face, Groq, Replicate, Perplexity, xAI.

use crate::detector::{Detector, SecretKind::Ai, Severity};
use crate::validate::Validator;

pub fn detectors() -> Vec<Detector> {
    vec![
        // Project, service-account and admin keys.
        Detector::secret(
            "openai_project_key",
            Ai,
            r"\b(?P<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,250})(?:[^A-Za-z0-9_\-]|$)",
        )
        .prefixes(&["sk-proj-", "sk-svcacct-", "sk-admin-"])
        .severity(Severity::Critical)
        .label("OPENAI_KEY")
        .validator(Validator::SecretValue {
            min_len: 48,
            min_entropy: 4.0,
            min_classes: 3,
        }),
        // User keys embed "T3BlbkFJ", the base64 of "OpenAI".
        Detector::secret(
            "openai_api_key",
            Ai,
            r"\bsk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}\b",
        )
        .prefixes(&["T3BlbkFJ"])
        .lead(23)
        .severity(Severity::Critical)
        .label("OPENAI_KEY"),
        Detector::secret(
            "anthropic_api_key",
            Ai,
            r"\b(?P<secret>sk-ant-(?:api|admin|sid)[0-9]{2}-[A-Za-z0-9_\-]{80,120})(?:[^A-Za-z0-9_\-]|$)",
        )
        .prefixes(&["sk-ant-"])
        .severity(Severity::Critical)
        .label("ANTHROPIC_KEY"),
        Detector::secret("huggingface_token", Ai, r"\bhf_[A-Za-z]{34}\b")
            .prefixes(&["hf_"])
            .validator(Validator::SecretValue {
                min_len: 37,
                min_entropy: 3.5,
                min_classes: 2,
            }),
        Detector::secret("groq_api_key", Ai, r"\bgsk_[A-Za-z0-9]{52}\b").prefixes(&["gsk_"]),
        Detector::secret("replicate_api_token", Ai, r"\br8_[A-Za-z0-9]{37}\b")
            .prefixes(&["r8_"])
            .validator(Validator::SecretValue {
                min_len: 40,
                min_entropy: 3.5,
                min_classes: 2,
            }),
        Detector::secret("perplexity_api_key", Ai, r"\bpplx-[A-Za-z0-9]{48}\b")
            .prefixes(&["pplx-"]),
        Detector::secret("xai_api_key", Ai, r"\bxai-[A-Za-z0-9]{80}\b").prefixes(&["xai-"]),
    ]
}
