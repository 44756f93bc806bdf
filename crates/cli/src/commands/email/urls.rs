//! Absolute URLs for an email, which has no page to resolve relative ones against:
//! the store's base URL, RFC 3986 resolution, and the check that a table without
//! --base-url needs none.

use anyhow::{bail, Context};

use super::{check_url, url_scheme, Table, UrlRefusal};

/// Fails when, without --base-url, some card has a URL an email could not use.
pub(super) fn refuse_relative_urls(table: &Table<Vec<u8>>, table_name: &str) -> anyhow::Result<()> {
    for bundle in table.bundles() {
        let bundle = bundle.with_context(|| format!("cannot read table {table_name}"))?;
        let Some(card) = bundle.product() else {
            continue;
        };
        for (field, url) in [("url", card.url), ("image", card.image)] {
            if !url.is_empty() && resolve_url(None, url) == Err(UrlProblem::Relative) {
                bail!(
                    "table {table_name} holds relative URLs (product {:?} has {field} {url:?}); \
                     emails need absolute ones: pass --base-url with the store's address, \
                     e.g. --base-url https://shop.example/",
                    card.id
                );
            }
        }
    }
    Ok(())
}

/// An absolute http(s) URL that relative ones are resolved against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    /// `http` or `https`.
    scheme: String,
    /// Host and port.
    authority: String,
    /// The path, starting with `/` (its query and fragment dropped).
    path: String,
}

impl BaseUrl {
    /// Parses `https://host[:port][/path]`.
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let problem =
            || format!("{text:?} is not an absolute http(s) URL such as https://shop.example/");
        // The base is joined to catalog URLs, so it passes the same policy they do.
        let checked = check_url(text).map_err(|_| problem())?;
        let (scheme, rest) = checked.split_once("://").ok_or_else(problem)?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(problem());
        }
        let end_of_authority = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end_of_authority];
        if authority.is_empty() || authority.contains(char::is_whitespace) {
            return Err(problem());
        }
        let after = &rest[end_of_authority..];
        let path = after.split(['?', '#']).next().unwrap_or_default();
        Ok(BaseUrl {
            scheme,
            authority: authority.to_owned(),
            path: if path.is_empty() {
                "/".to_owned()
            } else {
                path.to_owned()
            },
        })
    }

    fn origin(&self) -> String {
        format!("{}://{}", self.scheme, self.authority)
    }
}

/// Why a card's URL cannot go into an email.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlProblem {
    /// Relative, and no --base-url.
    Relative,
    /// Refused by the URL policy every link and image source passes (a scheme other
    /// than http(s), a control character): never put into a mail.
    Refused(UrlRefusal),
}

impl std::fmt::Display for UrlProblem {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlProblem::Relative => formatter.write_str("is relative and there is no --base-url"),
            UrlProblem::Refused(refusal) => refusal.fmt(formatter),
        }
    }
}

/// The absolute URL of `reference` (RFC 3986 section 5.2 for the cases a catalog
/// has: absolute, scheme-relative, absolute-path, relative-path with dot segments,
/// query-only), once the URL policy the widget applies has let it through.
pub fn resolve_url(base: Option<&BaseUrl>, reference: &str) -> Result<String, UrlProblem> {
    let reference = check_url(reference).map_err(UrlProblem::Refused)?;
    if url_scheme(reference).is_some() {
        // The policy lets only http(s) schemes through: already absolute.
        return Ok(reference.to_owned());
    }
    let base = base.ok_or(UrlProblem::Relative)?;
    if let Some(rest) = reference.strip_prefix("//") {
        return Ok(format!("{}://{rest}", base.scheme));
    }
    if reference.starts_with('/') {
        let (path, tail) = split_path(reference);
        return Ok(format!(
            "{}{}{tail}",
            base.origin(),
            remove_dot_segments(path)
        ));
    }
    if reference.starts_with('?') || reference.starts_with('#') {
        return Ok(format!("{}{}{reference}", base.origin(), base.path));
    }
    let directory = &base.path[..=base.path.rfind('/').unwrap_or(0)];
    let (path, tail) = split_path(reference);
    Ok(format!(
        "{}{}{tail}",
        base.origin(),
        remove_dot_segments(&format!("{directory}{path}"))
    ))
}

/// A URL's path and the rest (`?query#fragment`).
fn split_path(reference: &str) -> (&str, &str) {
    let end = reference.find(['?', '#']).unwrap_or(reference.len());
    reference.split_at(end)
}

/// Resolves `.` and `..` segments of an absolute path (`/a/b/../c` → `/a/c`).
fn remove_dot_segments(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').skip(1).collect();
    for (index, segment) in parts.iter().enumerate() {
        let last = index + 1 == parts.len();
        match *segment {
            "." | ".." => {
                if *segment == ".." {
                    segments.pop();
                }
                if last {
                    // `/a/b/..` is the directory `/a/`.
                    segments.push("");
                }
            }
            other => segments.push(other),
        }
    }
    format!("/{}", segments.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(text: &str) -> BaseUrl {
        BaseUrl::parse(text).unwrap()
    }

    #[test]
    fn relative_urls_resolve_against_the_base() {
        let shop = base("https://shop.example/store/products/index.html?x=1");
        let cases = [
            ("https://cdn.example/a.jpg", "https://cdn.example/a.jpg"),
            ("HTTP://shop.example/p", "HTTP://shop.example/p"),
            ("//cdn.example/a.jpg", "https://cdn.example/a.jpg"),
            ("/p/a?ref=1#top", "https://shop.example/p/a?ref=1#top"),
            ("a.html", "https://shop.example/store/products/a.html"),
            ("../img/a.jpg", "https://shop.example/store/img/a.jpg"),
            ("./a/./b/../c", "https://shop.example/store/products/a/c"),
            ("/a/b/..", "https://shop.example/a/"),
            ("../../../../x", "https://shop.example/x"),
            (
                "?page=2",
                "https://shop.example/store/products/index.html?page=2",
            ),
        ];
        for (reference, expected) in cases {
            assert_eq!(
                resolve_url(Some(&shop), reference).unwrap(),
                expected,
                "{reference}"
            );
        }
        assert_eq!(resolve_url(None, "/p/a"), Err(UrlProblem::Relative));
        assert_eq!(
            resolve_url(Some(&shop), "javascript:alert(1)"),
            Err(UrlProblem::Refused(UrlRefusal::Scheme))
        );
        assert_eq!(
            resolve_url(None, " data:text/html,x"),
            Err(UrlProblem::Refused(UrlRefusal::Scheme))
        );
        // Browsers delete the tab and strip the leading control: both are javascript:.
        assert_eq!(
            resolve_url(Some(&shop), "java\tscript:alert(1)"),
            Err(UrlProblem::Refused(UrlRefusal::ControlCharacter))
        );
        assert_eq!(
            resolve_url(Some(&shop), "\u{1}javascript:alert(1)"),
            Err(UrlProblem::Refused(UrlRefusal::Scheme))
        );
        assert_eq!(base("http://shop.example").path, "/");
        for bad in ["shop.example", "ftp://x/", "https:///path", "https://"] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad}");
        }
    }
}
