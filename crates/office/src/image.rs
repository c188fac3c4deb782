//! Uploaded product photos: refuse what is not a photo we take, then make the renditions pages
//! show.
//!
//! Three steps, each cheaper than the next, so a hostile or mistaken upload costs little:
//!
//! 1. [`sniff`]: the type from the first bytes (never the file name: a PDF renamed `.jpg`
//!    is still a PDF).
//! 2. [`inspect`]: size of the file, then width and height read from the header only, checked
//!    against [`ImageLimits`] before a single pixel is decoded; a JPEG must also reach its
//!    end marker (a cut-off upload is refused here rather than shown half grey).
//! 3. [`process`]: decode under `image`'s allocation limits, then a `display` rendition
//!    (longest side ≤ [`DISPLAY_MAX_SIDE`]) and a `thumb` (≤ [`THUMB_MAX_SIDE`]), both JPEG,
//!    transparency flattened onto white and EXIF orientation applied.
//!
//! Everything is synchronous and CPU-bound: the server calls [`process`] in `spawn_blocking`.
//! The original bytes are not touched: callers store them as uploaded. They may carry EXIF
//! metadata (camera, GPS position), so pages should serve the renditions, which carry none.

use std::io::Cursor;

use ::image::codecs::jpeg::JpegEncoder;
use ::image::imageops::{self, FilterType};
use ::image::metadata::Orientation;
use ::image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use serde::Serialize;

/// Longest side of the `display` rendition, in pixels (product pages, full-width on phones).
pub const DISPLAY_MAX_SIDE: u32 = 1600;

/// Longest side of the `thumb` rendition, in pixels (lists, search results).
pub const THUMB_MAX_SIDE: u32 = 400;

/// JPEG quality of both renditions: visually clean for photos, about a third of quality 95.
pub const JPEG_QUALITY: u8 = 82;

/// Every message key an [`ImageError`] can have, for checking the catalogue.
pub const MESSAGE_KEYS: &[&str] = &[
    "image-error-not-image",
    "image-error-type",
    "image-error-too-large",
    "image-error-too-many-pixels",
    "image-error-dimensions",
    "image-error-corrupt",
];

/// An image type we accept, found from the content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ImageKind {
    /// JPEG (`FF D8 FF`): photos from phones and cameras.
    Jpeg,
    /// PNG (`89 'PNG' 0D 0A 1A 0A`): screenshots, logos, pictures with transparency.
    Png,
    /// WebP (`'RIFF' size 'WEBP'`), lossy or lossless.
    Webp,
}

impl ImageKind {
    /// The name shown in messages: `JPEG`, `PNG`, `WebP`.
    pub fn name(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "JPEG",
            ImageKind::Png => "PNG",
            ImageKind::Webp => "WebP",
        }
    }

    /// The media type, for `Content-Type`.
    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Png => "image/png",
            ImageKind::Webp => "image/webp",
        }
    }

    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Jpeg => "jpg",
            ImageKind::Png => "png",
            ImageKind::Webp => "webp",
        }
    }

    fn format(self) -> ImageFormat {
        match self {
            ImageKind::Jpeg => ImageFormat::Jpeg,
            ImageKind::Png => ImageFormat::Png,
            ImageKind::Webp => ImageFormat::WebP,
        }
    }
}

/// Limits on what an uploaded image may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    /// Largest file accepted, in bytes (default 10 MiB).
    pub max_bytes: usize,
    /// Most pixels (width × height) accepted (default 40 megapixels: more than any phone
    /// photo; 40 MP decode to 120 MB of RGB).
    pub max_pixels: u64,
    /// Largest width or height accepted, in pixels (default 12,000).
    pub max_side: u32,
    /// Most memory the decoder may allocate, in bytes (default 512 MiB).
    pub max_alloc: u64,
}

impl Default for ImageLimits {
    fn default() -> Self {
        ImageLimits {
            max_bytes: 10 * 1024 * 1024,
            max_pixels: 40_000_000,
            max_side: 12_000,
            max_alloc: 512 * 1024 * 1024,
        }
    }
}

