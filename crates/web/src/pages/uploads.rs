//! Uploaded files, for every page that takes them (product images and certificates, event
//! images and application attachments, the photos and files of a programme activity, a
//! programme's signed document): reading the file field of a form, telling what a file is from
//! its content — never from its name —, making a photo's renditions, and keeping or removing
//! bytes in the object store (`state.objects`). The database keeps the records; a record is
//! written only after its bytes are stored, and bytes whose record could not be written are
//! removed again.

use axum::extract::Multipart;
use lienket_office::image::{ImageError, ImageKind, ImageLimits, ProcessedImage};
use lienket_store::{ActivityFile, EventFile, ProductImage};

use crate::AppState;
use crate::error::{AppError, AppResult};

/// Reads the one file field `field_name` of an upload form: its name as uploaded and its
/// bytes; none when the field is missing or empty.
pub(crate) async fn read_upload(
    multipart: &mut Multipart,
    field_name: &str,
) -> AppResult<Option<(String, Vec<u8>)>> {
    let mut out = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| AppError::PayloadTooLarge)?
    {
        if field.name() == Some(field_name) {
            let name = field.file_name().unwrap_or("tep").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::PayloadTooLarge)?
                .to_vec();
            if !bytes.is_empty() {
                out = Some((name, bytes));
            }
        }
    }
    Ok(out)
}

/// A file's content type and the extension it is kept under.
pub(crate) type FileType = (&'static str, &'static str);

/// A PDF, by its first bytes.
pub(crate) fn pdf_type(bytes: &[u8]) -> Option<FileType> {
    bytes.starts_with(b"%PDF-").then_some(("application/pdf", "pdf"))
}

/// A PDF or a photo (JPEG, PNG, WebP), by content.
pub(crate) fn pdf_or_image_type(bytes: &[u8]) -> Option<FileType> {
    pdf_type(bytes).or_else(|| lienket_office::image::sniff(bytes).map(|k| (k.mime(), k.extension())))
}

/// A Word (DOCX) or Excel (XLSX) document, by content: a zip archive with the parts of one.
pub(crate) fn office_type(bytes: &[u8]) -> Option<FileType> {
    if !bytes.starts_with(b"PK\x03\x04") || !zip_has(bytes, b"[Content_Types].xml") {
        return None;
    }
    if zip_has(bytes, b"word/") {
        Some((
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ))
    } else if zip_has(bytes, b"xl/") {
        Some((
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ))
    } else {
        None
    }
}

/// Whether a zip archive holds an entry whose name starts with `prefix`. Entry names are
/// stored uncompressed in each local header, so a scan of the bytes finds them without
/// unpacking anything.
fn zip_has(bytes: &[u8], prefix: &[u8]) -> bool {
    const LOCAL_HEADER: &[u8] = b"PK\x03\x04";
    let mut at = 0;
    while let Some(i) = bytes[at..].windows(4).position(|w| w == LOCAL_HEADER) {
        let h = at + i;
        // The name's length is at offset 26 (little-endian), the name itself from offset 30.
        let name = bytes
            .get(h + 26..h + 28)
            .map(|b| usize::from(b[0]) | (usize::from(b[1]) << 8))
            .and_then(|n| bytes.get(h + 30..h + 30 + n));
        if name.is_some_and(|n| n.starts_with(prefix)) {
            return true;
        }
        at = h + 4;
    }
    false
}

/// Checks a photo and makes its display copy and thumbnail, on a blocking thread. The upload
/// moves into the worker and comes back with its renditions: no copy of up to 10 MB per
/// request. The outer error is a worker that failed; the inner one says what is wrong with the
/// photo, for the page to show.
pub(crate) async fn process_image(
    bytes: Vec<u8>,
) -> AppResult<Result<(Vec<u8>, ProcessedImage), ImageError>> {
    let (original, processed) = tokio::task::spawn_blocking(move || {
        let processed = lienket_office::image::process(&bytes, &ImageLimits::default());
        (bytes, processed)
    })
    .await
    .map_err(|e| AppError::Internal(e.into()))?;
    Ok(processed.map(|img| (original, img)))
}

/// A photo in the object store: the file as uploaded and its JPEG renditions.
pub(crate) struct StoredImage {
    /// Key of the file as uploaded.
    pub original_key: String,
    /// Key of the display copy.
    pub display_key: String,
    /// Key of the thumbnail.
    pub thumb_key: String,
    /// What the upload was.
    pub kind: ImageKind,
    /// Width of the upload, in pixels.
    pub width: u32,
    /// Height of the upload, in pixels.
    pub height: u32,
}

/// Stores a photo as uploaded and its renditions under `{prefix}/{a new uuid}-…`. When one
/// cannot be stored, those already stored are removed again: a failure leaves no orphan.
pub(crate) async fn put_image(
    state: &AppState,
    prefix: &str,
    original: Vec<u8>,
    img: ProcessedImage,
) -> AppResult<StoredImage> {
    let stem = format!("{prefix}/{}", uuid::Uuid::new_v4().simple());
    let stored = StoredImage {
        original_key: format!("{stem}-original.{}", img.original_kind.extension()),
        display_key: format!("{stem}-display.jpg"),
        thumb_key: format!("{stem}-thumb.jpg"),
        kind: img.original_kind,
        width: img.width,
        height: img.height,
    };
    let mut kept: Vec<&str> = Vec::with_capacity(3);
    for (key, bytes) in [
        (&stored.original_key, original),
        (&stored.display_key, img.display),
        (&stored.thumb_key, img.thumb),
    ] {
        if let Err(e) = state.objects.put(key, bytes).await {
            remove_objects(state, kept).await;
            return Err(e.into());
        }
        kept.push(key);
    }
    Ok(stored)
}

/// Removes stored bytes: a failure is logged and leaves an orphan, never a broken record.
pub(crate) async fn remove_objects<'a>(state: &AppState, keys: impl IntoIterator<Item = &'a str>) {
    for key in keys {
        if let Err(e) = state.objects.delete(key).await {
            tracing::warn!(error = %e, key, "a stored file could not be removed");
        }
    }
}

/// A record of an uploaded file whose bytes are in the object store.
pub(crate) trait Uploaded {
    /// Keys of the file as uploaded and of its renditions, when it has them.
    fn object_keys(&self) -> Vec<&str>;
}

/// The keys of a file that has renditions when it is a photo.
fn keys<'a>(original: &'a str, display: &'a Option<String>, thumb: &'a Option<String>) -> Vec<&'a str> {
    [Some(original), display.as_deref(), thumb.as_deref()]
        .into_iter()
        .flatten()
        .collect()
}

impl Uploaded for EventFile {
    fn object_keys(&self) -> Vec<&str> {
        keys(&self.object_key, &self.display_key, &self.thumb_key)
    }
}

impl Uploaded for ActivityFile {
    fn object_keys(&self) -> Vec<&str> {
        keys(&self.object_key, &self.display_key, &self.thumb_key)
    }
}

impl Uploaded for ProductImage {
    fn object_keys(&self) -> Vec<&str> {
        vec![&self.original_key, &self.display_key, &self.thumb_key]
    }
}

/// Removes the bytes of an uploaded file and of its renditions: after its record is removed,
/// or when its record could not be written.
pub(crate) async fn remove_stored(state: &AppState, file: &impl Uploaded) {
    remove_objects(state, file.object_keys()).await;
}
