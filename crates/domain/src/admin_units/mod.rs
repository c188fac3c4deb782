//! Administrative units of Vietnam.