/// What [`inspect`] found in an image's header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ImageInfo {
    /// The type, from the content.
    pub kind: ImageKind,
    /// Width in pixels, as stored (before any EXIF rotation).
    pub width: u32,
    /// Height in pixels, as stored (before any EXIF rotation).
    pub height: u32,
}

/// The renditions of an accepted image, from [`process`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcessedImage {
    /// The type of the original upload, which the caller keeps unchanged.
    pub original_kind: ImageKind,
    /// Width of the original in pixels, as shown (after EXIF orientation).
    pub width: u32,
    /// Height of the original in pixels, as shown (after EXIF orientation).
    pub height: u32,
    /// JPEG, longest side at most [`DISPLAY_MAX_SIDE`] (never enlarged).
    pub display: Vec<u8>,
    /// Width of `display` in pixels.
    pub display_w: u32,
    /// Height of `display` in pixels.
    pub display_h: u32,
    /// JPEG, longest side at most [`THUMB_MAX_SIDE`] (never enlarged).
    pub thumb: Vec<u8>,
    /// Width of `thumb` in pixels.
    pub thumb_w: u32,
    /// Height of `thumb` in pixels.
    pub thumb_h: u32,
}

/// Why an uploaded image was refused.
///
/// [`ImageError::key`] and [`ImageError::args`] give the catalogue message for users;
/// `Display` is for logs.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The content is not an image at all (whatever the file name says).
    #[error("not an image: the content looks like {found}")]
    NotImage {
        /// What the content looks like: `empty`, `pdf`, `zip`, `html`, `text`, `video`,
        /// `audio` or `unknown`.
        found: &'static str,
    },
    /// An image, but of a type we do not take (only JPEG, PNG and WebP are).
    #[error("image type {found} is not accepted")]
    Type {
        /// The type: `GIF`, `SVG`, `HEIC`, `AVIF`, `BMP`, `TIFF`, `ICO`, `PSD` or `JPEG XL`.
        found: &'static str,
    },
    /// The file is bigger than [`ImageLimits::max_bytes`].
    #[error("image file of {size} bytes is over the {max}-byte limit")]
    TooLarge {
        /// Size of the file in bytes.
        size: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// The image has more pixels than [`ImageLimits::max_pixels`], or would need more memory
    /// than [`ImageLimits::max_alloc`] to decode.
    #[error("{width}×{height} image is over the {max_pixels}-pixel limit")]
    TooManyPixels {
        /// Width in pixels, from the header.
        width: u32,
        /// Height in pixels, from the header.
        height: u32,
        /// The limit in pixels.
        max_pixels: u64,
    },
    /// A width or height of 0, or above [`ImageLimits::max_side`].
    #[error("{width}×{height} image: each side must be between 1 and {max_side} pixels")]
    Dimensions {
        /// Width in pixels, from the header.
        width: u32,
        /// Height in pixels, from the header.
        height: u32,
        /// The limit on either side.
        max_side: u32,
    },
    /// The content starts like an accepted type but cannot be read: damaged, cut off, or
    /// encoded in a way the decoder does not support.
    #[error("damaged {kind:?} image: {detail}")]
    Corrupt {
        /// The type the content claims.
        kind: ImageKind,
        /// The decoder's message, for logs.
        detail: String,
    },
}

impl ImageError {
    /// The message key in the catalogue (one of [`MESSAGE_KEYS`]).
    pub fn key(&self) -> &'static str {
        match self {
            ImageError::NotImage { .. } => "image-error-not-image",
            ImageError::Type { .. } => "image-error-type",
            ImageError::TooLarge { .. } => "image-error-too-large",
            ImageError::TooManyPixels { .. } => "image-error-too-many-pixels",
            ImageError::Dimensions { .. } => "image-error-dimensions",
            ImageError::Corrupt { .. } => "image-error-corrupt",
        }
    }

    /// The arguments of the message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            ImageError::NotImage { found } | ImageError::Type { found } => {
                vec![("found", (*found).to_string())]
            }
            ImageError::TooLarge { size, max } => {
                vec![("size_mb", megabytes(*size)), ("max_mb", megabytes(*max))]
            }
            ImageError::TooManyPixels {
                width,
                height,
                max_pixels,
            } => vec![
                ("width", width.to_string()),
                ("height", height.to_string()),
                ("megapixels", megapixels(u64::from(*width) * u64::from(*height))),
                ("max_megapixels", megapixels(*max_pixels)),
            ],
            ImageError::Dimensions {
                width,
                height,
                max_side,
            } => vec![
                ("width", width.to_string()),
                ("height", height.to_string()),
                ("max_side", max_side.to_string()),
            ],
            ImageError::Corrupt { kind, .. } => vec![("format", kind.name().to_string())],
        }
    }
}

