//! The preview server: serves the in-memory outputs under the site's base path, adds the
//! live-reload script to HTML, and streams build news to browsers as server-sent events.
//!
//! It never reads the file system: a request can only reach a file the build made, so
//! `..`, encoded dots and symlinks in the output folder lead nowhere.
//!
//! It answers a single byte range (`Range: bytes=…`) with 206, as GitHub Pages does: the
//! search index's result records are fetched that way ([`Wanted`]).
//!
//! It answers only requests that name it: a page on another site can make the browser
//! look up its own host name as 127.0.0.1 (DNS rebinding) and then read what the preview
//! serves, but the browser still sends that host name in `Host`. So every request,
//! the event stream's too, must name a host the server can be reached as ([`Hosts`]).

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, Version, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::{broadcast, watch};
use tokio_stream::StreamExt;
use tokio_stream::wrappers::BroadcastStream;

use crate::incremental::SharedOutputs;

pub(super) const EVENTS_PATH: &str = "/__dossier/events";
pub(super) const SCRIPT_PATH: &str = "/__dossier/livereload.js";
const SCRIPT: &str = include_str!("livereload.js");

/// News for browsers: the JSON of a `built` or `failed` event.
#[derive(Debug, Clone)]
pub(super) enum News {
    Built(String),
    Failed(String),
}

impl News {
    fn event(&self) -> Event {
        match self {
            News::Built(json) => Event::default().event("built").data(json),
            News::Failed(json) => Event::default().event("failed").data(json),
        }
    }
}

#[derive(Clone)]
pub(super) struct Shared {
    pub outputs: SharedOutputs,
    /// The URL path the site lives under, `/` or `/repo/`.
    pub base_path: Arc<str>,
    pub news: broadcast::Sender<News>,
    /// The newest build failure, for browsers that connect while the site is broken.
    pub failure: watch::Receiver<Option<News>>,
    /// Becomes true once the first build has finished (well or not).
    pub ready: watch::Receiver<bool>,
    /// The pages served last, which a template edit renders first.
    pub viewed: Arc<std::sync::Mutex<super::viewed::Viewed>>,
}

pub(super) fn router(shared: Shared, hosts: Hosts) -> axum::Router {
    axum::Router::new()
        .route(EVENTS_PATH, get(events))
        .route(SCRIPT_PATH, get(script))
        .fallback(file)
        .with_state(shared)
        .layer(axum::middleware::from_fn_with_state(hosts, check_host))
}

/// The host names a request may give, from the address the server listens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Hosts {
    /// Listening on a loopback address (the default): `localhost`, `127.x.x.x` and `[::1]`,
    /// the only names that lead to it without a rebinding.
    Loopback,
    /// Listening on one other address: that address and the loopback names. Any other
    /// name (the machine's own included) could be a rebinding.
    Address(IpAddr),
    /// Listening on every interface: the preview is open to anyone who can reach the
    /// machine, under whatever names it has, so no name is refused.
    Any,
}

impl Hosts {
    pub(super) fn for_interface(ip: IpAddr) -> Hosts {
        if ip.is_unspecified() {
            Hosts::Any
        } else if ip.to_canonical().is_loopback() {
            Hosts::Loopback
        } else {
            Hosts::Address(ip.to_canonical())
        }
    }

    fn allows(self, host: &Host) -> bool {
        let loopback = match host {
            Host::Name(name) => name == "localhost",
            Host::Ip(ip) => ip.is_loopback(),
        };
        match self {
            Hosts::Any => true,
            Hosts::Loopback => loopback,
            Hosts::Address(own) => loopback || *host == Host::Ip(own),
        }
    }

    /// What the refusal says is accepted.
    fn accepted(self) -> String {
        let loopback = "localhost, 127.0.0.1 (or another 127.x.x.x) or [::1]";
        match self {
            Hosts::Any | Hosts::Loopback => loopback.to_owned(),
            Hosts::Address(IpAddr::V6(ip)) => format!("[{ip}], {loopback}"),
            Hosts::Address(IpAddr::V4(ip)) => format!("{ip}, {loopback}"),
        }
    }
}

