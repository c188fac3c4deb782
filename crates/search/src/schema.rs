//! The fields of the index and the conversion of a [`ProductDoc`].

use tantivy::TantivyDocument;
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::ProductDoc;
use crate::analyzer::{EXACT, FOLD, HEAD_EXACT, HEAD_FOLD, PAIRS, fold_word, words};
use crate::provinces::{province_search_names, province_short_name};

/// Bumped whenever the schema or the analysers change: an index of another version is rebuilt.
pub(crate) const SCHEMA_VERSION: u32 = 5;

/// Fast-field names, used by the collectors.
pub(crate) const F_PROVINCE: &str = "province_code";
pub(crate) const F_GROUP: &str = "group";
pub(crate) const F_ALLIANCE: &str = "alliance";
pub(crate) const F_STARS: &str = "stars";
pub(crate) const F_PUBLISHED: &str = "published_at";

/// Handles of every field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub id: Field,
    pub code: Field,
    /// The name as typed (stored: suggestions show it).
    pub name_exact: Field,
    pub name_fold: Field,
    /// Adjacent folded word pairs of the name: its phrases of two words.
    pub name_pairs: Field,
    /// The first one, two and three words of the name, as typed and folded.
    pub head_exact: Field,
    pub head_fold: Field,
    pub producer_exact: Field,
    pub producer_fold: Field,
    /// The province name and the names of the legacy provinces merged into it.
    pub province_exact: Field,
    pub province_fold: Field,
    pub province_pairs: Field,
    pub description_exact: Field,
    pub description_fold: Field,
    pub producer_id: Field,
    pub province_code: Field,
    pub group: Field,
    pub alliance: Field,
    pub stars: Field,
    pub published_at: Field,
    pub card: Field,
}

/// A text field with term frequencies (no positions: phrases are pair terms).
fn text(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// Builds the schema and its field handles.
pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        code: b.add_text_field("code", STRING | STORED),
        name_exact: b.add_text_field("name_exact", text(EXACT) | STORED),
        name_fold: b.add_text_field("name_fold", text(FOLD)),
        name_pairs: b.add_text_field("name_pairs", text(PAIRS)),
        head_exact: b.add_text_field("head_exact", text(HEAD_EXACT)),
        head_fold: b.add_text_field("head_fold", text(HEAD_FOLD)),
        producer_exact: b.add_text_field("producer_exact", text(EXACT)),
        producer_fold: b.add_text_field("producer_fold", text(FOLD)),
        province_exact: b.add_text_field("province_exact", text(EXACT)),
        province_fold: b.add_text_field("province_fold", text(FOLD)),
        province_pairs: b.add_text_field("province_pairs", text(PAIRS)),
        description_exact: b.add_text_field("description_exact", text(EXACT)),
        description_fold: b.add_text_field("description_fold", text(FOLD)),
        producer_id: b.add_text_field("producer_id", STRING),
        province_code: b.add_text_field(F_PROVINCE, STRING | FAST),
        group: b.add_text_field(F_GROUP, STRING | FAST),
        alliance: b.add_text_field(F_ALLIANCE, STRING | FAST),
        stars: b.add_u64_field(F_STARS, INDEXED | FAST),
        published_at: b.add_i64_field(F_PUBLISHED, FAST),
        card: b.add_text_field("card", STORED),
    };
    (b.build(), fields)
}

impl Fields {
    /// The tantivy document of a product.
    pub(crate) fn document(&self, p: &ProductDoc) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_text(self.id, &p.id);
        d.add_text(self.code, &p.code);
        d.add_text(self.name_exact, &p.name);
        d.add_text(self.name_fold, &p.name);
        d.add_text(self.name_pairs, &p.name);
        d.add_text(self.head_exact, &p.name);
        d.add_text(self.head_fold, &p.name);
        let producer = beyond_name(&p.name, &p.producer_name);
        d.add_text(self.producer_exact, &producer);
        d.add_text(self.producer_fold, &producer);
        let code = p.province_code.as_deref().filter(|c| !c.is_empty());
        let own = p
            .province_name
            .clone()
            .or_else(|| code.and_then(province_short_name).map(str::to_string));
        let merged = if p.legacy_provinces.is_empty() {
            code.map(province_search_names).unwrap_or_default()
        } else {
            Vec::new()
        };
        for name in own.iter().chain(&p.legacy_provinces).chain(&merged) {
            d.add_text(self.province_exact, name);
            d.add_text(self.province_fold, name);
            d.add_text(self.province_pairs, name);
        }
        let description = beyond_name(&p.name, &p.description);
        d.add_text(self.description_exact, &description);
        d.add_text(self.description_fold, &description);
        d.add_text(self.producer_id, &p.producer_id);
        if let Some(c) = code {
            d.add_text(self.province_code, c);
        }
        if let Some(g) = p.group.as_deref().filter(|g| !g.is_empty()) {
            d.add_text(self.group, g);
        }
        if let Some(a) = p.alliance_code.as_deref().filter(|a| !a.is_empty()) {
            d.add_text(self.alliance, a);
        }
        if let Some(s) = p.stars {
            d.add_u64(self.stars, u64::from(s));
        }
        d.add_i64(self.published_at, p.published_at);
        d.add_text(self.card, &p.card);
        d
    }
}

/// The words of `text` whose folded form is not a word of `name`, in order.
///
/// A product word found in the name scores the name's tier, above any the producer or the
/// description gives: their lists need not hold the product for it again. Most descriptions
/// repeat the name ("Nước mắm Phú Quốc của …") and many producers are named after their
/// product, so this halves the lists of the commonest words, which every query with them reads.
fn beyond_name(name: &str, text: &str) -> String {
    let in_name: Vec<String> = words(name).iter().map(|w| fold_word(&w.text)).collect();
    words(text)
        .into_iter()
        .filter(|w| !in_name.contains(&fold_word(&w.text)))
        .map(|w| w.text)
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::beyond_name;

    #[test]
    fn the_description_keeps_the_words_the_name_has_not() {
        assert_eq!(
            beyond_name(
                "Nước mắm Phú Quốc",
                "Nước mắm cốt của Phú Quốc, ủ chượp 12 tháng."
            ),
            "cốt của ủ chượp 12 tháng"
        );
        // Folded forms compare: "mam" in the name covers "mắm" and "mâm".
        assert_eq!(beyond_name("Mam dong", "Mâm đồng, mắm tôm"), "tôm");
        assert_eq!(beyond_name("Gạo ST25", ""), "");
    }
}
