//! Typed shapes of Confluence answers. Unknown fields are ignored, ids are strings, and
//! everything Confluence may leave out is optional.

mod content;
mod misc;

pub use content::*;
pub use misc::*;