/// The host part of a `Host` header or of a request's absolute URL.
#[derive(Debug, PartialEq, Eq)]
enum Host {
    Ip(IpAddr),
    /// A name, lowercased, without a final dot.
    Name(String),
}

/// `name`, `name:port`, `1.2.3.4:port` or `[v6]:port` → its host; `None` if it is not one.
/// The port is not compared with the server's: a forwarded port (`ssh -L`) changes it,
/// and a rebinding cannot make a page's own host name a loopback one.
fn parse_host(authority: &str) -> Option<Host> {
    let port_ok = |port: &str| port.bytes().all(|b| b.is_ascii_digit());
    if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let ip: Ipv6Addr = inside.parse().ok()?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(port_ok)) {
            return None;
        }
        return Some(Host::Ip(IpAddr::V6(ip).to_canonical()));
    }
    let (name, port) = authority.split_once(':').unwrap_or((authority, ""));
    if !port_ok(port) || name.is_empty() {
        return None;
    }
    if let Ok(ip) = name.parse::<Ipv4Addr>() {
        return Some(Host::Ip(IpAddr::V4(ip)));
    }
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'));
    valid.then_some(Host::Name(name))
}

/// Refuses requests whose `Host` (or absolute URL) names a host the server is not
/// reached as: 421, or 400 for a missing, repeated or malformed one.
async fn check_host(State(hosts): State<Hosts>, request: Request, next: Next) -> Response {
    let mut values = request.headers().get_all(header::HOST).iter();
    let host = values.next();
    if values.next().is_some() {
        return refuse(StatusCode::BAD_REQUEST, "more than one Host header\n".to_owned());
    }
    // HTTP/1.0 clients may leave Host out; browsers, the only clients a rebinding page
    // can use, always send it.
    if host.is_none() && request.version() != Version::HTTP_10 && request.version() != Version::HTTP_09 {
        return refuse(StatusCode::BAD_REQUEST, "missing Host header\n".to_owned());
    }
    let named = host
        .map(|v| v.to_str().ok().and_then(parse_host))
        .into_iter()
        .chain(request.uri().authority().map(|a| parse_host(a.as_str())));
    for host in named {
        match host {
            None => return refuse(StatusCode::BAD_REQUEST, "malformed Host header\n".to_owned()),
            Some(host) if !hosts.allows(&host) => {
                return refuse(
                    StatusCode::MISDIRECTED_REQUEST,
                    format!(
                        "dossier serve answers only requests addressed to {}: a page on \
                         another site could otherwise read this preview (DNS rebinding). \
                         To open it to other names, listen on every interface \
                         (--interface 0.0.0.0).\n",
                        hosts.accepted()
                    ),
                );
            }
            Some(_) => {}
        }
    }
    next.run(request).await
}

fn refuse(status: StatusCode, message: String) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        message,
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        SCRIPT,
    )
        .into_response()
}

async fn events(State(shared): State<Shared>) -> impl IntoResponse {
    let current = shared.failure.borrow().clone();
    let first = tokio_stream::iter(current.map(|n| Ok::<Event, Infallible>(n.event())));
    let rest = BroadcastStream::new(shared.news.subscribe())
        .filter_map(|n| n.ok())
        .map(|n| Ok::<Event, Infallible>(n.event()));
    Sse::new(first.chain(rest)).keep_alive(KeepAlive::default())
}

