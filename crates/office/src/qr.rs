//! QR codes pointing at public pages (a product, a cooperative), for labels and print.
//!
//! Codes use error correction level M (about 15 % of the symbol may be damaged), which is
//! what printed labels need without making the code much denser than level L. Both renderings
//! keep the quiet zone of 4 light modules the standard requires around the symbol.
//!
//! - [`qr_svg`]: vector, for HTML pages and print (DOCX, PDF); one `<path>` of dark modules.
//! - [`qr_png`]: greyscale PNG, for places that take only bitmaps.
//!
//! The SVG is written here rather than with `qrcode`'s SVG renderer: that renderer emits one
//! sub-path per module and an XML prolog, and sizes the picture in pixels; ours merges runs
//! of dark modules, has no prolog (so it inlines into HTML as is) and is sized in millimetres.

use std::fmt::Write as _;

use ::image::codecs::png::PngEncoder;
use ::image::{ExtendedColorType, ImageEncoder};
use qrcode::{EcLevel, QrCode};

/// Light modules around the symbol on each side, as the QR standard requires.
pub const QUIET_ZONE: usize = 4;

/// Printed size of one module in the SVG, in millimetres: the code of a short product URL
/// (37 modules with the quiet zone) prints at about 18.5 mm, which phones read at arm's
/// length. CSS or the document can scale it, the SVG is resolution-independent.
pub const MODULE_MM: f64 = 0.5;

/// Largest `module_px` [`qr_png`] accepts: the largest code (version 40, 185 modules with the
/// quiet zone) then makes a 5,920 px square, about 35 MB while encoding.
pub const MAX_MODULE_PX: u32 = 32;

/// Largest payload a QR code holds at level M in byte mode (version 40).
pub const MAX_BYTES: usize = 2331;

/// Every message key a [`QrError`] can have, for checking the catalogue.
pub const MESSAGE_KEYS: &[&str] = &["qr-error-too-long", "qr-error-module-size", "qr-error-failed"];

/// Why a QR code could not be made.
///
/// [`QrError::key`] and [`QrError::args`] give the catalogue message for users; `Display` is
/// for logs.
#[derive(Debug, thiserror::Error)]
pub enum QrError {
    /// The text does not fit in the largest QR code at level M.
    #[error("{len} bytes do not fit in a QR code (at most about {max} at level M)")]
    TooLong {
        /// Length of the text in bytes.
        len: usize,
        /// The byte-mode capacity at level M ([`MAX_BYTES`]).
        max: usize,
    },
    /// `module_px` was 0 or above [`MAX_MODULE_PX`].
    #[error("module size {given} px is outside 1..={max}")]
    ModuleSize {
        /// The size asked for.
        given: u32,
        /// The largest size accepted.
        max: u32,
    },
    /// The encoder failed for another reason; the message is for logs.
    #[error("qr code: {0}")]
    Failed(String),
}

impl QrError {
    /// The message key in the catalogue.
    pub fn key(&self) -> &'static str {
        match self {
            QrError::TooLong { .. } => "qr-error-too-long",
            QrError::ModuleSize { .. } => "qr-error-module-size",
            QrError::Failed(_) => "qr-error-failed",
        }
    }

    /// The arguments of the message.
    pub fn args(&self) -> Vec<(&'static str, String)> {
        match self {
            QrError::TooLong { len, max } => vec![("len", len.to_string()), ("max", max.to_string())],
            QrError::ModuleSize { given, max } => {
                vec![("given", given.to_string()), ("max", max.to_string())]
            }
            QrError::Failed(_) => vec![],
        }
    }
}

/// The modules of a code, quiet zone included.
struct Modules {
    /// Modules per side, quiet zone included.
    side: usize,
    /// Row-major, `true` for dark.
    dark: Vec<bool>,
}

impl Modules {
    fn encode(text: &str) -> Result<Modules, QrError> {
        let code =
            QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).map_err(
                |error| match error {
                    qrcode::types::QrError::DataTooLong => QrError::TooLong {
                        len: text.len(),
                        max: MAX_BYTES,
                    },
                    other => QrError::Failed(other.to_string()),
                },
            )?;
        let inner = code.width();
        let side = inner + 2 * QUIET_ZONE;
        let mut dark = vec![false; side * side];
        for (index, module) in code.to_colors().into_iter().enumerate() {
            let (y, x) = (index / inner, index % inner);
            dark[(y + QUIET_ZONE) * side + x + QUIET_ZONE] = module == qrcode::Color::Dark;
        }
        Ok(Modules { side, dark })
    }

    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.side + x]
    }
}

