//! Table mappings. Entities are private to the store: callers get the plain records of
//! [`crate::records`], never an ORM type.

pub mod activity;
pub mod activity_file;
pub mod activity_organisation;
pub mod alliance;
pub mod api_token;
pub mod application;
pub mod application_product;
pub mod booth;
pub mod booth_type;
pub mod certification;
pub mod change_log;
pub mod event;
pub mod event_file;
pub mod file;
pub mod import;
pub mod indicator;
pub mod indicator_value;
pub mod login_attempt;
pub mod membership;
pub mod model_entry;
pub mod model_kind;
pub mod model_replication;
pub mod organisation;
pub mod product;
pub mod product_image;
pub mod programme;
pub mod programme_area;
pub mod programme_plan;
pub mod report;
pub mod review;
pub mod session;
pub mod status_history;
pub mod support_message;
pub mod support_request;
pub mod user;
