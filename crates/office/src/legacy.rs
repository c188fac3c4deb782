//! Recognising Vietnamese text, and text in the pre-Unicode encodings (TCVN3/ABC, VNI).
//!
//! Before Unicode, Vietnamese was typed with special fonts (.VnTime for TCVN3, VNI-Times for
//! VNI) over single-byte codes. Read as Windows-1258 (or saved "as CSV UTF-8" by an Excel
//! that took the bytes for Latin-1), that text becomes "Hîp t¸c x·" or "Hôïp taùc xaõ":
//! Latin-1 letters and symbols that form no Vietnamese word. Only a converter (Unikey's) can
//! recover it, so we refuse it with a message that says so.

/// What a piece of text looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Only ASCII: nothing to tell.
    Plain,
    /// Vietnamese letters, and few characters that are not.
    Vietnamese,
    /// Characters of a legacy Vietnamese encoding read as Latin-1: `tcvn3` or `vni`.
    Legacy(&'static str),
    /// Non-ASCII text that is neither (another language, or noise).
    Other,
}

/// The Vietnamese letters outside ASCII, lower and upper case (NFC).
const VIETNAMESE: &str = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ\
ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴĐ";

/// Characters common in any text: typographic punctuation, currency, degrees.
const NEUTRAL: &str = "\u{a0}\u{202f}“”‘’–—…•€₫°²³×÷§©®™±·¹";

/// Latin-1 letters VNI leaves behind: its tone and vowel marks read as Latin-1 (ø ï ö ñ û …).
const VNI_MARKS: &str = "øïöñûëäîÿÖÏØÑÛËÄÎ";

/// Symbols TCVN3 leaves behind: its letters in 0xA1–0xBF read as Latin-1 (¸ µ · ¶ ¹ ¬ …).
///
/// Degree, plus-minus and superscripts are left out: "m²" and "°C" are real text.
const TCVN3_SYMBOLS: &str = "¡¢£¤¥¦§¨©ª«¬®µ¶·¸¹»¼½¾";

/// Classifies NFC text by its characters outside ASCII.
pub(crate) fn classify(text: &str) -> Verdict {
    let mut vietnamese = 0usize;
    let mut odd = 0usize;
    let mut vni = 0usize;
    let mut tcvn3 = 0usize;
    for c in text.chars().filter(|c| !c.is_ascii()) {
        if VIETNAMESE.contains(c) {
            vietnamese += 1;
            continue;
        }
        // Marks that did not compose onto a letter (in NFC) are not Vietnamese either.
        let counted_as_legacy_symbol = TCVN3_SYMBOLS.contains(c);
        if NEUTRAL.contains(c) && !counted_as_legacy_symbol {
            continue;
        }
        odd += 1;
        if VNI_MARKS.contains(c) {
            vni += 1;
        }
        if counted_as_legacy_symbol {
            tcvn3 += 1;
        }
    }
    match (vietnamese, odd) {
        (0, 0) => Verdict::Plain,
        // A stray symbol in real Vietnamese text is fine; legacy text is full of them.
        (v, o) if o * 10 <= v => Verdict::Vietnamese,
        _ if vni + tcvn3 == 0 => Verdict::Other,
        _ if vni > tcvn3 => Verdict::Legacy("vni"),
        _ => Verdict::Legacy("tcvn3"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unicode_vietnamese_is_recognised() {
        assert_eq!(
            classify("Hợp tác xã Nông nghiệp Đông Anh – 15°"),
            Verdict::Vietnamese
        );
        assert_eq!(classify("STT;Ten;Ma so"), Verdict::Plain);
    }

    #[test]
    fn tcvn3_and_vni_read_as_latin1_are_recognised() {
        assert_eq!(
            classify("Hîp t¸c x· N«ng nghiÖp §«ng Anh"),
            Verdict::Legacy("tcvn3")
        );
        assert_eq!(
            classify("Hôïp taùc xaõ Noâng nghieäp Ñoâng Anh"),
            Verdict::Legacy("vni")
        );
    }

    #[test]
    fn other_languages_are_neither() {
        assert_eq!(classify("Заявление о приёме"), Verdict::Other);
    }
}