async fn file(State(shared): State<Shared>, request: Request) -> Response {
    let method = request.method().clone();
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "only GET and HEAD\n",
        )
            .into_response();
    }
    let mut ready = shared.ready.clone();
    // Requests made while the first build runs wait for it.
    if ready.wait_for(|r| *r).await.is_err() {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    if shared
        .outputs
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .is_empty()
    {
        return not_built_yet();
    }
    let response = match resolve(&shared.base_path, request.uri().path()) {
        Lookup::Redirect(to) => redirect(&to),
        Lookup::Path(path) => {
            let outputs = shared.outputs.read().unwrap_or_else(|e| e.into_inner());
            match outputs.get(&path) {
                Some(bytes) => {
                    if is_html(&path) {
                        shared.viewed.lock().unwrap_or_else(|e| e.into_inner()).saw(&path);
                    }
                    let tag = etag(bytes);
                    let matches = request
                        .headers()
                        .get(header::IF_NONE_MATCH)
                        .is_some_and(|v| v.as_bytes() == tag.as_bytes());
                    if matches {
                        not_modified(&tag)
                    } else {
                        let wanted = wanted(&method, request.headers(), &tag);
                        with_etag(found_part(&path, bytes.clone(), wanted), &tag)
                    }
                }
                None if !path.ends_with("index.html") && !has_extension(&path) => {
                    // `/repo/security` → `/repo/security/`, as static hosts do.
                    let dir = format!("{path}/index.html");
                    if outputs.contains_key(&dir) {
                        redirect(&format!("{}/", request.uri().path()))
                    } else {
                        not_found(&outputs)
                    }
                }
                None => not_found(&outputs),
            }
        }
        Lookup::Outside => {
            let outputs = shared.outputs.read().unwrap_or_else(|e| e.into_inner());
            not_found(&outputs)
        }
    };
    // For HEAD, the server sends the headers (with the GET length) and no body.
    response
}

/// Where a request path leads.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup {
    /// An output path (relative to the output folder) to look up.
    Path(String),
    /// The site's root without its base path: go there.
    Redirect(String),
    /// Not inside the site, or not a path a build can make.
    Outside,
}

/// Maps a request path to an output path, refusing anything that could step outside the
/// output: `..` and `.` segments (also percent-encoded), backslashes, NUL bytes.
pub fn resolve(base_path: &str, raw: &str) -> Lookup {
    let Ok(decoded) = percent_encoding::percent_decode_str(raw).decode_utf8() else {
        return Lookup::Outside;
    };
    let Some(rest) = decoded.strip_prefix(base_path) else {
        if format!("{decoded}/") == base_path || (decoded == "/" && base_path != "/") {
            return Lookup::Redirect(base_path.to_owned());
        }
        return Lookup::Outside;
    };
    let mut segments = Vec::new();
    for segment in rest.split('/') {
        if segment == ".." || segment == "." || segment.contains('\\') || segment.contains('\0') {
            return Lookup::Outside;
        }
        if !segment.is_empty() {
            segments.push(segment);
        }
    }
    let mut path = segments.join("/");
    if rest.is_empty() || rest.ends_with('/') {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str("index.html");
    }
    Lookup::Path(path)
}

fn has_extension(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|name| name.contains('.'))
}

/// What a request asks of a file: all of it, or one byte range. Only a GET's single range
/// is answered (RFC 9110 defines ranges for GET only, and a server may ignore a `Range`
/// it does not support): a HEAD, several ranges, another unit, a malformed header or an
/// `If-Range` that does not name the current `ETag` get the whole file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wanted {
    Whole,
    /// `bytes=FIRST-LAST`, `bytes=FIRST-` or `bytes=-SUFFIX`, before it meets the length.
    Range(ByteRange),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ByteRange {
    From(u64, Option<u64>),
    Last(u64),
}

fn wanted(method: &Method, headers: &axum::http::HeaderMap, tag: &str) -> Wanted {
    let mut ranges = headers.get_all(header::RANGE).iter();
    let (Some(range), None) = (ranges.next(), ranges.next()) else {
        return Wanted::Whole;
    };
    // A client that holds an older version asks for the range only if it is unchanged.
    let current = headers
        .get(header::IF_RANGE)
        .is_none_or(|v| v.as_bytes() == tag.as_bytes());
    match (
        method == Method::GET && current,
        range.to_str().ok().and_then(parse_range),
    ) {
        (true, Some(r)) => Wanted::Range(r),
        _ => Wanted::Whole,
    }
}

