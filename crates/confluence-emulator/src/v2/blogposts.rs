//! `/api/v2/blogposts`: the same operations as pages, minus the tree (see
//! [`super::content_routes`]).

use super::content_routes::{self, Family};
use crate::state::AppState;
use crate::store::model::ContentKind;
use axum::Router;

pub(crate) struct BlogPosts;

impl Family for BlogPosts {
    const KIND: ContentKind = ContentKind::BlogPost;
}

pub fn routes() -> Router<AppState> {
    content_routes::routes::<BlogPosts>()
}
