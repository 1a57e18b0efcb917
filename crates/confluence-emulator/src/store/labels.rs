//! Label removal (adding lives in `Store::add_label`).

use super::Store;

impl Store {
    /// Removes a label by name. `None` when the content does not exist, `Some(false)` when it
    /// does not carry the label.
    pub fn remove_label(&mut self, content_id: u64, name: &str) -> Option<bool> {
        let content = self.contents.get_mut(&content_id)?;
        let before = content.labels.len();
        content.labels.retain(|l| l.name != name);
        Some(content.labels.len() != before)
    }
}
