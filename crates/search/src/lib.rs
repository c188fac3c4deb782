//! The catalogue search index of LiênKết: a Vietnamese analyser over tantivy, fed from the change
//! log.
//!
//! People type product names however they can: with accents, without them, with `d` for `đ`,
//! with the input method switched off ("nuowcs mawms" for "nước mắm"), with one letter wrong, or
//! only the start of the last word. Every field is therefore indexed twice: once as typed
//! (NFC, lowercased, accents kept: [`analyzer::EXACT`]) and once folded (accents stripped, `đ` →
//! `d`: [`analyzer::FOLD`]). A query matches on the folded form and ranks matches on the exact
//! form higher, so "mắm" finds "Mâm đồng" but ranks "Nước mắm" first.
//!
//! User text is never given to tantivy's query parser: [`query`] builds every plan from our own
//! tokens, so quotes, operators, SQL or HTML in a query are just characters.
//!
//! Layout:
//! - [`analyzer`]: the two tokenizers (`vi_exact`, `vi_fold`) and the word splitter they share
//!   with the query builder.
//! - [`telex`]: decoding of words typed in Telex with the input method off.
//! - `schema`: fields, the schema version, and the conversion of a [`ProductDoc`].
//! - [`query`]: from user text to a plan of posting lists and clauses (coordination, field
//!   boosts, prefix, fuzzy, Telex and phrase bonuses).
//! - `engine`: reads a plan's posting lists once into dense score arrays, then counts, facets
//!   and ranks the matches in one pass.
//! - `facets`: the facet values (provinces, groups, stars, alliances) of each segment's
//!   documents, read once from the fast fields.
//! - `index`: [`SearchIndex`]: open or rebuild a directory, apply changes.
//! - `search`, `spelling`, `suggest`: [`SearchIndex::search`] (with typo correction and "did
//!   you mean") and [`SearchIndex::suggest`].
//! - [`provinces`]: the names a 2025 province is searched by (its own and those of the legacy
//!   provinces merged into it).

pub mod analyzer;
mod directory;
mod engine;
mod facets;
mod index;
pub mod provinces;
pub mod query;
mod schema;
mod search;
mod spelling;
mod suggest;
pub mod telex;

pub use index::SearchIndex;
pub use provinces::province_search_names;
pub use telex::telex_to_vietnamese;

use serde::{Deserialize, Serialize};

/// One OCOP product as the search index sees it (sản phẩm OCOP).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductDoc {
    /// The product id (a UUID), unique in the index.
    pub id: String,
    /// The product's public code.
    pub code: String,
    /// The product name, as displayed ("Nước mắm Phú Quốc").
    pub name: String,
    /// Id of the producing organisation.
    pub producer_id: String,
    /// Name of the producing organisation (chủ thể).
    pub producer_name: String,
    /// Code of the alliance (liên minh) the producer belongs to, if any.
    pub alliance_code: Option<String>,
    /// The 2025 province code (`"33"` for Hưng Yên).
    pub province_code: Option<String>,
    /// The province name; when `None`, the short name of `province_code`.
    pub province_name: Option<String>,
    /// Names of legacy provinces searched like the province's own name ("Thái Bình" for a product
    /// of Hưng Yên made in the former Thái Bình). Best is the product's own legacy province, from
    /// its address (or its current province name when that did not change). When empty, the
    /// index uses [`province_search_names`] of `province_code`: every province merged into it.
    pub legacy_provinces: Vec<String>,
    /// The OCOP product group code (`thuc_pham`, `do_uong`, …).
    pub group: Option<String>,
    /// The OCOP product set number (bộ sản phẩm).
    pub set_no: Option<u8>,
    /// The OCOP rating (3 to 5 stars), once rated.
    pub stars: Option<u8>,
    /// Free-text description.
    pub description: String,
    /// Publication time, unix seconds.
    pub published_at: i64,
    /// What a result shows of the product, as the application writes it: kept with the
    /// product and given back with each hit (not searched).
    pub card: String,
}

/// The order of the results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Sort {
    /// Best match first (newest first when there is no text).
    #[default]
    Relevance,
    /// Most stars first, then best match.
    Stars,
    /// Most recently published first, then best match.
    Newest,
}

/// A catalogue search: free text, exact filters, order and page. The default is the first
/// [`DEFAULT_LIMIT`] products, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Query {
    /// What the user typed; anything is accepted (it is truncated to 200 characters and 12
    /// words).
    pub text: String,
    /// Only products of this 2025 province code.
    pub province: Option<String>,
    /// Only products of this group code.
    pub group: Option<String>,
    /// Only products with exactly this many stars.
    pub stars: Option<u8>,
    /// Only products of this producer id.
    pub producer_id: Option<String>,
    /// Only products of this alliance code.
    pub alliance: Option<String>,
    /// The order of the hits.
    pub sort: Sort,
    /// Hits to skip (capped at 10,000).
    pub offset: usize,
    /// Hits to return (capped at 200; 0 returns only the total and the facets).
    pub limit: usize,
}

/// Hits per page of [`Query::default`].
pub const DEFAULT_LIMIT: usize = 20;

impl Default for Query {
    fn default() -> Self {
        Query {
            text: String::new(),
            province: None,
            group: None,
            stars: None,
            producer_id: None,
            alliance: None,
            sort: Sort::Relevance,
            offset: 0,
            limit: DEFAULT_LIMIT,
        }
    }
}

/// One product found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    /// The product id.
    pub id: String,
    /// The product code.
    pub code: String,
    /// The relevance score (also given when sorting by stars or date).
    pub score: f32,
    /// The product's name, as displayed.
    pub name: String,
    /// The product's [`ProductDoc::card`].
    pub card: String,
}

/// How many matching products have one value of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facet {
    /// The value: a province code, a group code, a star count or an alliance code.
    pub value: String,
    /// The number of matching products with that value.
    pub count: u64,
}

/// The answer to a [`Query`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Results {
    /// The number of matching products (all pages).
    pub total: usize,
    /// The requested page of hits.
    pub hits: Vec<Hit>,
    /// Matching products by 2025 province code, most first.
    pub provinces: Vec<Facet>,
    /// Matching products by group code, most first.
    pub groups: Vec<Facet>,
    /// Matching products by star count, most stars first.
    pub stars: Vec<Facet>,
    /// Matching products by alliance code, most first.
    pub alliances: Vec<Facet>,
    /// When nothing matched: the query with each unknown word replaced by the closest word of
    /// the product names (folded), if there is one.
    pub did_you_mean: Option<String>,
}

/// What [`SearchIndex::open`] found in the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenState {
    /// There was no index: an empty one was created; fill it with [`SearchIndex::replace_all`].
    Fresh,
    /// A valid index, up to date with the change log up to `watermark`.
    Existing {
        /// The last change-log id applied.
        watermark: i64,
    },
    /// The index was unreadable, of another schema version, or never completely filled: it was
    /// deleted and recreated empty; fill it with [`SearchIndex::replace_all`].
    Rebuilt {
        /// Why the old index was dropped.
        reason: String,
    },
}

/// Errors of the search layer.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Another writer (this process or another) holds the index directory.
    #[error("the search index directory is in use by another writer: {0}")]
    Locked(String),
    /// Reading or writing the index directory failed.
    #[error("search index I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The search engine failed.
    #[error("search engine error: {0}")]
    Engine(#[from] tantivy::TantivyError),
}
