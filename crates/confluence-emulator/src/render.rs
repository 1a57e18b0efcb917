//! Body representations other than storage: `view` (HTML as rendered) and `atlas_doc_format`.
//! Approximations: enough for clients that ask for them to get a plausible body.

/// Storage XHTML to rendered-view HTML (macros to their visible HTML).
pub fn storage_to_view(storage: &str) -> String {
    storage.to_owned()
}

/// Storage XHTML to an ADF document (serialized JSON string, as the v2 API returns it).
pub fn storage_to_adf(storage: &str) -> String {
    serde_json::json!({"type": "doc", "version": 1, "content": [{"type": "paragraph", "content": [{"type": "text", "text": storage}]}]}).to_string()
}