/// A `Range` header of one byte range, as RFC 9110 writes it; `None` for anything else.
fn parse_range(value: &str) -> Option<ByteRange> {
    let (unit, spec) = value.split_once('=')?;
    if !unit.trim().eq_ignore_ascii_case("bytes") || spec.contains(',') {
        return None;
    }
    let (first, last) = spec.trim().split_once('-')?;
    let number = |s: &str| -> Option<u64> {
        // Digits only: `parse` would take a sign.
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (first, last) {
        ("", suffix) => number(suffix).map(ByteRange::Last),
        (first, "") => number(first).map(|f| ByteRange::From(f, None)),
        (first, last) => {
            let (f, l) = (number(first)?, number(last)?);
            (f <= l).then_some(ByteRange::From(f, Some(l)))
        }
    }
}

impl ByteRange {
    /// The bytes `start..end` this range selects of `len`, or `None` if it selects none
    /// (it starts past the end, or is an empty suffix, or the file is empty).
    fn within(self, len: u64) -> Option<std::ops::Range<u64>> {
        let (start, end) = match self {
            ByteRange::From(first, last) => (first, last.map_or(len, |l| l.saturating_add(1).min(len))),
            ByteRange::Last(suffix) => (len.saturating_sub(suffix), len),
        };
        (start < end).then_some(start..end)
    }
}

/// A file's response: all of it (200), the range asked for (206), or 416 for a range
/// outside it. The range is of the bytes served, the live-reload script included.
fn found_part(path: &str, bytes: Arc<[u8]>, wanted: Wanted) -> Response {
    let Wanted::Range(range) = wanted else {
        return found(path, bytes, StatusCode::OK);
    };
    let whole = served(path, &bytes);
    let len = whole.len() as u64;
    let (mut response, content_range) = match range.within(len) {
        Some(part) => (
            typed(
                path,
                whole[part.start as usize..part.end as usize].to_vec(),
                StatusCode::PARTIAL_CONTENT,
            ),
            format!("bytes {}-{}/{len}", part.start, part.end - 1),
        ),
        None => {
            let mut response = typed(path, Vec::new(), StatusCode::RANGE_NOT_SATISFIABLE);
            response.headers_mut().remove(header::CONTENT_TYPE);
            (response, format!("bytes */{len}"))
        }
    };
    if let Ok(v) = HeaderValue::from_str(&content_range) {
        response.headers_mut().insert(header::CONTENT_RANGE, v);
    }
    response
}

fn found(path: &str, bytes: Arc<[u8]>, status: StatusCode) -> Response {
    typed(path, served(path, &bytes), status)
}

fn is_html(path: &str) -> bool {
    mime_guess::from_path(path).first_or_octet_stream().essence_str() == "text/html"
}

/// An output's bytes as served: an HTML page with the live-reload script.
fn served(path: &str, bytes: &[u8]) -> Vec<u8> {
    if is_html(path) {
        with_script(bytes)
    } else {
        bytes.to_vec()
    }
}

/// A response with `body` and the headers of a file at `path`.
fn typed(path: &str, body: Vec<u8>, status: StatusCode) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let content_type = if mime.type_() == "text" || mime.essence_str() == "application/javascript" {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_owned()
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    // Kept by the browser, but checked with the server before each use.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if status.is_success() {
        headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    }
    response
}

/// A validator for an output's bytes, so a reload can revalidate unchanged stylesheets and
/// scripts (304) instead of fetching them again.
fn etag(bytes: &[u8]) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::hash::DefaultHasher::new();
    bytes.hash(&mut hasher);
    format!("\"{:016x}\"", hasher.finish())
}

