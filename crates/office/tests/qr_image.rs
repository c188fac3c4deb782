//! QR codes for product pages, and the checks and renditions of uploaded product photos.
//!
//! Every image is made here: real ones with the `image` crate's encoders, hostile ones byte by
//! byte (a PNG header that lies about its size, cut-off files, other types).

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::codecs::webp::WebPEncoder;
use image::{ExtendedColorType, ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};
use lienket_office::image::{
    DISPLAY_MAX_SIDE, ImageError, ImageKind, ImageLimits, THUMB_MAX_SIDE, inspect, process, sniff,
};
use lienket_office::qr::{MAX_MODULE_PX, QrError, qr_png, qr_svg};

const PRODUCT_URL: &str = "https://lienket.example/p/HN-0001";

// ---------------------------------------------------------------------------------------------
// QR codes

#[test]
fn the_svg_of_a_product_url_is_one_path_in_a_square_view_box() {
    let svg = qr_svg(PRODUCT_URL).unwrap();
    assert!(
        svg.starts_with("<svg "),
        "no prolog, inlines into HTML: {}",
        &svg[..40]
    );
    assert!(svg.ends_with("</svg>"));
    // 33 bytes at level M need version 3: 29 modules, 37 with the quiet zone.
    assert!(svg.contains(r#"viewBox="0 0 37 37""#));
    assert!(svg.contains(r#"width="18.5mm" height="18.5mm""#));
    assert!(svg.contains(r#"shape-rendering="crispEdges""#));
    assert_eq!(svg.matches("<path").count(), 1);
    // The finder pattern's top row starts right inside the quiet zone: 7 dark modules.
    assert!(svg.contains(r#"d="M4 4h7v1h-7z"#), "{svg}");
}

#[test]
fn the_png_of_a_product_url_decodes_to_a_black_and_white_square() {
    let module_px = 6;
    let png = qr_png(PRODUCT_URL, module_px).unwrap();
    let decoded = image::load_from_memory(&png).unwrap();
    assert_eq!(decoded.color(), image::ColorType::L8);
    let grey = decoded.into_luma8();
    assert_eq!(grey.dimensions(), (37 * module_px, 37 * module_px));
    // Quiet zone white, finder pattern's corner black.
    assert_eq!(grey.get_pixel(0, 0).0, [255]);
    assert_eq!(grey.get_pixel(4 * module_px - 1, 4 * module_px - 1).0, [255]);
    assert_eq!(grey.get_pixel(4 * module_px, 4 * module_px).0, [0]);
    assert!(grey.pixels().all(|p| p.0 == [0] || p.0 == [255]));
}

#[test]
fn a_url_too_long_for_any_qr_code_is_an_error() {
    let url = format!("https://lienket.example/p/{}", "x".repeat(3000));
    let error = qr_svg(&url).unwrap_err();
    assert!(
        matches!(error, QrError::TooLong { len, .. } if len == url.len()),
        "{error:?}"
    );
    assert_eq!(error.key(), "qr-error-too-long");
    assert!(matches!(qr_png(&url, 4), Err(QrError::TooLong { .. })));
}

#[test]
fn a_module_size_outside_the_range_is_an_error() {
    assert_eq!(qr_png(PRODUCT_URL, 0).unwrap_err().key(), "qr-error-module-size");
    assert!(qr_png(PRODUCT_URL, MAX_MODULE_PX + 1).is_err());
    assert!(qr_png(PRODUCT_URL, MAX_MODULE_PX).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Images made with the `image` crate

/// A photo-like gradient, so resizing and JPEG have something to do.
fn photo(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            ((x + y) % 256) as u8,
        ])
    })
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 90)
        .encode_image(image)
        .unwrap();
    bytes
}

fn png_rgba(image: &RgbaImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    PngEncoder::new(&mut bytes)
        .write_image(image, image.width(), image.height(), ExtendedColorType::Rgba8)
        .unwrap();
    bytes
}

fn webp_lossless(image: &RgbImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    WebPEncoder::new_lossless(&mut bytes)
        .write_image(image, image.width(), image.height(), ExtendedColorType::Rgb8)
        .unwrap();
    bytes
}

fn decode(bytes: &[u8]) -> image::DynamicImage {
    image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .unwrap()
        .decode()
        .unwrap()
}

#[test]
fn a_large_jpeg_photo_gets_a_display_and_a_thumb_rendition() {
    let original = jpeg(&photo(2400, 1600));
    assert_eq!(sniff(&original), Some(ImageKind::Jpeg));
    let info = inspect(&original, &ImageLimits::default()).unwrap();
    assert_eq!(
        (info.kind, info.width, info.height),
        (ImageKind::Jpeg, 2400, 1600)
    );

    let done = process(&original, &ImageLimits::default()).unwrap();
    assert_eq!(done.original_kind, ImageKind::Jpeg);
    assert_eq!((done.width, done.height), (2400, 1600));
    assert_eq!((done.display_w, done.display_h), (DISPLAY_MAX_SIDE, 1067));
    assert_eq!((done.thumb_w, done.thumb_h), (THUMB_MAX_SIDE, 267));
    for (bytes, w, h) in [
        (&done.display, done.display_w, done.display_h),
        (&done.thumb, done.thumb_w, done.thumb_h),
    ] {
        assert_eq!(sniff(bytes), Some(ImageKind::Jpeg));
        let decoded = decode(bytes);
        assert_eq!((decoded.width(), decoded.height()), (w, h));
    }
}

#[test]
fn a_tall_png_with_transparency_is_flattened_onto_white() {
    // Left half transparent, right half opaque green.
    let picture = RgbaImage::from_fn(600, 1000, |x, _| {
        if x < 300 {
            Rgba([0, 0, 0, 0])
        } else {
            Rgba([0, 160, 0, 255])
        }
    });
    let original = png_rgba(&picture);
    assert_eq!(sniff(&original), Some(ImageKind::Png));
    let done = process(&original, &ImageLimits::default()).unwrap();
    // Smaller than the display bound: kept at its size, never enlarged.
    assert_eq!((done.display_w, done.display_h), (600, 1000));
    assert_eq!((done.thumb_w, done.thumb_h), (240, THUMB_MAX_SIDE));
    let display = decode(&done.display).into_rgb8();
    let white = display.get_pixel(50, 500).0;
    let green = display.get_pixel(550, 500).0;
    assert!(
        white.iter().all(|c| *c > 245),
        "transparent part should be white, is {white:?}"
    );
    assert!(green[1] > 140 && green[0] < 30 && green[2] < 30, "{green:?}");
}

#[test]
fn a_lossless_webp_is_accepted() {
    let original = webp_lossless(&photo(1200, 800));
    assert_eq!(sniff(&original), Some(ImageKind::Webp));
    let done = process(&original, &ImageLimits::default()).unwrap();
    assert_eq!(done.original_kind, ImageKind::Webp);
    assert_eq!((done.display_w, done.display_h), (1200, 800));
    assert_eq!((done.thumb_w, done.thumb_h), (THUMB_MAX_SIDE, 267));
    assert_eq!(decode(&done.thumb).width(), THUMB_MAX_SIDE);
}

#[test]
fn a_small_image_is_never_enlarged() {
    let done = process(&jpeg(&photo(120, 90)), &ImageLimits::default()).unwrap();
    assert_eq!((done.display_w, done.display_h), (120, 90));
    assert_eq!((done.thumb_w, done.thumb_h), (120, 90));
}

// ---------------------------------------------------------------------------------------------
// Refusals

/// A PNG whose header says `width × height` RGBA, followed by an IDAT of a few bytes and IEND.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    fn chunk(png: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = png.len();
        png.extend_from_slice(kind);
        png.extend_from_slice(data);
        let crc = crc32(&png[start..]);
        png.extend_from_slice(&crc.to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // 8 bits per channel, colour type 6 (RGBA), deflate, adaptive filters, no interlace.
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    // A zlib stream of one stored empty block: far less than the image needs.
    chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut png, b"IEND", &[]);
    png
}

/// CRC-32 (ISO 3309, as PNG uses), bit by bit: fine for a few bytes.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for byte in bytes {
        crc ^= u32::from(*byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[test]
fn the_crc_is_the_one_png_uses() {
    // The CRC of an IEND chunk is in every PNG ever written.
    assert_eq!(crc32(b"IEND"), 0xAE42_6082);
}

#[test]
fn a_png_claiming_400_megapixels_is_refused_from_its_header() {
    let bomb = png_claiming(20_000, 20_000);
    assert!(bomb.len() < 100);
    let error = inspect(&bomb, &ImageLimits::default()).unwrap_err();
    assert!(
        matches!(
            error,
            ImageError::TooManyPixels {
                width: 20_000,
                height: 20_000,
                max_pixels: 40_000_000
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.key(), "image-error-too-many-pixels");
    assert!(matches!(
        process(&bomb, &ImageLimits::default()),
        Err(ImageError::TooManyPixels { .. })
    ));
}

#[test]
fn a_decompression_bomb_is_refused_by_the_decoder_limits_too() {
    // With the pixel and side checks lifted, 20,000² RGBA (1.6 GB) still exceeds the
    // allocation cap, and is refused before the buffer is allocated.
    let limits = ImageLimits {
        max_pixels: u64::MAX,
        max_side: u32::MAX,
        ..ImageLimits::default()
    };
    let bomb = png_claiming(20_000, 20_000);
    assert!(inspect(&bomb, &limits).is_ok());
    let error = process(&bomb, &limits).unwrap_err();
    assert!(
        matches!(error, ImageError::TooManyPixels { width: 20_000, .. }),
        "{error:?}"
    );
}

#[test]
fn a_png_claiming_little_but_holding_nothing_is_corrupt() {
    let error = process(&png_claiming(2000, 1500), &ImageLimits::default()).unwrap_err();
    assert!(
        matches!(
            error,
            ImageError::Corrupt {
                kind: ImageKind::Png,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn sides_that_are_zero_or_too_long_are_refused() {
    // Zero is invalid in PNG itself: the decoder refuses it as damaged or we do.
    let error = inspect(&png_claiming(0, 10), &ImageLimits::default()).unwrap_err();
    assert!(
        matches!(error, ImageError::Dimensions { .. } | ImageError::Corrupt { .. }),
        "{error:?}"
    );
    // 15,000 × 100 is only 1.5 megapixels, but too long a side.
    let error = inspect(&png_claiming(15_000, 100), &ImageLimits::default()).unwrap_err();
    assert!(
        matches!(
            error,
            ImageError::Dimensions {
                width: 15_000,
                height: 100,
                max_side: 12_000
            }
        ),
        "{error:?}"
    );
    assert_eq!(error.key(), "image-error-dimensions");
}

#[test]
fn content_that_is_not_an_accepted_image_is_refused_whatever_its_name() {
    let cases: &[(&str, &[u8], &str)] = &[
        (
            "10 bytes of garbage",
            &[0x13, 0x37, 0x00, 0xAB, 0xCD, 0xEF, 0x01, 0x02, 0x03, 0x04],
            "image-error-not-image",
        ),
        (
            "a GIF",
            b"GIF89a\x10\x00\x10\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04",
            "image-error-type",
        ),
        (
            "a text file named anh-san-pham.jpg",
            "Ảnh sản phẩm: xem tệp đính kèm.\n".as_bytes(),
            "image-error-not-image",
        ),
        (
            "a PDF named anh.jpg",
            b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "image-error-not-image",
        ),
        (
            "an SVG",
            br#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>"#,
            "image-error-type",
        ),
        ("an empty file", b"", "image-error-not-image"),
    ];
    for (what, bytes, key) in cases {
        assert_eq!(sniff(bytes), None, "{what}");
        let error = inspect(bytes, &ImageLimits::default()).unwrap_err();
        assert_eq!(error.key(), *key, "{what}: {error:?}");
        assert_eq!(
            process(bytes, &ImageLimits::default()).unwrap_err().key(),
            *key,
            "{what}"
        );
    }
    let gif = inspect(cases[1].1, &ImageLimits::default()).unwrap_err();
    assert!(matches!(gif, ImageError::Type { found: "GIF" }));
}

#[test]
fn a_cut_off_jpeg_is_corrupt() {
    let whole = jpeg(&photo(800, 600));
    for cut in [whole.len() / 2, whole.len() - 2, 300, 20] {
        let error = process(&whole[..cut], &ImageLimits::default()).unwrap_err();
        assert!(
            matches!(
                error,
                ImageError::Corrupt {
                    kind: ImageKind::Jpeg,
                    ..
                }
            ),
            "cut at {cut} of {}: {error:?}",
            whole.len()
        );
        assert_eq!(error.key(), "image-error-corrupt");
    }
    // Bytes after the end marker (some cameras append data) do not matter.
    let mut trailing = whole.clone();
    trailing.extend_from_slice(b"trailing camera data");
    assert!(process(&trailing, &ImageLimits::default()).is_ok());
}

#[test]
fn a_cut_off_png_or_webp_is_corrupt() {
    let png = png_rgba(&RgbaImage::from_fn(300, 300, |x, y| {
        Rgba([x as u8, y as u8, 7, 255])
    }));
    let error = process(&png[..png.len() / 2], &ImageLimits::default()).unwrap_err();
    assert!(
        matches!(
            error,
            ImageError::Corrupt {
                kind: ImageKind::Png,
                ..
            }
        ),
        "{error:?}"
    );
    let webp = webp_lossless(&photo(300, 300));
    let error = process(&webp[..webp.len() / 2], &ImageLimits::default()).unwrap_err();
    assert!(
        matches!(
            error,
            ImageError::Corrupt {
                kind: ImageKind::Webp,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_anything_else() {
    let original = jpeg(&photo(400, 300));
    let limits = ImageLimits {
        max_bytes: original.len() - 1,
        ..ImageLimits::default()
    };
    let error = inspect(&original, &limits).unwrap_err();
    assert!(
        matches!(error, ImageError::TooLarge { size, max } if size == original.len() && max == limits.max_bytes)
    );
    assert_eq!(error.key(), "image-error-too-large");
    // Checked first: 11 MiB of zeros is too large, not "not an image".
    let eleven_mib = vec![0u8; 11 * 1024 * 1024];
    assert_eq!(
        inspect(&eleven_mib, &ImageLimits::default()).unwrap_err().key(),
        "image-error-too-large"
    );
}

// ---------------------------------------------------------------------------------------------
// Messages

#[test]
fn every_key_has_a_vietnamese_and_an_english_message_using_only_known_arguments() {
    // The messages live in the web catalogues.
    let vi = include_str!("../../web/locales/vi/main.ftl");
    let en = include_str!("../../web/locales/en/main.ftl");
    let errors: Vec<(&str, Vec<(&str, String)>)> = vec![
        sample(&ImageError::NotImage { found: "pdf" }),
        sample(&ImageError::Type { found: "HEIC" }),
        sample(&ImageError::TooLarge { size: 1, max: 1 }),
        sample(&ImageError::TooManyPixels {
            width: 1,
            height: 1,
            max_pixels: 1,
        }),
        sample(&ImageError::Dimensions {
            width: 1,
            height: 1,
            max_side: 1,
        }),
        sample(&ImageError::Corrupt {
            kind: ImageKind::Png,
            detail: String::new(),
        }),
        (
            QrError::TooLong { len: 1, max: 1 }.key(),
            QrError::TooLong { len: 1, max: 1 }.args(),
        ),
        (
            QrError::ModuleSize { given: 0, max: 1 }.key(),
            QrError::ModuleSize { given: 0, max: 1 }.args(),
        ),
        (QrError::Failed(String::new()).key(), vec![]),
    ];
    let keys: Vec<&str> = errors.iter().map(|(key, _)| *key).collect();
    let listed: Vec<&str> = lienket_office::image::MESSAGE_KEYS
        .iter()
        .chain(lienket_office::qr::MESSAGE_KEYS)
        .copied()
        .collect();
    assert_eq!(keys, listed);
    for (section, text) in [("vi", vi), ("en", en)] {
        for (key, args) in &errors {
            let line = text
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{key} = ")))
                .unwrap_or_else(|| panic!("{key} missing in # {section}"));
            for placeholder in line.split("{ $").skip(1) {
                let name = placeholder.split(' ').next().unwrap();
                assert!(
                    args.iter().any(|(arg, _)| *arg == name),
                    "{section} {key}: unknown ${name}"
                );
            }
        }
    }
}

fn sample(error: &ImageError) -> (&'static str, Vec<(&'static str, String)>) {
    (error.key(), error.args())
}