/// Bytes as megabytes (MiB, as file managers show them), one decimal unless whole.
fn megabytes(bytes: usize) -> String {
    trim_decimal(bytes as f64 / (1024.0 * 1024.0))
}

/// Pixels as megapixels (millions), one decimal unless whole.
fn megapixels(pixels: u64) -> String {
    trim_decimal(pixels as f64 / 1_000_000.0)
}

fn trim_decimal(value: f64) -> String {
    let text = format!("{value:.1}");
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// The accepted type of `bytes`, from its first bytes only; `None` for anything else.
pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageKind::Png)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(ImageKind::Webp)
    } else {
        None
    }
}

/// Checks an upload from its size and header, decoding no pixels.
///
/// In order: the file size, the type ([`sniff`]; other images are [`ImageError::Type`],
/// anything else [`ImageError::NotImage`]), the header (width and height), the pixel count,
/// each side, and for JPEG that the file reaches its end marker.
pub fn inspect(bytes: &[u8], limits: &ImageLimits) -> Result<ImageInfo, ImageError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImageError::TooLarge {
            size: bytes.len(),
            max: limits.max_bytes,
        });
    }
    let kind = sniff(bytes).ok_or_else(|| refuse_other(bytes))?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.format());
    // No width/height limits here: the decoder would refuse with an error that has no
    // dimensions in it, and users are told the dimensions. The allocation cap still bounds
    // what header parsing may allocate (ICC profiles, text chunks).
    reader.limits(alloc_limits(limits.max_alloc));
    let (width, height) = reader.into_dimensions().map_err(|error| ImageError::Corrupt {
        kind,
        detail: error.to_string(),
    })?;
    if u64::from(width) * u64::from(height) > limits.max_pixels {
        return Err(ImageError::TooManyPixels {
            width,
            height,
            max_pixels: limits.max_pixels,
        });
    }
    if width == 0 || height == 0 || width > limits.max_side || height > limits.max_side {
        return Err(ImageError::Dimensions {
            width,
            height,
            max_side: limits.max_side,
        });
    }
    if kind == ImageKind::Jpeg && jpeg_end(bytes) == JpegEnd::Missing {
        return Err(ImageError::Corrupt {
            kind,
            detail: "the file ends before the JPEG end marker (upload cut off?)".into(),
        });
    }
    Ok(ImageInfo { kind, width, height })
}

