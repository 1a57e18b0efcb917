//! Attachments: list/get/delete through v2, upload through v1 multipart, and a streaming
//! download that stops at a size cap instead of filling memory.

use crate::client::{Body, Client, Request, Target};
use crate::error::{Error, Result};
use crate::models::{Attachment, UploadedAttachment};
use crate::paginate::{PageCaps, Paged, paginate};
use crate::spaces::{failed, seg};
use futures_util::StreamExt;
use reqwest::Method;

/// A file to attach.
#[derive(Clone, Debug)]
pub struct NewAttachment {
    pub file_name: String,
    pub media_type: String,
    pub data: bytes::Bytes,
    pub comment: Option<String>,
    pub minor_edit: bool,
}

/// A downloaded file.
#[derive(Clone, Debug)]
pub struct Download {
    pub data: bytes::Bytes,
    pub media_type: Option<String>,
}

impl Client {
    /// Attachments of a page (`blog_post: false`) or blog post.
    pub fn attachments(
        &self,
        container_id: &str,
        blog_post: bool,
        caps: PageCaps,
    ) -> Paged<Attachment> {
        let collection = if blog_post { "blogposts" } else { "pages" };
        match seg(container_id) {
            Ok(id) => paginate(
                self,
                Request::get(format!("/api/v2/{collection}/{id}/attachments")),
                caps,
            ),
            Err(e) => failed(e),
        }
    }

    pub async fn attachment(&self, id: &str) -> Result<Attachment> {
        self.json_at(Request::get(format!("/api/v2/attachments/{}", seg(id)?)))
            .await
    }

    pub async fn delete_attachment(&self, id: &str) -> Result<()> {
        self.send_empty(Request::new(
            Method::DELETE,
            format!("/api/v2/attachments/{}", seg(id)?),
        ))
        .await
    }

    /// Uploads a file to a page or blog post (v1 multipart). A name already attached fails;
    /// the upload is not retried after an ambiguous failure.
    pub async fn upload_attachment(
        &self,
        container_id: &str,
        file: &NewAttachment,
    ) -> Result<Vec<UploadedAttachment>> {
        let mut req = Request::new(
            Method::POST,
            format!("/rest/api/content/{}/child/attachment", seg(container_id)?),
        );
        req.body = Body::File {
            file_name: file.file_name.clone(),
            media_type: file.media_type.clone(),
            data: file.data.clone(),
            comment: file.comment.clone(),
            minor_edit: file.minor_edit,
        };
        let page: UploadPage = self.json_at(req).await?;
        Ok(page.results)
    }

    /// Downloads an attachment's file, streaming, failing with `Invalid` once more than
    /// `max_bytes` arrive (the declared size is checked first when Confluence sends one).
    pub async fn download_attachment(
        &self,
        attachment: &Attachment,
        max_bytes: u64,
    ) -> Result<Download> {
        if let Some(size) = attachment.file_size
            && size > max_bytes
        {
            return Err(too_large(&attachment.title, size, max_bytes));
        }
        let link = attachment.download_link.as_deref().ok_or_else(|| {
            Error::invalid(format!("attachment {} has no download link", attachment.id))
        })?;
        let url = self.resolve_link(link).await?;
        let mut req = Request::get(String::new());
        req.target = Target::Url(url);
        let resp = self.send(req).await?;
        if let Some(len) = resp.content_length()
            && len > max_bytes
        {
            return Err(too_large(&attachment.title, len, max_bytes));
        }
        let media_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut stream = resp.bytes_stream();
        let mut data = bytes::BytesMut::new();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| Error::Network {
                message: format!("downloading {}: {e}", attachment.title),
            })?;
            if (data.len() + chunk.len()) as u64 > max_bytes {
                return Err(too_large(
                    &attachment.title,
                    (data.len() + chunk.len()) as u64,
                    max_bytes,
                ));
            }
            data.extend_from_slice(&chunk);
        }
        Ok(Download {
            data: data.freeze(),
            media_type,
        })
    }
}

fn too_large(name: &str, size: u64, cap: u64) -> Error {
    Error::invalid(format!(
        "attachment '{name}' is {size} bytes or more, over the {cap}-byte download cap; raise the cap or skip the file"
    ))
}

#[derive(serde::Deserialize)]
struct UploadPage {
    #[serde(default = "Vec::new")]
    results: Vec<UploadedAttachment>,
}