fn with_etag(mut response: Response, tag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(tag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

fn not_modified(tag: &str) -> Response {
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    with_etag(response, tag)
}

/// The page with the live-reload script before its closing `</body>` (or at its end).
fn with_script(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\"></script>");
    let at = find_last(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_last(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

fn not_found(outputs: &crate::incremental::Outputs) -> Response {
    match outputs.get("404.html") {
        Some(bytes) => found("404.html", bytes.clone(), StatusCode::NOT_FOUND),
        None => (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "not found\n",
        )
            .into_response(),
    }
}

/// While no build has succeeded there is nothing to serve; this page shows the errors (the
/// event stream sends them) and reloads once the site builds.
fn not_built_yet() -> Response {
    let html = "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
                <title>dossier: not built yet</title>\n</head>\n<body>\n\
                <p>The site does not build yet. Fix the error and this page reloads.</p>\n</body>\n</html>\n";
    found(
        "index.html",
        Arc::from(html.as_bytes()),
        StatusCode::SERVICE_UNAVAILABLE,
    )
}

fn redirect(to: &str) -> Response {
    match HeaderValue::from_str(to) {
        Ok(location) => {
            let mut response = StatusCode::MOVED_PERMANENTLY.into_response();
            response.headers_mut().insert(header::LOCATION, location);
            response
        }
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_paths_map_to_outputs() {
        let p = |s: &str| Lookup::Path(s.to_owned());
        assert_eq!(resolve("/", "/"), p("index.html"));
        assert_eq!(resolve("/", "/security/kursk/"), p("security/kursk/index.html"));
        assert_eq!(resolve("/", "/style.css"), p("style.css"));
        assert_eq!(resolve("/", "/tags/caf%C3%A9/"), p("tags/café/index.html"));
        assert_eq!(resolve("/repo/", "/repo/"), p("index.html"));
        assert_eq!(resolve("/repo/", "/repo/a/"), p("a/index.html"));
        assert_eq!(resolve("/repo/", "/repo"), Lookup::Redirect("/repo/".into()));
        assert_eq!(resolve("/repo/", "/"), Lookup::Redirect("/repo/".into()));
        assert_eq!(resolve("/repo/", "/other/"), Lookup::Outside);
    }

    #[test]
    fn paths_that_step_outside_lead_nowhere() {
        for raw in [
            "/../secret",
            "/a/../../secret",
            "/%2e%2e/secret",
            "/%2E%2E/%2e%2e/etc/passwd",
            "/a/%2e%2e%2f%2e%2e%2fsecret",
            "/./style.css",
            "/a\\..\\secret",
            "/a%5c..%5csecret",
            "/a%00b",
            "/%ff",
        ] {
            assert_eq!(resolve("/", raw), Lookup::Outside, "{raw}");
        }
    }

    #[test]
    fn hosts_are_parsed_with_or_without_a_port() {
        let ip = |s: &str| Some(Host::Ip(s.parse().unwrap()));
        let name = |s: &str| Some(Host::Name(s.to_owned()));
        assert_eq!(parse_host("localhost"), name("localhost"));
        assert_eq!(parse_host("LocalHost:1111"), name("localhost"));
        assert_eq!(parse_host("localhost."), name("localhost"));
        assert_eq!(parse_host("127.0.0.1:1111"), ip("127.0.0.1"));
        assert_eq!(parse_host("[::1]:1111"), ip("::1"));
        assert_eq!(parse_host("[::1]"), ip("::1"));
        assert_eq!(parse_host("[::ffff:127.0.0.1]"), ip("127.0.0.1"));
        assert_eq!(parse_host("evil.example:80"), name("evil.example"));
        for bad in [
            "",
            ":80",
            "[::1",
            "[::1]x",
            "[nope]:1",
            "a:b",
            "a b",
            "user@localhost",
            "a:1:2",
            ".",
        ] {
            assert_eq!(parse_host(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_loopback_server_answers_only_loopback_names() {
        let hosts = Hosts::for_interface("127.0.0.1".parse().unwrap());
        assert_eq!(hosts, Hosts::Loopback);
        assert_eq!(Hosts::for_interface("::1".parse().unwrap()), Hosts::Loopback);
        let allows = |h: &str| hosts.allows(&parse_host(h).unwrap());
        for ok in [
            "localhost",
            "localhost:1111",
            "127.0.0.1:1111",
            "127.1.2.3",
            "[::1]:1111",
        ] {
            assert!(allows(ok), "{ok}");
        }
        for no in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.nip.io",
            "192.168.1.10:1111",
            "[fe80::1]",
            "0.0.0.0",
        ] {
            assert!(!allows(no), "{no}");
        }
    }

    #[test]
    fn a_server_on_one_address_answers_it_and_loopback_names() {
        let hosts = Hosts::for_interface("192.168.1.10".parse().unwrap());
        let allows = |h: &str| hosts.allows(&parse_host(h).unwrap());
        for ok in ["192.168.1.10:1111", "localhost", "127.0.0.1"] {
            assert!(allows(ok), "{ok}");
        }
        for no in ["192.168.1.11", "laptop.local", "evil.example"] {
            assert!(!allows(no), "{no}");
        }
        let v6 = Hosts::for_interface("fd00::5".parse().unwrap());
        assert!(v6.allows(&parse_host("[fd00::5]:1111").unwrap()));
        assert!(!v6.allows(&parse_host("[fd00::6]").unwrap()));
        let any = Hosts::for_interface("0.0.0.0".parse().unwrap());
        assert!(any.allows(&parse_host("laptop.local:1111").unwrap()));
        assert_eq!(Hosts::for_interface("::".parse().unwrap()), Hosts::Any);
    }

    #[test]
    fn one_byte_range_is_read_and_met_with_the_length() {
        use ByteRange::{From, Last};
        assert_eq!(parse_range("bytes=0-3"), Some(From(0, Some(3))));
        assert_eq!(parse_range("Bytes = 5-"), Some(From(5, None)));
        assert_eq!(parse_range("bytes=-7"), Some(Last(7)));
        for ignored in [
            "bytes=0-1,4-5",
            "bytes=3-2",
            "bytes=-",
            "bytes=a-b",
            "bytes=+1-2",
            "bytes=1",
            "items=0-3",
            "bytes=99999999999999999999999-",
        ] {
            assert_eq!(parse_range(ignored), None, "{ignored}");
        }
        assert_eq!(From(0, Some(3)).within(10), Some(0..4));
        assert_eq!(From(4, Some(100)).within(10), Some(4..10));
        assert_eq!(From(9, None).within(10), Some(9..10));
        assert_eq!(Last(3).within(10), Some(7..10));
        assert_eq!(Last(30).within(10), Some(0..10));
        assert_eq!(From(10, None).within(10), None);
        assert_eq!(Last(0).within(10), None);
        assert_eq!(From(0, None).within(0), None);
        assert_eq!(From(0, Some(u64::MAX)).within(10), Some(0..10));
    }

    #[test]
    fn a_range_is_taken_for_a_get_of_the_current_file_only() {
        let headers = |pairs: &[(header::HeaderName, &'static str)]| {
            let mut map = axum::http::HeaderMap::new();
            for (name, value) in pairs {
                map.append(name, HeaderValue::from_static(value));
            }
            map
        };
        let range = headers(&[(header::RANGE, "bytes=0-3")]);
        let part = Wanted::Range(ByteRange::From(0, Some(3)));
        assert_eq!(wanted(&Method::GET, &range, "\"t\""), part);
        assert_eq!(wanted(&Method::HEAD, &range, "\"t\""), Wanted::Whole);
        assert_eq!(wanted(&Method::GET, &headers(&[]), "\"t\""), Wanted::Whole);
        let same = headers(&[(header::RANGE, "bytes=0-3"), (header::IF_RANGE, "\"t\"")]);
        assert_eq!(wanted(&Method::GET, &same, "\"t\""), part);
        let older = headers(&[(header::RANGE, "bytes=0-3"), (header::IF_RANGE, "\"old\"")]);
        assert_eq!(wanted(&Method::GET, &older, "\"t\""), Wanted::Whole);
        let twice = headers(&[(header::RANGE, "bytes=0-3"), (header::RANGE, "bytes=5-6")]);
        assert_eq!(wanted(&Method::GET, &twice, "\"t\""), Wanted::Whole);
    }

    #[test]
    fn the_script_goes_before_the_closing_body_tag() {
        let out = with_script(b"<html><body><p>x</p></body></html>");
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("<script src=\"/__dossier/livereload.js\"></script></body></html>"));
        let bare = String::from_utf8(with_script(b"<p>x")).unwrap();
        assert!(bare.ends_with("</script>"));
    }
}