/// Checks an upload with [`inspect`], decodes it within the limits and makes its renditions.
///
/// The decoder gets `image`'s [`Limits`] (each side at most the header's, allocations at most
/// [`ImageLimits::max_alloc`]) and the decoded size is checked before the pixel buffer is
/// allocated, so a file whose header lies cannot make it allocate more.
pub fn process(bytes: &[u8], limits: &ImageLimits) -> Result<ProcessedImage, ImageError> {
    let info = inspect(bytes, limits)?;
    let too_many_pixels = || ImageError::TooManyPixels {
        width: info.width,
        height: info.height,
        max_pixels: limits.max_pixels,
    };
    let corrupt = |error: ::image::ImageError| match error {
        ::image::ImageError::Limits(_) => too_many_pixels(),
        other => ImageError::Corrupt {
            kind: info.kind,
            detail: other.to_string(),
        },
    };

    let mut reader = ImageReader::with_format(Cursor::new(bytes), info.kind.format());
    let mut decoder_limits = alloc_limits(limits.max_alloc);
    decoder_limits.max_image_width = Some(info.width);
    decoder_limits.max_image_height = Some(info.height);
    reader.limits(decoder_limits);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    // `DynamicImage::from_decoder` allocates the whole buffer without asking the limits
    // (`ImageReader::decode` would, but it gives no access to the EXIF orientation first).
    if decoder.total_bytes() > limits.max_alloc {
        return Err(too_many_pixels());
    }
    // A missing or unreadable orientation is not worth refusing a photo for.
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let decoded = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    let rgb = flatten_onto_white(decoded);

    // Resizing before orienting gives the same picture (the bounds are square) and rotates
    // 1600-px renditions instead of the full-size photo.
    let display = oriented(
        shrink_to(rgb, DISPLAY_MAX_SIDE, FilterType::Triangle),
        orientation,
    );
    // The thumb comes from the display rendition: already small, so CatmullRom (sharper)
    // costs next to nothing.
    let thumb = shrink_to(display.clone(), THUMB_MAX_SIDE, FilterType::CatmullRom);

    let (width, height) = match orientation {
        Orientation::Rotate90
        | Orientation::Rotate270
        | Orientation::Rotate90FlipH
        | Orientation::Rotate270FlipH => (info.height, info.width),
        _ => (info.width, info.height),
    };
    Ok(ProcessedImage {
        original_kind: info.kind,
        width,
        height,
        display_w: display.width(),
        display_h: display.height(),
        display: encode_jpeg(&display)?,
        thumb_w: thumb.width(),
        thumb_h: thumb.height(),
        thumb: encode_jpeg(&thumb)?,
    })
}

/// `image`'s limits with only the allocation cap set (the type is `non_exhaustive`).
fn alloc_limits(max_alloc: u64) -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = None;
    limits.max_image_height = None;
    limits.max_alloc = Some(max_alloc);
    limits
}

/// The image as 8-bit RGB, transparent parts composited onto white (JPEG has no alpha, and
/// black — what dropping alpha gives — makes logos unreadable).
fn flatten_onto_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        // No copy when the decoder already gave 8-bit RGB (most JPEGs).
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let (width, height) = rgba.dimensions();
    let mut rgb = RgbImage::new(width, height);
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(pixel[3]);
        for channel in 0..3 {
            let value = u16::from(pixel[channel]) * alpha + 255 * (255 - alpha);
            // (value + 127) / 255 ≤ 255: the cast cannot truncate.
            out[channel] = ((value + 127) / 255) as u8;
        }
    }
    rgb
}

/// `image` shrunk so its longest side is at most `max_side`; never enlarged.
///
/// From more than twice the size, a fast area-averaging pass (`imageops::thumbnail`) first
/// brings it to twice the size, then the filter finishes. Filtering a 40-megapixel photo
/// directly took 1.7 s of the 2.8 s `process` needed (debug build, dependencies at
/// opt-level 1); with the averaging pass `process` takes 1.7 s, and averaging before a
/// triangle filter loses nothing visible on photos. Filtering alone was rejected for that
/// cost; averaging alone (`thumbnail` straight to size) because its documentation warns of
/// aliasing when the target is close to the source size.
fn shrink_to(image: RgbImage, max_side: u32, filter: FilterType) -> RgbImage {
    let (width, height) = image.dimensions();
    if width.max(height) <= max_side {
        return image;
    }
    let image = match max_side.checked_mul(2) {
        Some(double) if width.max(height) > double => {
            let (w, h) = fit(width, height, double);
            imageops::thumbnail(&image, w, h)
        }
        _ => image,
    };
    let (w, h) = fit(image.width(), image.height(), max_side);
    imageops::resize(&image, w, h, filter)
}

/// `width × height` scaled so the longest side is `max_side`, rounded, each side at least
/// 1 px (a 5000×3 banner still has a height).
fn fit(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = u64::from(width.max(height).max(1));
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(max_side) + longest / 2) / longest;
        u32::try_from(scaled.max(1)).unwrap_or(max_side)
    };
    (scale(width), scale(height))
}

/// `image` turned the way its EXIF orientation says it is meant to be seen.
fn oriented(image: RgbImage, orientation: Orientation) -> RgbImage {
    if orientation == Orientation::NoTransforms {
        return image;
    }
    let mut dynamic = DynamicImage::ImageRgb8(image);
    dynamic.apply_orientation(orientation);
    dynamic.into_rgb8()
}