/// The QR code of `url` as an SVG element, sized for print at [`MODULE_MM`] per module.
///
/// The result starts with `<svg` (no XML prolog: the prolog is optional in a standalone
/// `.svg` file and not allowed inside HTML), so the same string can be served as
/// `image/svg+xml`, written into a document, or inlined into a page; inlined, its
/// `width`/`height` can be overridden with CSS. The `viewBox` counts modules, quiet zone
/// included; a white square fills it, and all dark modules are one `<path>` of rectangles
/// (runs of a row merged) drawn with `shape-rendering="crispEdges"`.
///
/// ```
/// let svg = lienket_office::qr::qr_svg("https://lienket.example/p/HN-0001").unwrap();
/// assert!(svg.starts_with("<svg") && svg.contains("viewBox=\"0 0 37 37\""));
/// ```
pub fn qr_svg(url: &str) -> Result<String, QrError> {
    let modules = Modules::encode(url)?;
    let side = modules.side;
    let size_mm = side as f64 * MODULE_MM;
    let mut svg = String::with_capacity(256 + side * side);
    // Writing into a String cannot fail: the results of write! are ignored on purpose.
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {side} {side}" width="{size_mm}mm" height="{size_mm}mm" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/><path fill="#000" d=""##
    );
    for y in 0..side {
        let mut x = 0;
        while x < side {
            if !modules.is_dark(x, y) {
                x += 1;
                continue;
            }
            let start = x;
            while x < side && modules.is_dark(x, y) {
                x += 1;
            }
            let _ = write!(svg, "M{start} {y}h{}v1h-{}z", x - start, x - start);
        }
    }
    svg.push_str(r#""/></svg>"#);
    Ok(svg)
}

/// The QR code of `url` as an 8-bit greyscale PNG, `module_px` pixels per module.
///
/// The picture is a square of `(modules + 8) × module_px` pixels (quiet zone included), black
/// on white. `module_px` must be between 1 and [`MAX_MODULE_PX`]; 4–10 suits screens, and for
/// print the SVG of [`qr_svg`] is better.
pub fn qr_png(url: &str, module_px: u32) -> Result<Vec<u8>, QrError> {
    if !(1..=MAX_MODULE_PX).contains(&module_px) {
        return Err(QrError::ModuleSize {
            given: module_px,
            max: MAX_MODULE_PX,
        });
    }
    let modules = Modules::encode(url)?;
    let scale = module_px as usize;
    let side_px = modules.side * scale;
    let mut pixels = vec![255u8; side_px * side_px];
    for (y, row) in pixels.chunks_exact_mut(side_px).enumerate() {
        for (x, pixel) in row.iter_mut().enumerate() {
            if modules.is_dark(x / scale, y / scale) {
                *pixel = 0;
            }
        }
    }
    // side_px ≤ 185 × 32, far below u32::MAX.
    let side_u32 = u32::try_from(side_px).map_err(|error| QrError::Failed(error.to_string()))?;
    let mut png = Vec::new();
    PngEncoder::new(&mut png)
        .write_image(&pixels, side_u32, side_u32, ExtendedColorType::L8)
        .map_err(|error| QrError::Failed(error.to_string()))?;
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_path_draws_as_many_dark_modules_as_the_code_has() {
        let url = "https://lienket.example/p/HN-0001";
        let modules = Modules::encode(url).unwrap();
        let dark = modules.dark.iter().filter(|d| **d).count();
        let svg = qr_svg(url).unwrap();
        let path = svg.split(" d=\"").nth(1).unwrap();
        let drawn: usize = path
            .split('h')
            .skip(1)
            .filter_map(|part| part.split('v').next()?.parse::<usize>().ok())
            .sum();
        assert_eq!(drawn, dark);
    }

    #[test]
    fn the_quiet_zone_is_light() {
        let modules = Modules::encode("HN-0001").unwrap();
        let side = modules.side;
        for i in 0..side {
            for q in 0..QUIET_ZONE {
                assert!(!modules.is_dark(i, q) && !modules.is_dark(q, i));
                assert!(!modules.is_dark(i, side - 1 - q) && !modules.is_dark(side - 1 - q, i));
            }
        }
        // The finder pattern's corner sits right inside the quiet zone.
        assert!(modules.is_dark(QUIET_ZONE, QUIET_ZONE));
    }

    #[test]
    fn a_module_size_of_zero_is_refused() {
        assert!(matches!(
            qr_png("x", 0),
            Err(QrError::ModuleSize { given: 0, .. })
        ));
        assert!(matches!(
            qr_png("x", 33),
            Err(QrError::ModuleSize { given: 33, .. })
        ));
    }
}
