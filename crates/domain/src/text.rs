//! Vietnamese text folding and collation.