fn encode_jpeg(image: &RgbImage) -> Result<Vec<u8>, ImageError> {
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
        .encode_image(image)
        .map_err(|error| ImageError::Corrupt {
            // Encoding our own RGB buffer does not fail in practice; if it does, the message
            // for logs says so.
            kind: ImageKind::Jpeg,
            detail: format!("encoding the rendition: {error}"),
        })?;
    Ok(jpeg)
}

/// The refusal for content that is not an accepted type: another image type, or not an image.
fn refuse_other(bytes: &[u8]) -> ImageError {
    let image = |found| ImageError::Type { found };
    let other = |found| ImageError::NotImage { found };
    let at = |offset: usize, magic: &[u8]| bytes.get(offset..offset + magic.len()) == Some(magic);
    if bytes.is_empty() {
        return other("empty");
    }
    if at(0, b"GIF87a") || at(0, b"GIF89a") {
        return image("GIF");
    }
    if at(0, b"II*\0") || at(0, b"MM\0*") {
        // Also camera raw files (CR2, NEF, DNG), which are TIFF inside.
        return image("TIFF");
    }
    if at(0, b"8BPS") {
        return image("PSD");
    }
    if at(0, &[0xFF, 0x0A]) || at(0, b"\0\0\0\x0cJXL \r\n\x87\n") {
        return image("JPEG XL");
    }
    if at(0, b"BM") && bytes.len() >= 26 {
        let header = u32::from_le_bytes([bytes[14], bytes[15], bytes[16], bytes[17]]);
        if matches!(header, 12 | 40 | 52 | 56 | 64 | 108 | 124) {
            return image("BMP");
        }
    }
    if at(0, &[0, 0, 1, 0]) && bytes.len() >= 22 {
        return image("ICO");
    }
    if at(4, b"ftyp") {
        // ISO media files: iPhones save photos as HEIC, which must be converted.
        let brand = bytes.get(8..12).unwrap_or_default();
        return match brand {
            b"heic" | b"heix" | b"hevc" | b"hevx" | b"heim" | b"heis" | b"mif1" | b"msf1" => image("HEIC"),
            b"avif" | b"avis" => image("AVIF"),
            _ => other("video"),
        };
    }
    if at(0, b"RIFF") {
        return other(if at(8, b"WAVE") { "audio" } else { "video" });
    }
    if at(0, b"%PDF-") {
        return other("pdf");
    }
    if at(0, b"PK\x03\x04") {
        return other("zip");
    }
    // Text: SVG (an image, but scripts can ride inside it), HTML, or anything else readable.
    let head = &bytes[..bytes.len().min(1024)];
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // A multi-byte character cut at the end of the window is still text.
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&head[..error.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return other("unknown"),
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{feff}'))
    {
        return other("unknown");
    }
    let lower = text.to_lowercase();
    if lower.contains("<svg") && !lower.contains("<html") {
        image("SVG")
    } else if lower.contains("<html") || lower.contains("<!doctype html") {
        other("html")
    } else {
        other("text")
    }
}

/// Whether a JPEG reaches its end.
#[derive(Debug, PartialEq, Eq)]
enum JpegEnd {
    /// The segments lead to a scan followed by an end-of-image marker.
    Present,
    /// The file stops before that: cut off.
    Missing,
    /// The segment structure is unusual; the decoder decides.
    Unknown,
}

/// Walks a JPEG's marker segments to the first scan, then looks for the end-of-image marker.
///
/// The decoder `image` uses (zune-jpeg, non-strict) fills a cut-off scan with grey instead of
/// failing, so an interrupted upload would be accepted with its lower part missing. Inside
/// scan data every `FF` byte is followed by `00` or a restart marker, so `FF D9` after the
/// first scan is the end marker; one in an EXIF thumbnail (before the scan) does not count.
/// Bytes after the end marker (some cameras append data) are allowed.
fn jpeg_end(bytes: &[u8]) -> JpegEnd {
    let mut at = 2;
    loop {
        match bytes.get(at) {
            None => return JpegEnd::Missing,
            Some(0xFF) => {}
            Some(_) => return JpegEnd::Unknown,
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&marker) = bytes.get(at) else {
            return JpegEnd::Missing;
        };
        at += 1;
        match marker {
            // Markers without a length: TEM, RSTn, a repeated SOI.
            0x01 | 0xD0..=0xD8 => {}
            // An end marker before any scan: no picture in it.
            0xD9 => return JpegEnd::Missing,
            0xDA => {
                let scan = bytes.get(at..).unwrap_or_default();
                return if scan.windows(2).any(|pair| pair == [0xFF, 0xD9]) {
                    JpegEnd::Present
                } else {
                    JpegEnd::Missing
                };
            }
            _ => {
                let Some(length) = bytes.get(at..at + 2) else {
                    return JpegEnd::Missing;
                };
                let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
                if length < 2 {
                    return JpegEnd::Unknown;
                }
                at += length;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_key_is_listed() {
        let errors = [
            ImageError::NotImage { found: "pdf" },
            ImageError::Type { found: "GIF" },
            ImageError::TooLarge { size: 1, max: 0 },
            ImageError::TooManyPixels {
                width: 1,
                height: 1,
                max_pixels: 0,
            },
            ImageError::Dimensions {
                width: 0,
                height: 1,
                max_side: 1,
            },
            ImageError::Corrupt {
                kind: ImageKind::Png,
                detail: String::new(),
            },
        ];
        let keys: Vec<_> = errors.iter().map(ImageError::key).collect();
        assert_eq!(keys, MESSAGE_KEYS);
    }

    #[test]
    fn sizes_in_messages_read_naturally() {
        let error = ImageError::TooLarge {
            size: 12 * 1024 * 1024 + 300_000,
            max: 10 * 1024 * 1024,
        };
        assert_eq!(
            error.args(),
            vec![("size_mb", "12.3".into()), ("max_mb", "10".into())]
        );
        let error = ImageError::TooManyPixels {
            width: 20_000,
            height: 20_000,
            max_pixels: 40_000_000,
        };
        assert!(error.args().contains(&("megapixels", "400".into())));
        assert!(error.args().contains(&("max_megapixels", "40".into())));
    }

    #[test]
    fn other_types_are_named_by_content() {
        let cases: &[(&[u8], &str)] = &[
            (b"GIF89a\x01\x00\x01\x00", "image-error-type"),
            (
                b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
                "image-error-type",
            ),
            (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic", "image-error-type"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "image-error-not-image"),
            (
                b"<!DOCTYPE html><html><body><svg></svg></body></html>",
                "image-error-not-image",
            ),
            (
                b"T\xc3\xaan s\xe1\xba\xa3n ph\xe1\xba\xa9m",
                "image-error-not-image",
            ),
            (b"", "image-error-not-image"),
        ];
        for (bytes, key) in cases {
            assert_eq!(
                refuse_other(bytes).key(),
                *key,
                "{:?}",
                String::from_utf8_lossy(bytes)
            );
        }
    }

    #[test]
    fn a_jpeg_end_marker_inside_an_exif_thumbnail_does_not_count() {
        // SOI, APP1 holding FF D9, SOS with a few bytes of scan and no EOI.
        let cut = [
            0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x04, 0xFF, 0xD9, 0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34,
        ];
        assert_eq!(jpeg_end(&cut), JpegEnd::Missing);
        let mut whole = cut.to_vec();
        whole.extend_from_slice(&[0xFF, 0xD9]);
        assert_eq!(jpeg_end(&whole), JpegEnd::Present);
    }

    #[test]
    fn a_thin_banner_keeps_a_height_of_one_pixel() {
        let shrunk = shrink_to(RgbImage::new(8000, 2), 400, FilterType::Triangle);
        assert_eq!(shrunk.dimensions(), (400, 1));
    }

    #[test]
    fn transparency_becomes_white() {
        let mut rgba = ::image::RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, ::image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, ::image::Rgba([200, 0, 0, 255]));
        let rgb = flatten_onto_white(DynamicImage::ImageRgba8(rgba));
        assert_eq!(rgb.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(rgb.get_pixel(1, 0).0, [200, 0, 0]);
    }
}
