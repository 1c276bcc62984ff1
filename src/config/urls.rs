//! The addresses config.toml names: `base_url` and `cname`, checked, and the parts of a
//! base URL the build uses.

/// Whether `url` is an absolute http(s) URL with a host; the problem if not.
pub(super) fn check_base_url(url: &str) -> Result<(), &'static str> {
    let lower = url.to_ascii_lowercase();
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|s| lower.starts_with(s))
        .ok_or("must be an absolute http:// or https:// URL")?;
    let rest = &url[scheme.len()..];
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("has no host name");
    }
    if url.contains(['?', '#']) {
        return Err("must not have a query or fragment");
    }
    if url.contains(char::is_whitespace) {
        return Err("must not contain spaces");
    }
    Ok(())
}

/// Whether `cname` is a bare domain (what GitHub Pages' `CNAME` file holds); the problem if not.
pub(super) fn check_cname(cname: &str) -> Result<(), &'static str> {
    if cname.contains("://") {
        return Err("must be a domain without a scheme");
    }
    if cname.contains('/') {
        return Err("must be a domain without a path");
    }
    let labels_ok = cname.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    });
    if !labels_ok || !cname.contains('.') {
        return Err("is not a domain name");
    }
    Ok(())
}

/// The scheme and host of a URL, lowercased: `https://User.github.io/repo/` →
/// `https://user.github.io`; empty for a URL without a scheme.
pub(crate) fn origin_of(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => format!(
            "{}://{}",
            scheme.to_ascii_lowercase(),
            rest.split(['/', '?', '#'])
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        ),
        None => String::new(),
    }
}

/// The path part of a base URL, with slashes at both ends: `https://user.github.io/repo` → `/repo/`.
pub(crate) fn base_path_of(base_url: &str) -> String {
    let without_scheme = match base_url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => base_url,
    };
    let trimmed = without_scheme.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        format!("/{trimmed}/")
    }
}
