//! The database URL, whose password never reaches a log line.

use crate::Engine;

/// A database URL: `sqlite://path` or `postgres://user:password@host/db`.
/// `Debug` and `Display` mask the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Parses a URL; only SQLite and PostgreSQL URLs are accepted.
    pub fn parse(raw: &str) -> Result<DatabaseUrl, String> {
        let raw = raw.trim();
        if raw.starts_with("sqlite:") || raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Ok(DatabaseUrl(raw.to_string()))
        } else {
            Err(format!(
                "unsupported database URL (expected sqlite:// or postgres://): {}",
                mask(raw)
            ))
        }
    }

    /// A SQLite database file, created when missing.
    pub fn sqlite_file(path: &std::path::Path) -> DatabaseUrl {
        DatabaseUrl(format!("sqlite://{}?mode=rwc", path.display()))
    }

    /// The engine this URL selects.
    pub fn engine(&self) -> Engine {
        if self.0.starts_with("sqlite:") {
            Engine::Sqlite
        } else {
            Engine::Postgres
        }
    }

    /// The URL with its password, for the driver only.
    pub fn expose(&self) -> String {
        self.0.clone()
    }

    /// The SQLite file path, when this is a SQLite URL.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        let rest = self
            .0
            .strip_prefix("sqlite://")
            .or_else(|| self.0.strip_prefix("sqlite:"))?;
        let path = rest.split('?').next().unwrap_or(rest);
        (!path.is_empty() && path != ":memory:").then(|| path.into())
    }
}

fn mask(raw: &str) -> String {
    // scheme://user:password@host → scheme://user:***@host
    let Some((scheme, rest)) = raw.split_once("://") else {
        return raw.to_string();
    };
    let Some((creds, host)) = rest.rsplit_once('@') else {
        return raw.to_string();
    };
    match creds.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => raw.to_string(),
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&mask(&self.0))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({})", mask(&self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_never_shows() {
        let url = DatabaseUrl::parse("postgres://lienket:s3cret@db.local:5432/lienket").unwrap();
        assert_eq!(url.to_string(), "postgres://lienket:***@db.local:5432/lienket");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(url.engine(), Engine::Postgres);
    }

    #[test]
    fn sqlite_paths_are_found() {
        let url = DatabaseUrl::sqlite_file(std::path::Path::new("/tmp/x/lienket.db"));
        assert_eq!(
            url.sqlite_path().unwrap(),
            std::path::PathBuf::from("/tmp/x/lienket.db")
        );
        assert!(DatabaseUrl::parse("mysql://x").is_err());
    }
}
