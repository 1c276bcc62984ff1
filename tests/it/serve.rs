//! End-to-end tests of `dossier serve`: each test copies `tests/fixtures/serve/` into a
//! temporary folder, starts the real binary on it (`--port 0`), talks to it with a tiny
//! HTTP/1.1 client over `TcpStream` (request paths are sent byte for byte, so `..` and
//! percent escapes reach the server as written), edits the site's files and watches the
//! pages, the server-sent events and what the server prints.
//!
//! The machine may be slow and busy: every wait polls with a generous deadline, nothing
//! asserts how long anything took, and a server never outlives its test (a `Drop` guard
//! kills it).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use scraper::Html;
use tempfile::TempDir;

use crate::harness::{self, BIN};

/// How long a server may take to build the site and start listening.
const START: Duration = Duration::from_secs(60);
/// How long a change may take to show (generous: a slow machine runs tests in parallel).
const CHANGE: Duration = Duration::from_secs(20);
/// How often waits look again.
const POLL: Duration = Duration::from_millis(40);

/// What `serve` adds to every HTML response.
const SCRIPT_TAG: &str = "<script src=\"/__dossier/livereload.js\"></script>";
/// The content of a file next to the site folder that no request may read.
const SECRET: &str = "TOP-SECRET-4f1c9a-never-serve-this";

// ---------------------------------------------------------------------------------------
// The site
// ---------------------------------------------------------------------------------------

/// A copy of the `serve` fixture in `<tmp>/site/`, with `<tmp>/secret.txt` beside it and
/// `<tmp>/site/secret.txt` inside it (outside the output).
struct Site {
    dir: TempDir,
    root: PathBuf,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::Builder::new()
            .prefix("dossier-serve-")
            .tempdir()
            .expect("temp dir");
        let root = dir.path().join("site");
        harness::copy_dir(&harness::repo_root().join("tests/fixtures/serve"), &root);
        std::fs::write(dir.path().join("secret.txt"), SECRET).expect("write secret");
        std::fs::write(root.join("secret.txt"), SECRET).expect("write secret");
        Site { dir, root }
    }

    /// The folder holding the site folder and the secret.
    fn outer(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    fn read(&self, rel: &str) -> String {
        let path = self.path(rel);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// Writes a file in place (truncate and write, as many editors and tools do).
    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
    }

    /// Saves a file atomically: writes `NAME.tmp` beside it and renames it over the file,
    /// as many editors do. The server sees one change with the whole new text.
    fn replace(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        let tmp = self.path(&format!("{rel}.tmp"));
        std::fs::write(&tmp, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", tmp.display()));
        std::fs::rename(&tmp, &path).unwrap_or_else(|e| panic!("cannot rename to {}: {e}", path.display()));
    }

    /// Replaces `from` with `to` in a file, atomically; the file must contain `from`.
    fn edit(&self, rel: &str, from: &str, to: &str) {
        let old = self.read(rel);
        assert!(old.contains(from), "{rel} does not contain {from:?}:\n{old}");
        self.replace(rel, &old.replace(from, to));
    }

    fn remove(&self, rel: &str) {
        let path = self.path(rel);
        std::fs::remove_file(&path).unwrap_or_else(|e| panic!("cannot remove {}: {e}", path.display()));
    }

    fn rename(&self, from: &str, to: &str) {
        std::fs::rename(self.path(from), self.path(to))
            .unwrap_or_else(|e| panic!("cannot rename {from} to {to}: {e}"));
    }

    /// Starts `dossier --root <site> serve --port 0 <args…>`.
    fn serve(&self, args: &[&str]) -> Server {
        let mut all = vec!["--port", "0"];
        all.extend_from_slice(args);
        Server::start(&self.root, &all)
    }
}

/// `content/security/kursk.md` with another body.
fn kursk(body: &str) -> String {
    format!(
        "+++\ntitle = \"Troops at Kursk\"\ndate = 2024-10-28\n\n[taxonomies]\ntags = [\"deployment\"]\n+++\n\n{body}\n"
    )
}

/// `content/security/alliance.md` with another body.
fn alliance(body: &str) -> String {
    format!(
        "+++\ntitle = \"The Alliance Treaty\"\ndate = 2024-06-19\n\n[taxonomies]\ntags = [\"treaty\"]\n+++\n\n{body}\n"
    )
}

/// Polls `check` until it gives `Some`, or panics with `what` and `context()` at `deadline`.
fn wait_for<T>(
    timeout: Duration,
    what: &str,
    mut check: impl FnMut() -> Option<T>,
    context: impl Fn() -> String,
) -> T {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check() {
            return value;
        }
        if Instant::now() > deadline {
            panic!("timed out after {timeout:?} waiting for {what}\n{}", context());
        }
        std::thread::sleep(POLL);
    }
}

// ---------------------------------------------------------------------------------------
// The server process
// ---------------------------------------------------------------------------------------

type Lines = Arc<Mutex<Vec<String>>>;

/// A running `dossier serve`; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    /// The URL it printed, `http://127.0.0.1:PORT/base/`.
    url: String,
    stdout: Lines,
    stderr: Lines,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

fn read_lines(stream: impl Read + Send + 'static, into: Lines) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            into.lock().unwrap_or_else(|e| e.into_inner()).push(line);
        }
    });
}

impl Server {
    fn start(root: &Path, args: &[&str]) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.arg("--root")
            .arg(root)
            .arg("serve")
            .args(args)
            .current_dir(root)
            .env_remove("RUST_BACKTRACE")
            .env_remove("RUST_LIB_BACKTRACE")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
        let stdout: Lines = Arc::default();
        let stderr: Lines = Arc::default();
        read_lines(child.stdout.take().expect("stdout"), stdout.clone());
        read_lines(child.stderr.take().expect("stderr"), stderr.clone());
        let mut server = Server {
            child,
            port: 0,
            url: String::new(),
            stdout,
            stderr,
        };
        let deadline = Instant::now() + START;
        let url = loop {
            let found = server.stdout_lines().iter().find_map(|l| {
                let rest = l.strip_prefix("Serving at ")?;
                Some(rest.strip_suffix(" (Ctrl-C to stop)").unwrap_or(rest).to_owned())
            });
            if let Some(url) = found {
                break url;
            }
            if let Ok(Some(status)) = server.child.try_wait() {
                // Let the reader threads catch the last words.
                std::thread::sleep(Duration::from_millis(200));
                panic!(
                    "the server exited with {status} before listening\n{}",
                    server.logs()
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "the server did not say where it listens within {START:?}\n{}",
                    server.logs()
                );
            }
            std::thread::sleep(POLL);
        };
        let after_host = url
            .strip_prefix("http://127.0.0.1:")
            .unwrap_or_else(|| panic!("unexpected URL {url:?}\n{}", server.logs()));
        let port_text = &after_host[..after_host.find('/').unwrap_or(after_host.len())];
        server.port = port_text
            .parse()
            .unwrap_or_else(|e| panic!("bad port in {url:?}: {e}\n{}", server.logs()));
        server.url = url;
        server
    }

    fn stdout_lines(&self) -> Vec<String> {
        self.stdout.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn stderr_text(&self) -> String {
        self.stderr.lock().unwrap_or_else(|e| e.into_inner()).join("\n")
    }

    /// What the server printed so far, for failure messages.
    fn logs(&self) -> String {
        format!(
            "--- server stdout\n{}\n--- server stderr\n{}",
            self.stdout_lines().join("\n"),
            self.stderr_text()
        )
    }

    /// The URL path the site is served under, from the printed URL (`/` or `/repo/`).
    fn base_path(&self) -> String {
        let after_scheme = &self.url["http://".len()..];
        after_scheme[after_scheme.find('/').unwrap_or(after_scheme.len())..].to_owned()
    }

    fn request(&self, method: &str, path: &str) -> Response {
        request(self.port, method, path)
            .unwrap_or_else(|e| panic!("{method} {path} failed: {e}\n{}", self.logs()))
    }

    fn get(&self, path: &str) -> Response {
        self.request("GET", path)
    }

    /// Polls `path` until `check` accepts the response; returns it.
    fn wait_until(&self, path: &str, what: &str, check: impl Fn(&Response) -> bool) -> Response {
        let last = Mutex::new(None::<Response>);
        wait_for(
            CHANGE,
            &format!("{path} to {what}"),
            || {
                let response = request(self.port, "GET", path).ok()?;
                let ok = check(&response);
                *last.lock().unwrap_or_else(|e| e.into_inner()) = Some(response.clone());
                ok.then_some(response)
            },
            || {
                let last = last.lock().unwrap_or_else(|e| e.into_inner());
                let shown = last
                    .as_ref()
                    .map_or_else(|| "no response".to_owned(), Response::summary);
                format!("last response:\n{shown}\n{}", self.logs())
            },
        )
    }

    /// Polls until `path` answers 200 with `needle` in its body.
    fn wait_for_text(&self, path: &str, needle: &str) -> Response {
        self.wait_until(path, &format!("show {needle:?}"), |r| {
            r.status == 200 && r.text().contains(needle)
        })
    }

    /// Polls until `path` answers 200 without `needle` in its body.
    fn wait_without_text(&self, path: &str, needle: &str) -> Response {
        self.wait_until(path, &format!("stop showing {needle:?}"), |r| {
            r.status == 200 && !r.text().contains(needle)
        })
    }

    /// Polls until `path` answers with `status`.
    fn wait_for_status(&self, path: &str, status: u16) -> Response {
        self.wait_until(path, &format!("answer {status}"), |r| r.status == status)
    }

    /// Polls until a line of stdout satisfies `check`; returns it.
    fn wait_stdout(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        wait_for(
            CHANGE,
            what,
            || self.stdout_lines().into_iter().find(|l| check(l)),
            || self.logs(),
        )
    }

    /// Polls until stderr satisfies `check`.
    fn wait_stderr(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        wait_for(
            CHANGE,
            what,
            || {
                let text = self.stderr_text();
                check(&text).then_some(text)
            },
            || self.logs(),
        )
    }

    /// Opens the event stream; once this returns, the server sends it every later event.
    fn events(&self) -> Events {
        Events::connect(self.port)
            .unwrap_or_else(|e| panic!("cannot open the event stream: {e}\n{}", self.logs()))
    }
}

// ---------------------------------------------------------------------------------------
// A tiny HTTP/1.1 client
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct Response {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn html(&self) -> Html {
        Html::parse_document(&self.text())
    }

    fn summary(&self) -> String {
        let headers: Vec<String> = self.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        let text = self.text();
        let shown: String = text.chars().take(3000).collect();
        format!("status {}\n{}\n\n{shown}", self.status, headers.join("\n"))
    }
}

/// Sends one request with `path` exactly as given and reads the whole response.
fn request(port: u16, method: &str, path: &str) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.set_write_timeout(Some(Duration::from_secs(60)))?;
    let length = if method == "GET" || method == "HEAD" {
        ""
    } else {
        "Content-Length: 0\r\n"
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: dossier-tests\r\n{length}Connection: close\r\n\r\n"
    )?;
    stream.flush()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw, method == "HEAD")
}

/// Sends `head` (a request line and headers, each line ending in CRLF, without the
/// empty line that ends them) exactly as given, and reads the whole response.
fn raw_request(port: u16, head: &str) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.set_write_timeout(Some(Duration::from_secs(60)))?;
    write!(stream, "{head}Connection: close\r\n\r\n")?;
    stream.flush()?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_response(&raw, false)
}

fn bad(message: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, message)
}

fn parse_response(raw: &[u8], head: bool) -> std::io::Result<Response> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| bad(format!("no end of headers in {:?}", String::from_utf8_lossy(raw))))?;
    let head_text = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head_text.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad(format!("bad status line {status_line:?}")))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let rest = &raw[end + 4..];
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    let body = if chunked && !head {
        dechunk(rest)?
    } else {
        rest.to_vec()
    };
    Ok(Response {
        status,
        headers,
        body,
    })
}

fn dechunk(mut rest: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| bad("unterminated chunk size".into()))?;
        let size_text = String::from_utf8_lossy(&rest[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|e| bad(format!("bad chunk size {size_text:?}: {e}")))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        let chunk = rest.get(..size).ok_or_else(|| bad("truncated chunk".into()))?;
        body.extend_from_slice(chunk);
        rest = rest.get(size + 2..).unwrap_or(&[]);
    }
}

// ---------------------------------------------------------------------------------------
// A server-sent events client
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct SseEvent {
    name: String,
    data: String,
}

impl SseEvent {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.data)
            .unwrap_or_else(|e| panic!("event data is not JSON ({e}): {:?}", self.data))
    }

    fn is_built(&self) -> bool {
        self.name == "built"
    }

    fn is_failed(&self) -> bool {
        self.name == "failed"
    }

    /// The URL paths of a `built` event.
    fn paths(&self) -> Vec<String> {
        self.json()["paths"]
            .as_array()
            .unwrap_or_else(|| panic!("no paths in {:?}", self.data))
            .iter()
            .map(|p| p.as_str().expect("path is a string").to_owned())
            .collect()
    }

    fn lists(&self, path: &str) -> bool {
        self.is_built() && self.paths().iter().any(|p| p == path)
    }

    fn message(&self) -> String {
        self.json()["message"].as_str().unwrap_or_default().to_owned()
    }
}

/// An open `/__dossier/events` stream, read by a thread; closed when dropped.
struct Events {
    stream: TcpStream,
    received: Arc<Mutex<Vec<SseEvent>>>,
    ended: Arc<Mutex<Option<String>>>,
}

impl Drop for Events {
    fn drop(&mut self) {
        self.stream.shutdown(Shutdown::Both).ok();
    }
}

impl Events {
    fn connect(port: u16) -> std::io::Result<Events> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        write!(
            stream,
            "GET /__dossier/events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\nConnection: close\r\n\r\n"
        )?;
        stream.flush()?;
        // The head comes once the server has subscribed this stream to the news.
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        let mut reader = BufReader::new(stream.try_clone()?);
        let mut status_line = String::new();
        reader.read_line(&mut status_line)?;
        if !status_line.starts_with("HTTP/1.1 200") {
            return Err(bad(format!("event stream answered {status_line:?}")));
        }
        let mut chunked = false;
        let mut content_type = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Err(bad("event stream closed in its head".into()));
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                let value = value.trim();
                if name.eq_ignore_ascii_case("transfer-encoding") && value.eq_ignore_ascii_case("chunked") {
                    chunked = true;
                }
                if name.eq_ignore_ascii_case("content-type") {
                    content_type = value.to_owned();
                }
            }
        }
        if !content_type.starts_with("text/event-stream") {
            return Err(bad(format!("event stream has content type {content_type:?}")));
        }
        stream.set_read_timeout(None)?;
        let received: Arc<Mutex<Vec<SseEvent>>> = Arc::default();
        let ended: Arc<Mutex<Option<String>>> = Arc::default();
        let (r, e) = (received.clone(), ended.clone());
        std::thread::spawn(move || {
            let result = read_events(reader, chunked, &r);
            let why = match result {
                Ok(()) => "the stream ended".to_owned(),
                Err(err) => format!("the stream failed: {err}"),
            };
            *e.lock().unwrap_or_else(|p| p.into_inner()) = Some(why);
        });
        Ok(Events {
            stream,
            received,
            ended,
        })
    }

    fn all(&self) -> Vec<SseEvent> {
        self.received.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn len(&self) -> usize {
        self.received.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    /// Waits for an event at index `from` or later that satisfies `check`; returns its
    /// index and the event.
    fn wait(
        &self,
        server: &Server,
        from: usize,
        what: &str,
        check: impl Fn(&SseEvent) -> bool,
    ) -> (usize, SseEvent) {
        wait_for(
            CHANGE,
            what,
            || {
                self.all()
                    .into_iter()
                    .enumerate()
                    .skip(from)
                    .find(|(_, e)| check(e))
            },
            || {
                let ended = self.ended.lock().unwrap_or_else(|e| e.into_inner()).clone();
                format!(
                    "events received: {:#?}\nstream: {}\n{}",
                    self.all(),
                    ended.unwrap_or_else(|| "open".into()),
                    server.logs()
                )
            },
        )
    }
}

/// Reads the stream's body (chunked or not) and parses its events into `into`.
fn read_events(
    mut reader: BufReader<TcpStream>,
    chunked: bool,
    into: &Mutex<Vec<SseEvent>>,
) -> std::io::Result<()> {
    let mut parser = SseParser::default();
    loop {
        let bytes = if chunked {
            let mut size_line = String::new();
            if reader.read_line(&mut size_line)? == 0 {
                return Ok(());
            }
            let size_text = size_line.trim().split(';').next().unwrap_or("").to_owned();
            if size_text.is_empty() {
                continue;
            }
            let size = usize::from_str_radix(&size_text, 16)
                .map_err(|e| bad(format!("bad chunk size {size_text:?}: {e}")))?;
            if size == 0 {
                return Ok(());
            }
            let mut chunk = vec![0; size];
            reader.read_exact(&mut chunk)?;
            let mut crlf = [0; 2];
            reader.read_exact(&mut crlf)?;
            chunk
        } else {
            let mut buf = vec![0; 4096];
            let n = reader.read(&mut buf)?;
            if n == 0 {
                return Ok(());
            }
            buf.truncate(n);
            buf
        };
        for event in parser.feed(&bytes) {
            into.lock().unwrap_or_else(|e| e.into_inner()).push(event);
        }
    }
}

#[derive(Default)]
struct SseParser {
    pending: Vec<u8>,
    name: String,
    data: Vec<String>,
}

impl SseParser {
    fn feed(&mut self, bytes: &[u8]) -> Vec<SseEvent> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        while let Some(at) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=at).collect();
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\n', '\r']);
            if line.is_empty() {
                if !self.data.is_empty() || !self.name.is_empty() {
                    let name = std::mem::take(&mut self.name);
                    out.push(SseEvent {
                        name: if name.is_empty() { "message".into() } else { name },
                        data: std::mem::take(&mut self.data).join("\n"),
                    });
                }
            } else if line.starts_with(':') {
                // A comment: the keep-alive.
            } else {
                let (field, value) = line.split_once(':').unwrap_or((line, ""));
                let value = value.strip_prefix(' ').unwrap_or(value);
                match field {
                    "event" => self.name = value.to_owned(),
                    "data" => self.data.push(value.to_owned()),
                    _ => {}
                }
            }
        }
        out
    }
}

// ---------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------

/// (1) Pages, styles and feeds come back with their types; HTML gets the live-reload
/// script, which a cold `dossier build` never writes.
#[test]
fn serves_pages_styles_and_feeds_with_their_types_and_the_script() {
    let site = Site::new();
    let server = site.serve(&[]);
    assert_eq!(server.base_path(), "/", "{}", server.logs());

    for path in ["/", "/security/kursk/", "/security/", "/tags/deployment/"] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "GET {path}\n{}", r.summary());
        assert_eq!(r.content_type(), "text/html; charset=utf-8", "GET {path}");
        let text = r.text();
        assert_eq!(
            text.matches(SCRIPT_TAG).count(),
            1,
            "GET {path}: one script tag\n{text}"
        );
        assert!(
            text.contains(&format!("{SCRIPT_TAG}</body>")),
            "GET {path}: the script goes before </body>\n{text}"
        );
    }
    let home = server.get("/");
    assert!(home.text().contains("Serve Dossier"), "{}", home.summary());
    let kursk_page = server.get("/security/kursk/");
    assert!(
        kursk_page.text().contains("Original kursk text"),
        "{}",
        kursk_page.summary()
    );
    assert_eq!(
        harness::text(&kursk_page.html(), "article h1"),
        "Troops at Kursk",
        "{}",
        kursk_page.summary()
    );

    for path in ["/style.css", "/site.css"] {
        let r = server.get(path);
        assert_eq!(r.status, 200, "GET {path}\n{}", r.summary());
        assert!(
            r.content_type().starts_with("text/css"),
            "GET {path}: {}",
            r.content_type()
        );
        assert!(!r.text().contains("__dossier"), "GET {path}: no script in CSS");
    }
    assert!(
        server
            .get("/site.css")
            .text()
            .contains(".analysis { color: black; }")
    );

    let feed = server.get("/tags/deployment/atom.xml");
    assert_eq!(feed.status, 200, "{}", feed.summary());
    let ct = feed.content_type();
    assert!(
        ["application/xml", "text/xml", "application/atom+xml"]
            .iter()
            .any(|t| ct.starts_with(t)),
        "feed content type {ct:?}"
    );
    assert!(feed.text().contains("<feed"), "{}", feed.summary());
    assert!(feed.text().contains("Troops at Kursk"), "{}", feed.summary());
    assert!(!feed.text().contains("__dossier"), "no script in the feed");

    let script = server.get("/__dossier/livereload.js");
    assert_eq!(script.status, 200, "{}", script.summary());
    assert!(
        script.content_type().contains("javascript"),
        "{}",
        script.content_type()
    );
    assert!(
        script.text().contains("/__dossier/events"),
        "{}",
        script.summary()
    );

    // The live-reload script asks for changed stylesheets with a query string.
    let swapped = server.get("/site.css?dossier-reload=1732000000000");
    assert_eq!(swapped.status, 200, "{}", swapped.summary());
    assert!(swapped.content_type().starts_with("text/css"));
    assert!(swapped.text().contains(".analysis"));
    let queried = server.get("/security/kursk/?from=feed#top");
    assert_eq!(queried.status, 200, "{}", queried.summary());
    assert!(queried.text().contains("Original kursk text"));

    // A section without its slash goes to it, as on static hosts.
    let bare = server.get("/security");
    assert_eq!(bare.status, 301, "{}", bare.summary());
    assert_eq!(bare.header("location"), Some("/security/"));

    // serve keeps the site in memory: it has not written the output folder.
    assert!(!site.path("public").exists(), "serve wrote public/");

    // A cold build of the same site writes no live-reload script.
    let out = harness::Output::of({
        let mut cmd = Command::new(BIN);
        cmd.arg("--root")
            .arg(&site.root)
            .arg("build")
            .current_dir(&site.root);
        cmd
    });
    out.assert_success();
    let out_dir = site.path("public");
    for url in ["/", "/security/kursk/", "/security/", "/404.html"] {
        let built = harness::read_output(&out_dir, url);
        assert!(
            !built.contains("__dossier"),
            "the build of {url} has the serve script:\n{built}"
        );
        assert!(
            !built.contains("livereload"),
            "the build of {url} has the serve script:\n{built}"
        );
    }
    assert!(harness::read_output(&out_dir, "/security/kursk/").contains("Original kursk text"));
}

/// (2) Editing a page's body shows over HTTP, and the event stream names the page (and
/// not unrelated pages).
#[test]
fn editing_a_page_shows_and_tells_browsers_which_paths_changed() {
    let site = Site::new();
    let server = site.serve(&[]);
    let events = server.events();

    // A plain in-place write, as many editors save.
    site.write("content/security/kursk.md", &kursk("Edited kursk text."));
    server.wait_for_text("/security/kursk/", "Edited kursk text.");
    let (_, built) = events.wait(&server, 0, "a built event listing /security/kursk/", |e| {
        e.lists("/security/kursk/")
    });
    let json = built.json();
    assert_eq!(json["all"], serde_json::Value::Bool(false), "{json}");
    assert!(json["navigate"].is_null(), "navigate is off by default: {json}");
    server.wait_stdout("a line naming the changed file", |l| {
        l.starts_with("content/security/kursk.md changed:") && l.contains("rendered")
    });

    // Unrelated pages were not listed (nor changed).
    for event in events.all().iter().filter(|e| e.is_built()) {
        for unrelated in ["/security/alliance/", "/economy/sanctions/", "/economy/"] {
            assert!(
                !event.paths().iter().any(|p| p == unrelated),
                "an edit to kursk.md listed {unrelated}: {event:?}"
            );
        }
    }
    let alliance_page = server.get("/security/alliance/");
    assert_eq!(alliance_page.status, 200);
    assert!(alliance_page.text().contains("Original alliance text"));

    // A second edit, to the other page, lists that one and not the first.
    let from = events.len();
    site.write("content/security/alliance.md", &alliance("Edited alliance text."));
    server.wait_for_text("/security/alliance/", "Edited alliance text.");
    events.wait(&server, from, "a built event listing /security/alliance/", |e| {
        e.lists("/security/alliance/")
    });
    for event in events.all().iter().skip(from).filter(|e| e.is_built()) {
        assert!(
            !event
                .paths()
                .iter()
                .any(|p| p == "/security/kursk/" || p == "/economy/sanctions/"),
            "an edit to alliance.md listed an unrelated page: {event:?}"
        );
    }
    assert!(
        server
            .get("/security/kursk/")
            .text()
            .contains("Edited kursk text.")
    );
    assert!(server.stderr_text().is_empty(), "{}", server.logs());
}

/// Zola's `minify_html` while serving: pages are minified as a build makes them (so
/// minified pages still have the script, which goes at the end when `</body>` was left
/// out), also after an edit.
#[test]
fn minified_pages_are_served_with_the_live_reload_script() {
    let site = Site::new();
    site.write(
        "config.toml",
        &format!("minify_html = true\n{}", site.read("config.toml")),
    );
    let server = site.serve(&[]);
    let check = |text: &str| {
        assert!(text.starts_with("<!doctype html><html"), "not minified:\n{text}");
        assert_eq!(text.matches(SCRIPT_TAG).count(), 1, "{text}");
        let html = Html::parse_document(text);
        let in_body = scraper::Selector::parse("body > script[src=\"/__dossier/livereload.js\"]").unwrap();
        assert_eq!(
            html.select(&in_body).count(),
            1,
            "the script is not in the body:\n{text}"
        );
    };
    check(&server.get("/security/kursk/").text());
    site.write("content/security/kursk.md", &kursk("Edited kursk text."));
    check(
        &server
            .wait_for_text("/security/kursk/", "Edited kursk text.")
            .text(),
    );
    assert!(server.stderr_text().is_empty(), "{}", server.logs());
}

/// (3a) A new page appears on its own URL and in its section; deleting it makes it 404;
/// renaming a page's file moves its URL.
#[test]
fn pages_can_be_added_deleted_and_renamed() {
    let site = Site::new();
    let server = site.serve(&[]);
    assert_eq!(server.get("/security/new-brief/").status, 404);

    site.write(
        "content/security/new-brief.md",
        "+++\ntitle = \"Brand New Brief\"\ndate = 2024-12-02\n+++\n\nNew brief text.\n",
    );
    server.wait_for_text("/security/new-brief/", "New brief text.");
    let section = server.wait_for_text("/security/", "Brand New Brief");
    let links = harness::attrs(&section.html(), "main a[href]", "href");
    assert!(
        links.iter().any(|h| h.ends_with("/security/new-brief/")),
        "the section links to the new page: {links:?}"
    );

    site.remove("content/security/new-brief.md");
    let gone = server.wait_for_status("/security/new-brief/", 404);
    assert!(gone.text().contains("Page not found"), "{}", gone.summary());
    server.wait_without_text("/security/", "Brand New Brief");

    site.rename("content/security/kursk.md", "content/security/kursk-moved.md");
    server.wait_for_text("/security/kursk-moved/", "Original kursk text");
    server.wait_for_status("/security/kursk/", 404);
    // The renamed page is shown first; its section follows once the model is built.
    let section = server.wait_for_text("/security/", "/security/kursk-moved/");
    let links = harness::attrs(&section.html(), "main a[href]", "href");
    assert!(
        links.iter().any(|h| h.ends_with("/security/kursk-moved/")),
        "{links:?}"
    );
    assert!(
        !links.iter().any(|h| h.ends_with("/security/kursk/")),
        "{links:?}"
    );
    assert!(!server.stderr_text().contains("error"), "{}", server.logs());
}

/// (3b) A whole section folder can appear (with its pages) and disappear.
#[test]
fn a_section_folder_can_be_added_and_removed() {
    let site = Site::new();
    let server = site.serve(&[]);
    assert_eq!(server.get("/briefs/").status, 404);

    // A folder made and filled by hand.
    site.write(
        "content/briefs/_index.md",
        "+++\ntitle = \"Briefs\"\n+++\n\nBriefs section text.\n",
    );
    site.write(
        "content/briefs/morning.md",
        "+++\ntitle = \"Morning Brief\"\ndate = 2024-12-03\n+++\n\nMorning text.\n",
    );
    server.wait_for_text("/briefs/", "Morning Brief");
    server.wait_for_text("/briefs/morning/", "Morning text.");
    server.wait_for_text("/", "href=\"/briefs/\"");
    // A page added later to the new folder is watched too.
    site.write(
        "content/briefs/evening.md",
        "+++\ntitle = \"Evening Brief\"\ndate = 2024-12-04\n+++\n\nEvening text.\n",
    );
    server.wait_for_text("/briefs/evening/", "Evening text.");
    server.wait_for_text("/briefs/", "Evening Brief");

    std::fs::remove_dir_all(site.path("content/briefs")).expect("remove folder");
    server.wait_for_status("/briefs/evening/", 404);
    server.wait_for_status("/briefs/morning/", 404);
    server.wait_for_status("/briefs/", 404);
    server.wait_without_text("/", "href=\"/briefs/\"");
    assert!(
        server
            .get("/security/kursk/")
            .text()
            .contains("Original kursk text")
    );
    assert!(!server.stderr_text().contains("error"), "{}", server.logs());
}

/// (3c) A section folder moved into content/ whole (`mv`, a file manager, unpacking
/// elsewhere and moving in) appears; moved out again, it disappears.
#[test]
fn a_section_folder_moved_in_and_out_appears_and_disappears() {
    let site = Site::new();
    let server = site.serve(&[]);
    assert_eq!(server.get("/defence/").status, 404);

    let staging = site.outer().join("defence");
    std::fs::create_dir_all(&staging).expect("create folder");
    std::fs::write(
        staging.join("_index.md"),
        "+++\ntitle = \"Defence\"\nsort_by = \"title\"\n+++\n\nDefence section text.\n",
    )
    .expect("write");
    std::fs::write(
        staging.join("drones.md"),
        "+++\ntitle = \"Drone Warfare\"\ndate = 2024-11-30\n+++\n\nDrone text.\n",
    )
    .expect("write");
    let folder = site.path("content/defence");
    std::fs::rename(&staging, &folder).expect("move the folder in");
    server.wait_for_text("/defence/", "Drone Warfare");
    server.wait_for_text("/defence/drones/", "Drone text.");
    // Files in the moved-in folder are watched from then on.
    site.write(
        "content/defence/drones.md",
        "+++\ntitle = \"Drone Warfare\"\ndate = 2024-11-30\n+++\n\nEdited drone text.\n",
    );
    server.wait_for_text("/defence/drones/", "Edited drone text.");

    std::fs::rename(&folder, &staging).expect("move the folder out");
    server.wait_for_status("/defence/drones/", 404);
    server.wait_for_status("/defence/", 404);
    assert!(!server.stderr_text().contains("error"), "{}", server.logs());
}

/// (4) config.toml, a template override and a static file are watched; a CSS-only edit
/// tells browsers about the stylesheet alone.
#[test]
fn config_templates_and_static_files_are_watched() {
    let site = Site::new();
    let server = site.serve(&[]);
    let events = server.events();

    site.edit(
        "config.toml",
        "title = \"Serve Dossier\"",
        "title = \"Renamed Dossier\"",
    );
    server.wait_for_text("/", "<title>Renamed Dossier</title>");
    server.wait_for_text("/security/kursk/", "Renamed Dossier");
    let (i, _) = events.wait(&server, 0, "a built event for the config", |e| e.lists("/"));

    site.edit(
        "templates/page.html",
        "template-marker-one",
        "template-marker-two",
    );
    server.wait_for_text("/security/kursk/", "template-marker-two");
    server.wait_for_text("/security/alliance/", "template-marker-two");
    let (i, _) = events.wait(&server, i + 1, "a built event for the template", |e| {
        e.lists("/security/kursk/")
    });
    // The pages shown first, then the rest: the save's last event says none follows.
    let (i, _) = events.wait(&server, i, "the template's last built event", |e| {
        e.is_built() && e.json()["more"] == serde_json::Value::Bool(false)
    });
    server.wait_stdout("a line for the template", |l| {
        l.starts_with("templates/page.html changed:")
    });

    let from = i + 1;
    site.write(
        "static/site.css",
        "/* site styles */\n.analysis { color: navy; }\n",
    );
    let css = server.wait_for_text("/site.css", "color: navy");
    assert!(css.content_type().starts_with("text/css"));
    events.wait(&server, from, "a built event listing /site.css", |e| {
        e.lists("/site.css")
    });
    server.wait_stdout("a line for the stylesheet", |l| {
        l.starts_with("static/site.css changed:")
    });
    for event in events.all().iter().skip(from) {
        assert!(event.is_built(), "{event:?}");
        assert_eq!(
            event.paths(),
            ["/site.css"],
            "a CSS edit lists only the stylesheet: {event:?}"
        );
    }
    assert!(server.stderr_text().is_empty(), "{}", server.logs());
}

/// A template edit changes every page made with it: the page a browser asked for last is
/// rendered and announced first, the others in a second event for the same save.
#[test]
fn after_a_template_edit_the_page_a_browser_shows_is_announced_first() {
    let site = Site::new();
    let server = site.serve(&[]);
    let events = server.events();
    assert_eq!(server.get("/security/alliance/").status, 200);

    let from = events.len();
    site.edit(
        "templates/page.html",
        "template-marker-one",
        "template-marker-two",
    );
    let (i, first) = events.wait(&server, from, "a built event for the template", |e| e.is_built());
    assert_eq!(first.paths(), ["/security/alliance/"], "{first:?}");
    assert_eq!(first.json()["more"], serde_json::Value::Bool(true), "{first:?}");
    events.wait(&server, i + 1, "a built event for the other pages", |e| {
        e.lists("/security/kursk/")
    });
    server.wait_for_text("/security/kursk/", "template-marker-two");
    assert!(server.stderr_text().is_empty(), "{}", server.logs());
}

/// (4b) A site that had no templates/ or static/ folder when serve started: folders made
/// while it runs are watched like the others.
#[test]
fn templates_and_static_folders_made_while_serving_are_watched() {
    let site = Site::new();
    std::fs::remove_dir_all(site.path("templates")).expect("remove templates/");
    std::fs::remove_dir_all(site.path("static")).expect("remove static/");
    let server = site.serve(&[]);
    assert_eq!(server.get("/site.css").status, 404);
    let page_html =
        std::fs::read_to_string(harness::repo_root().join("tests/fixtures/serve/templates/page.html"))
            .expect("read the fixture's template");

    site.write("templates/page.html", &page_html);
    server.wait_for_text("/security/kursk/", "template-marker-one");
    // The second save of the new override shows too.
    site.replace(
        "templates/page.html",
        &page_html.replace("template-marker-one", "template-marker-two"),
    );
    server.wait_for_text("/security/kursk/", "template-marker-two");

    site.write("static/site.css", ".analysis { color: olive; }\n");
    server.wait_for_text("/site.css", "color: olive");
    site.write("static/site.css", ".analysis { color: maroon; }\n");
    server.wait_for_text("/site.css", "color: maroon");
    assert!(!server.stderr_text().contains("error"), "{}", server.logs());
}

/// (4c) Regression: a source folder deleted and made again (a `git stash`, a branch
/// switch) was read once when it came back, and never watched again: the watch list kept
/// the folder's path, so the second edit after it came back never showed.
#[test]
fn serve_sees_edits_after_templates_folder_is_deleted_and_recreated() {
    let site = Site::new();
    let server = site.serve(&[]);
    server.wait_for_text("/security/kursk/", "template-marker-one");
    let page_html = site.read("templates/page.html");

    std::fs::remove_dir_all(site.path("templates")).expect("remove templates/");
    server.wait_without_text("/security/kursk/", "template-marker-one");

    // Back, with a subfolder made at the same time.
    let with_stamp = page_html.replace(
        "{{ page.content }}",
        "{% include \"partials/stamp.html\" %}\n{{ page.content }}",
    );
    assert_ne!(
        with_stamp, page_html,
        "the fixture's page.html shows page.content"
    );
    site.write("templates/partials/stamp.html", "<p>stamp-one</p>\n");
    site.write("templates/page.html", &with_stamp);
    server.wait_for_text("/security/kursk/", "stamp-one");
    // Edits after it came back: the partial twice (renamed over, then in place), then the
    // page template.
    site.replace("templates/partials/stamp.html", "<p>stamp-two</p>\n");
    server.wait_for_text("/security/kursk/", "stamp-two");
    site.write("templates/partials/stamp.html", "<p>stamp-three</p>\n");
    server.wait_for_text("/security/kursk/", "stamp-three");
    site.replace(
        "templates/page.html",
        &with_stamp.replace("template-marker-one", "template-marker-two"),
    );
    server.wait_for_text("/security/kursk/", "template-marker-two");
    assert!(!server.stderr_text().contains("error"), "{}", server.logs());
}

/// (4d) Regression: `content/` moved away and back (`mv content /tmp/x; mv /tmp/x content`)
/// showed once and then went stale.
#[test]
fn serve_sees_edits_after_content_folder_moved_away_and_back() {
    let site = Site::new();
    let server = site.serve(&[]);
    server.wait_for_text("/security/kursk/", "Original kursk text");

    let away = site.outer().join("content-away");
    std::fs::rename(site.path("content"), &away).expect("move content/ away");
    server.wait_for_status("/security/kursk/", 404);
    // Edits made while it is away count once it is back (and not before).
    std::fs::write(away.join("security/kursk.md"), kursk("Edited while away.")).expect("write");
    std::fs::rename(&away, site.path("content")).expect("move content/ back");
    server.wait_for_text("/security/kursk/", "Edited while away.");

    site.replace("content/security/kursk.md", &kursk("First edit after the move."));
    server.wait_for_text("/security/kursk/", "First edit after the move.");
    site.write("content/security/kursk.md", &kursk("Second edit after the move."));
    server.wait_for_text("/security/kursk/", "Second edit after the move.");
    // A page added after the move, in a section folder that came back with it.
    site.write(
        "content/security/late.md",
        "+++\ntitle = \"Late Brief\"\ndate = 2024-12-05\n+++\n\nLate text.\n",
    );
    server.wait_for_text("/security/late/", "Late text.");
    assert!(!server.stderr_text().contains("error"), "{}", server.logs());
}

/// (4e) Regression: `static/` moved away and back went stale after the first save.
#[test]
fn serve_sees_edits_after_static_folder_moved_away_and_back() {
    let site = Site::new();
    let server = site.serve(&[]);
    server.wait_for_text("/site.css", ".analysis { color: black; }");

    let away = site.outer().join("static-away");
    std::fs::rename(site.path("static"), &away).expect("move static/ away");
    server.wait_for_status("/site.css", 404);
    std::fs::rename(&away, site.path("static")).expect("move static/ back");
    server.wait_for_text("/site.css", ".analysis { color: black; }");

    site.replace("static/site.css", ".analysis { color: olive; }\n");
    server.wait_for_text("/site.css", "color: olive");
    site.write("static/site.css", ".analysis { color: maroon; }\n");
    server.wait_for_text("/site.css", "color: maroon");
    site.write("static/fonts/added.css", ".added { color: teal; }\n");
    server.wait_for_text("/fonts/added.css", "color: teal");
    assert!(!server.stderr_text().contains("error"), "{}", server.logs());
}

/// (4f) Regression: `static/` deleted and made again went stale after the first save.
#[test]
fn serve_sees_edits_after_static_folder_is_deleted_and_recreated() {
    let site = Site::new();
    let server = site.serve(&[]);
    server.wait_for_text("/site.css", ".analysis { color: black; }");

    std::fs::remove_dir_all(site.path("static")).expect("remove static/");
    server.wait_for_status("/site.css", 404);
    site.write("static/site.css", ".analysis { color: olive; }\n");
    server.wait_for_text("/site.css", "color: olive");

    site.replace("static/site.css", ".analysis { color: maroon; }\n");
    server.wait_for_text("/site.css", "color: maroon");
    site.write("static/site.css", ".analysis { color: navy; }\n");
    server.wait_for_text("/site.css", "color: navy");
    assert!(!server.stderr_text().contains("error"), "{}", server.logs());
}

/// (5) Editors' ways of saving all end with the new text; their temporary and backup
/// files cause no rebuild of their own and no errors.
#[test]
fn editor_save_patterns_work_and_their_noise_is_ignored() {
    let site = Site::new();
    let server = site.serve(&[]);
    let start = server.stdout_lines().len();

    // Noise: a swap file, a backup, vim's write probe, an Emacs autosave.
    site.write("content/security/.kursk.md.swp", "b0VIM 9.0 swap");
    std::fs::copy(
        site.path("content/security/kursk.md"),
        site.path("content/security/kursk.md~"),
    )
    .expect("copy");
    site.write("content/security/4913", "");
    site.remove("content/security/4913");
    site.write("content/security/#kursk.md#", "autosave");
    site.write("content/security/.kursk.md.swp", "b0VIM 9.0 swap, again");
    // Give the watcher a moment with only noise, then make one real change as a marker.
    std::thread::sleep(Duration::from_millis(600));
    site.edit(
        "content/security/alliance.md",
        "Original alliance text.",
        "Marker alliance text.",
    );
    server.wait_for_text("/security/alliance/", "Marker alliance text.");
    server.wait_stdout("the marker's line", |l| {
        l.starts_with("content/security/alliance.md changed:")
    });
    let lines = server.stdout_lines();
    for line in &lines[start..] {
        assert!(
            line.starts_with("content/security/alliance.md changed:"),
            "editor noise caused a rebuild line: {line:?}\n{}",
            server.logs()
        );
    }
    assert!(
        server.stderr_text().is_empty(),
        "noise caused errors\n{}",
        server.logs()
    );
    let kursk_page = server.get("/security/kursk/");
    assert_eq!(kursk_page.status, 200);
    assert!(kursk_page.text().contains("Original kursk text"));

    // Write a temporary file, rename it over the page.
    site.replace("content/security/kursk.md", &kursk("Saved by rename."));
    server.wait_for_text("/security/kursk/", "Saved by rename.");

    // The same with a hidden temporary file (gedit, GIO).
    let tmp = site.path("content/security/.goutputstream-X1Y2Z3");
    std::fs::write(&tmp, kursk("Saved by hidden rename.")).expect("write");
    std::fs::rename(&tmp, site.path("content/security/kursk.md")).expect("rename");
    server.wait_for_text("/security/kursk/", "Saved by hidden rename.");

    // Delete, then create again.
    site.remove("content/security/kursk.md");
    site.write("content/security/kursk.md", &kursk("Recreated after delete."));
    server.wait_for_text("/security/kursk/", "Recreated after delete.");

    // vim without backupcopy: probe file, move the old file to a backup, write the new
    // one, delete the backup.
    site.write("content/security/4913", "");
    site.remove("content/security/4913");
    site.rename("content/security/kursk.md", "content/security/kursk.md~");
    site.write("content/security/kursk.md", &kursk("Saved the vim way."));
    site.remove("content/security/kursk.md~");
    server.wait_for_text("/security/kursk/", "Saved the vim way.");

    assert!(
        server.stderr_text().is_empty(),
        "saving caused errors\n{}",
        server.logs()
    );
    for line in &server.stdout_lines()[start..] {
        assert!(
            !line.contains(".swp") && !line.contains("~ ") && !line.contains("4913") && !line.contains('#'),
            "noise named in a rebuild line: {line:?}\n{}",
            server.logs()
        );
    }
    // The other page was left alone by all this.
    assert!(
        server
            .get("/security/alliance/")
            .text()
            .contains("Marker alliance text.")
    );
}

/// (6) A broken file: the error goes to stderr once (with the file), the last good site is
/// still served, browsers are told (also ones that connect later), and a fix recovers.
#[test]
fn a_broken_file_keeps_the_last_good_site_and_reports_the_error() {
    let site = Site::new();
    let server = site.serve(&[]);
    let events = server.events();
    let broken = "+++\ntitle = \"Troops at Kursk\"\n\nBroken kursk text without a closing line.\n";

    site.replace("content/security/kursk.md", broken);
    let (i, failed) = events.wait(&server, 0, "a failed event", SseEvent::is_failed);
    let message = failed.message();
    assert!(
        message.contains("kursk.md"),
        "the message names the file: {message}"
    );
    assert!(message.contains("never closed"), "{message}");
    let stderr = server.wait_stderr("the error on stderr", |t| t.contains("content/security/kursk.md"));
    assert!(stderr.contains("never closed"), "{stderr}");

    // The last good page is still served.
    let kursk_page = server.get("/security/kursk/");
    assert_eq!(kursk_page.status, 200, "{}", kursk_page.summary());
    assert!(
        kursk_page.text().contains("Original kursk text"),
        "{}",
        kursk_page.summary()
    );
    assert!(!kursk_page.text().contains("Broken kursk text"));
    assert_eq!(server.get("/").status, 200);

    // A browser connecting now hears about the failure at once.
    let late = server.events();
    let (first, _) = late.wait(&server, 0, "the current failure", |_| true);
    assert_eq!(first, 0);
    assert!(late.all()[0].is_failed(), "{:?}", late.all());
    assert!(late.all()[0].message().contains("kursk.md"), "{:?}", late.all());

    // Saving the same broken text again tells browsers again, but prints nothing new.
    site.replace("content/security/kursk.md", broken);
    events.wait(&server, i + 1, "a second failed event", SseEvent::is_failed);
    std::thread::sleep(Duration::from_millis(300));
    let stderr = server.stderr_text();
    assert_eq!(
        stderr.matches("never closed").count(),
        1,
        "the same error is printed once\n{}",
        server.logs()
    );
    assert!(!stderr.contains("panicked"), "{}", server.logs());

    // The fix.
    let from = events.len();
    site.replace("content/security/kursk.md", &kursk("Fixed kursk text."));
    events.wait(&server, from, "a built event after the fix", |e| {
        e.lists("/security/kursk/")
    });
    server.wait_for_text("/security/kursk/", "Fixed kursk text.");
    late.wait(
        &server,
        1,
        "a built event for the late browser",
        SseEvent::is_built,
    );
    server.wait_stdout("the fix is reported", |l| {
        l.starts_with("Fixed: the site builds again.")
    });

    // A browser connecting after the fix hears no old failure.
    let fresh = server.events();
    site.edit(
        "content/security/alliance.md",
        "Original alliance text.",
        "Later alliance text.",
    );
    fresh.wait(&server, 0, "a built event", |e| e.lists("/security/alliance/"));
    assert!(
        fresh.all().iter().all(SseEvent::is_built),
        "a browser connecting after the fix got {:?}",
        fresh.all()
    );
    assert_eq!(
        server.stderr_text().matches("never closed").count(),
        1,
        "{}",
        server.logs()
    );
}

/// (7) Only GET and HEAD; nothing outside the in-memory output, however the path is
/// spelled; the theme's 404 page at any depth.
#[test]
fn only_get_and_head_and_nothing_outside_the_output() {
    let site = Site::new();
    // Things in the on-disk output folder, which serve must never read.
    std::fs::create_dir_all(site.path("public")).expect("create public");
    std::fs::write(site.path("public/ondisk.html"), format!("<p>{SECRET}</p>")).expect("write");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(site.outer().join("secret.txt"), site.path("public/leak.txt"))
            .expect("symlink");
        std::os::unix::fs::symlink(site.outer(), site.path("public/leakdir")).expect("symlink");
    }
    let server = site.serve(&[]);

    for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
        for path in ["/", "/security/kursk/", "/style.css", "/no/such/"] {
            let r = server.request(method, path);
            assert_eq!(r.status, 405, "{method} {path}\n{}", r.summary());
            let allow = r.header("allow").unwrap_or("");
            assert!(
                allow.contains("GET") && allow.contains("HEAD"),
                "{method} {path}: Allow {allow:?}"
            );
        }
    }
    let r = server.request("POST", "/__dossier/events");
    assert_eq!(r.status, 405, "POST /__dossier/events\n{}", r.summary());

    // HEAD: GET's headers, no body.
    let get = server.get("/security/kursk/");
    let head = server.request("HEAD", "/security/kursk/");
    assert_eq!(head.status, 200, "{}", head.summary());
    assert_eq!(head.content_type(), "text/html; charset=utf-8");
    assert!(head.body.is_empty(), "HEAD sent a body: {}", head.summary());
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str()),
        "HEAD's length is GET's\n{}",
        head.summary()
    );
    let head = server.request("HEAD", "/style.css");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    let head = server.request("HEAD", "/no/such/page/");
    assert_eq!(head.status, 404);
    assert!(head.body.is_empty());

    // However a path is spelled, it does not leave the output.
    let outside = [
        "/../secret.txt",
        "/../../secret.txt",
        "/../../../secret.txt",
        "/../config.toml",
        "/../site/config.toml",
        "/../Cargo.toml",
        "/security/../../secret.txt",
        "/security/../../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/%2E%2E%2F%2E%2E%2Fsecret.txt",
        "/%2e%2e%2fconfig.toml",
        "/.%2e/.%2e/secret.txt",
        "/a/..%2f..%2fsecret.txt",
        "/a/..%2f..%2f..%2fsecret.txt",
        "/a/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%252f..%252fsecret.txt",
        "/%5c..%5c..%5csecret.txt",
        "/a%5c..%5c..%5csecret.txt",
        "/..%5csecret.txt",
        "/..\\secret.txt",
        "/..\\..\\secret.txt",
        "/a\\..\\..\\secret.txt",
        "/secret.txt",
        "/config.toml",
        "/content/security/kursk.md",
        "//etc/passwd",
        "/ondisk.html",
        "/leak.txt",
        "/leakdir/secret.txt",
        "/leakdir/site/config.toml",
        "/public/ondisk.html",
        "/./style.css/../../secret.txt",
        "/%00secret.txt",
        "/%ff%fe",
    ];
    for path in outside {
        let r = server.get(path);
        let text = r.text();
        assert!(
            !text.contains(SECRET),
            "GET {path} leaked the secret\n{}",
            r.summary()
        );
        assert!(
            !text.contains("base_url"),
            "GET {path} leaked config.toml\n{}",
            r.summary()
        );
        assert!(
            !text.contains("root:x:0:0"),
            "GET {path} leaked /etc/passwd\n{}",
            r.summary()
        );
        assert_eq!(r.status, 404, "GET {path}\n{}", r.summary());
        assert!(
            text.contains("Page not found"),
            "GET {path}: the theme's 404 page\n{}",
            r.summary()
        );
    }

    // The theme's 404 page, with the site's layout and the script, at any depth.
    for path in [
        "/no/such/deep/path/",
        "/nothing",
        "/security/nothing/",
        "/missing.css",
        "/a/b/c/d/e/f.html",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "GET {path}\n{}", r.summary());
        assert_eq!(r.content_type(), "text/html; charset=utf-8", "GET {path}");
        let html = r.html();
        assert_eq!(harness::text(&html, "main h1"), "Page not found", "GET {path}");
        assert_eq!(
            harness::text(&html, "header.site-header .site-title"),
            "Serve Dossier"
        );
        assert!(harness::count(&html, "footer.site-footer") == 1, "GET {path}");
        assert!(
            r.text().contains(SCRIPT_TAG),
            "GET {path}: the 404 page gets the script"
        );
        assert!(
            harness::attrs(&html, "link[rel=stylesheet]", "href").contains(&"/style.css".to_owned()),
            "GET {path}: the stylesheet link works at any depth"
        );
    }
    // The site itself is still served, and public/ was left as it was.
    assert_eq!(server.get("/security/kursk/").status, 200);
    assert!(!site.path("public/index.html").exists(), "serve wrote public/");
}

/// (8a) A site whose base_url has a path is served under it, with redirects to it.
#[test]
fn a_base_url_path_is_served_with_redirects_to_it() {
    let site = Site::new();
    site.edit(
        "config.toml",
        "base_url = \"https://example.org/\"",
        "base_url = \"https://example.org/repo/\"",
    );
    let server = site.serve(&["--navigate-to-changed"]);
    assert_eq!(server.base_path(), "/repo/", "{}", server.logs());
    assert!(
        server.url.ends_with(&format!(":{}/repo/", server.port)),
        "{}",
        server.url
    );

    let home = server.get("/repo/");
    assert_eq!(home.status, 200, "{}", home.summary());
    assert!(home.text().contains(SCRIPT_TAG));
    let kursk_page = server.get("/repo/security/kursk/");
    assert_eq!(kursk_page.status, 200, "{}", kursk_page.summary());
    assert!(kursk_page.text().contains("Original kursk text"));
    let css = server.get("/repo/style.css");
    assert_eq!(css.status, 200);
    assert!(css.content_type().starts_with("text/css"));

    for path in ["/", "/repo"] {
        let r = server.get(path);
        assert_eq!(r.status, 301, "GET {path}\n{}", r.summary());
        assert_eq!(r.header("location"), Some("/repo/"), "GET {path}");
    }
    for path in [
        "/security/kursk/",
        "/style.css",
        "/other/",
        "/repository/",
        "/repo/../secret.txt",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "GET {path}\n{}", r.summary());
        assert!(r.text().contains("Page not found"), "GET {path}");
        assert!(!r.text().contains(SECRET));
    }

    // Every link to the site in the home page starts with the base path.
    let html = home.html();
    let mut local: Vec<String> = harness::attrs(&html, "[href]", "href");
    local.extend(
        harness::attrs(&html, "[src]", "src")
            .into_iter()
            .filter(|s| !s.starts_with("/__dossier/")),
    );
    let local: Vec<String> = local.into_iter().filter(|l| l.starts_with('/')).collect();
    assert!(local.len() > 3, "the home page has links: {local:?}");
    for link in &local {
        assert!(
            link.starts_with("/repo/"),
            "link {link:?} is outside /repo/\n{}",
            home.text()
        );
    }
    let security = harness::attrs(&server.get("/repo/security/").html(), "main a[href]", "href");
    assert!(
        security.contains(&"/repo/security/kursk/".to_owned()),
        "{security:?}"
    );
    let missing = server.get("/repo/no/such/deep/path/");
    assert_eq!(missing.status, 404);
    assert!(
        harness::attrs(&missing.html(), "a.site-title", "href") == ["/repo/"],
        "{}",
        missing.summary()
    );

    // The event stream speaks in served paths.
    let events = server.events();
    site.write("content/security/kursk.md", &kursk("Edited under repo."));
    server.wait_for_text("/repo/security/kursk/", "Edited under repo.");
    let (_, event) = events.wait(&server, 0, "a built event listing /repo/security/kursk/", |e| {
        e.lists("/repo/security/kursk/")
    });
    for path in event.paths() {
        assert!(
            path.starts_with("/repo/"),
            "event path {path:?} outside /repo/: {event:?}"
        );
    }
    // Browsers compare `navigate` with location.pathname, which has the base path.
    assert_eq!(
        event.json()["navigate"].as_str(),
        Some("/repo/security/kursk/"),
        "{event:?}"
    );
    assert_eq!(server.get("/__dossier/livereload.js").status, 200);
}

/// (8b) `--base-url` chooses the served path over config.toml's.
#[test]
fn the_base_url_flag_overrides_the_served_path() {
    let site = Site::new();
    let server = site.serve(&["--base-url", "http://example.org/sub/"]);
    assert_eq!(server.base_path(), "/sub/", "{}", server.logs());
    let home = server.get("/sub/");
    assert_eq!(home.status, 200, "{}", home.summary());
    assert!(
        server
            .get("/sub/security/kursk/")
            .text()
            .contains("Original kursk text")
    );
    for path in ["/", "/sub"] {
        let r = server.get(path);
        assert_eq!(r.status, 301, "GET {path}");
        assert_eq!(r.header("location"), Some("/sub/"), "GET {path}");
    }
    assert_eq!(server.get("/security/kursk/").status, 404);
    let links: Vec<String> = harness::attrs(&home.html(), "[href]", "href")
        .into_iter()
        .filter(|l| l.starts_with('/'))
        .collect();
    assert!(!links.is_empty());
    for link in &links {
        assert!(link.starts_with("/sub/"), "link {link:?} is outside /sub/");
    }
}

/// (9) A busy port: serve takes the next free one and says so.
#[test]
fn a_busy_port_is_skipped_with_a_note() {
    let site = Site::new();
    let taken = TcpListener::bind(("127.0.0.1", 0)).expect("bind a port");
    let port = taken.local_addr().expect("address").port();
    let server = Server::start(&site.root, &["--port", &port.to_string()]);
    assert_ne!(server.port, port, "{}", server.logs());
    let note = format!("Note: port {port} is in use, so dossier took {}.", server.port);
    assert!(
        server.stdout_lines().iter().any(|l| l == &note),
        "expected {note:?}\n{}",
        server.logs()
    );
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(home.text().contains("Serve Dossier"));
    drop(taken);
}

/// (10) `--drafts` serves drafts, which are missing without it.
#[test]
fn drafts_are_served_only_with_the_flag() {
    let site = Site::new();
    let without = site.serve(&[]);
    let with = site.serve(&["--drafts"]);
    let r = without.get("/security/future-plan/");
    assert_eq!(r.status, 404, "{}", r.summary());
    assert!(
        !without
            .get("/security/")
            .text()
            .contains("A Plan Not Yet Published")
    );
    let r = with.get("/security/future-plan/");
    assert_eq!(r.status, 200, "{}", r.summary());
    assert!(r.text().contains("Draft plan text."));
    assert!(with.get("/security/").text().contains("A Plan Not Yet Published"));
}

/// `--navigate-to-changed` sends browsers to the page that was edited.
#[test]
fn navigate_to_changed_names_the_edited_page() {
    let site = Site::new();
    let server = site.serve(&["--navigate-to-changed"]);
    let events = server.events();
    site.replace("content/security/alliance.md", &alliance("Navigate here."));
    server.wait_for_text("/security/alliance/", "Navigate here.");
    let (_, event) = events.wait(&server, 0, "a built event", |e| e.lists("/security/alliance/"));
    assert_eq!(
        event.json()["navigate"].as_str(),
        Some("/security/alliance/"),
        "{:?}",
        event
    );
    // A stylesheet is not a page: nowhere to navigate to.
    let from = events.len();
    site.write("static/site.css", ".analysis { color: teal; }\n");
    let (_, event) = events.wait(&server, from, "a built event for the CSS", |e| {
        e.lists("/site.css")
    });
    assert!(event.json()["navigate"].is_null(), "{:?}", event);
}

/// (9) DNS rebinding: a page on another site that makes its own name resolve to 127.0.0.1
/// must not read the preview. The browser still sends that name as `Host`, so a server
/// on loopback answers only loopback names (any port: a forwarded one differs), the event
/// stream and the script included; a missing or doubled `Host` is a bad request.
#[test]
fn serve_refuses_foreign_host_header() {
    let site = Site::new();
    let server = site.serve(&[]);
    let port = server.port;
    let get = |path: &str, headers: &str| {
        raw_request(port, &format!("GET {path} HTTP/1.1\r\n{headers}"))
            .unwrap_or_else(|e| panic!("GET {path} with {headers:?} failed: {e}\n{}", server.logs()))
    };

    for host in [
        "evil.example",
        "evil.example:80",
        &format!("evil.example:{port}"),
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "192.168.1.10",
    ] {
        for path in [
            "/",
            "/security/kursk/",
            "/site.css",
            "/__dossier/events",
            "/__dossier/livereload.js",
        ] {
            let r = get(path, &format!("Host: {host}\r\n"));
            assert_eq!(r.status, 421, "GET {path} with Host: {host}\n{}", r.summary());
            assert!(r.content_type().starts_with("text/plain"), "{}", r.summary());
            assert!(r.text().contains("DNS rebinding"), "{}", r.summary());
            assert!(!r.text().contains("Original kursk text"), "{}", r.summary());
        }
    }
    // The host of an absolute request URL counts too (it overrides Host).
    let r = get("http://evil.example/", &format!("Host: 127.0.0.1:{port}\r\n"));
    assert_eq!(r.status, 421, "{}", r.summary());

    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        "localhost".to_owned(),
        "LOCALHOST:8080".to_owned(),
        format!("127.0.0.2:{port}"),
        format!("[::1]:{port}"),
    ] {
        let r = get("/security/kursk/", &format!("Host: {host}\r\n"));
        assert_eq!(r.status, 200, "Host: {host}\n{}", r.summary());
        assert!(r.text().contains("Original kursk text"), "{}", r.summary());
    }
    let r = get(
        &format!("http://localhost:{port}/security/kursk/"),
        "Host: localhost\r\n",
    );
    assert_eq!(r.status, 200, "{}", r.summary());

    let r = get("/", "User-Agent: no-host\r\n");
    assert_eq!(r.status, 400, "HTTP/1.1 without Host\n{}", r.summary());
    let r = get("/", &format!("Host: 127.0.0.1:{port}\r\nHost: evil.example\r\n"));
    assert_eq!(r.status, 400, "two Host headers\n{}", r.summary());
    let r = get("/", "Host: local host\r\n");
    assert_eq!(r.status, 400, "a malformed Host\n{}", r.summary());
    // HTTP/1.0 may leave Host out (no browser does).
    let r = raw_request(port, "GET /security/kursk/ HTTP/1.0\r\n").expect("HTTP/1.0 request");
    assert_eq!(r.status, 200, "{}", r.summary());

    // The event stream still works for the preview's own pages.
    let events = server.events();
    site.write("content/security/kursk.md", &kursk("Edited kursk text."));
    events.wait(&server, 0, "a built event listing /security/kursk/", |e| {
        e.lists("/security/kursk/")
    });
}

/// (9b) Listening on every interface, the preview is open to the network under any name
/// the machine has, so no `Host` is refused.
#[test]
fn serve_on_every_interface_answers_any_host() {
    let site = Site::new();
    let server = site.serve(&["--interface", "0.0.0.0"]);
    for host in ["laptop.local:1111", "evil.example", "192.168.1.10"] {
        let r = raw_request(
            server.port,
            &format!("GET /security/kursk/ HTTP/1.1\r\nHost: {host}\r\n"),
        )
        .unwrap_or_else(|e| panic!("request failed: {e}\n{}", server.logs()));
        assert_eq!(r.status, 200, "Host: {host}\n{}", r.summary());
    }
    let r = raw_request(server.port, "GET / HTTP/1.1\r\n").expect("request");
    assert_eq!(r.status, 400, "HTTP/1.1 without Host\n{}", r.summary());
}

/// (10) Slowloris: a client that connects and never finishes its request's headers is
/// disconnected after the header timeout (short here), while an open event stream, which
/// sends nothing after its request, stays open.
#[test]
fn serve_closes_connections_that_never_finish_headers() {
    let site = Site::new();
    let server = site.serve(&["--header-timeout-ms", "300"]);
    let events = server.events();

    let mut partial = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    partial
        .write_all(b"GET /security/kursk/ HT")
        .expect("send a partial request line");
    partial.flush().expect("flush");
    let silent = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    for (what, mut stream) in [("a partial request line", partial), ("nothing", silent)] {
        // Bounded: the server must close well within this, or the read fails.
        stream.set_read_timeout(Some(CHANGE)).expect("read timeout");
        let mut raw = Vec::new();
        match stream.read_to_end(&mut raw) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
            Err(e) => panic!(
                "the connection that sent {what} was not closed: {e}\n{}",
                server.logs()
            ),
        }
        let text = String::from_utf8_lossy(&raw);
        assert!(!text.contains("200 OK"), "{what}: {text}");
    }

    // Whole requests are still answered, and the event stream (idle longer than the
    // timeout by now) still delivers.
    assert_eq!(server.get("/security/kursk/").status, 200);
    site.write(
        "content/security/kursk.md",
        &kursk("Edited after the slow clients."),
    );
    server.wait_for_text("/security/kursk/", "Edited after the slow clients.");
    events.wait(&server, 0, "a built event listing /security/kursk/", |e| {
        e.lists("/security/kursk/")
    });
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let site = Site::new();
    let mut server = site.serve(&[]);
    assert_eq!(server.get("/").status, 200);
    let interrupted = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .expect("run kill");
    assert!(interrupted.success());
    let deadline = Instant::now() + START;
    let status = loop {
        if let Some(status) = server.child.try_wait().expect("wait for the server") {
            break status;
        }
        assert!(Instant::now() < deadline, "the server did not stop on Ctrl-C");
        std::thread::sleep(POLL);
    };
    assert!(status.success(), "exit status after Ctrl-C: {status}");
    server.wait_stdout("the goodbye line", |l| l == "Stopped.");
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", server.port)).is_err(),
        "the port is still open"
    );
}

/// `sed -i` writes a temporary `sedXXXXXX` beside the file and renames it over: the line
/// names the file, not "2 files changed"; and the site's file count is the one `build`
/// prints.
#[test]
fn a_sed_temporary_file_is_not_reported_and_file_counts_match_build() {
    let site = Site::new();
    let server = site.serve(&[]);
    let built = server.wait_stdout("the first build's line", |l| l.starts_with("Built: "));
    assert!(
        !built.contains("source"),
        "\"sources\" are what analyses cite: {built:?}"
    );
    let cold = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(BIN);
    cmd.arg("--root")
        .arg(&site.root)
        .args(["build", "-o"])
        .arg(cold.path().join("public"));
    let out = crate::harness::Output::of(cmd);
    out.assert_success();
    let files = out
        .stdout
        .split(" files)")
        .next()
        .and_then(|s| s.rsplit('(').next())
        .unwrap_or_else(|| panic!("no file count in {:?}", out.stdout))
        .to_owned();
    assert!(
        built.contains(&format!(", {files} files in the site")),
        "{built:?} vs build's {files}"
    );

    let text = site
        .read("content/security/kursk.md")
        .replace("Original", "Edited");
    let temp = site.path("content/security/sedAb12Cd");
    std::fs::write(&temp, text).unwrap();
    std::fs::rename(&temp, site.path("content/security/kursk.md")).unwrap();
    let line = server.wait_stdout("the edit's line", |l| l.contains(" changed:"));
    assert!(
        line.starts_with("content/security/kursk.md changed:"),
        "{line:?}\n{}",
        server.logs()
    );
    assert!(line.contains(&format!(" of {files} files rendered")), "{line:?}");
}

/// Sends a GET of `path` with `headers` (each line ending in CRLF) added.
fn get_with(server: &Server, path: &str, headers: &str) -> Response {
    raw_request(
        server.port,
        &format!(
            "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{headers}",
            server.port
        ),
    )
    .unwrap_or_else(|e| panic!("GET {path} with {headers:?} failed: {e}\n{}", server.logs()))
}

/// The search index's records are fetched by byte range; `serve` answers one range as
/// GitHub Pages does: 206 with `Content-Range`, 416 outside the file, the whole file to
/// a request without `Range` (or with one it does not take).
#[test]
fn byte_ranges_get_206_and_a_range_outside_the_file_416() {
    let site = Site::new();
    let server = site.serve(&[]);
    // The search index is rendered just after the first answer.
    let whole = server.wait_for_status("/search/docs/0.bin", 200);
    assert_eq!(
        whole.header("accept-ranges"),
        Some("bytes"),
        "{}",
        whole.summary()
    );
    assert_eq!(whole.content_type(), "application/octet-stream");
    let bytes = whole.body.clone();
    let len = bytes.len();
    let tag = whole.header("etag").expect("an ETag").to_owned();

    let part = |range: &str| get_with(&server, "/search/docs/0.bin", &format!("Range: {range}\r\n"));
    for (range, from, to) in [
        ("bytes=0-3", 0, 4),
        ("bytes=4-", 4, len),
        ("bytes=-5", len - 5, len),
        ("bytes=2-2", 2, 3),
        // A last byte past the end stops at the end; a suffix longer than the file is all of it.
        (&format!("bytes=3-{}", len + 100), 3, len),
        (&format!("bytes=-{}", len + 100), 0, len),
    ] {
        let r = part(range);
        assert_eq!(r.status, 206, "{range}\n{}", r.summary());
        assert_eq!(
            r.header("content-range"),
            Some(format!("bytes {from}-{}/{len}", to - 1).as_str()),
            "{range}"
        );
        assert_eq!(r.header("content-length"), Some((to - from).to_string().as_str()));
        assert_eq!(r.body, &bytes[from..to], "{range}");
        assert_eq!(r.header("etag"), Some(tag.as_str()), "{range}");
    }
    for range in [
        format!("bytes={len}-"),
        format!("bytes={}-{}", len + 5, len + 9),
        "bytes=-0".to_owned(),
    ] {
        let r = part(&range);
        assert_eq!(r.status, 416, "{range}\n{}", r.summary());
        assert_eq!(r.header("content-range"), Some(format!("bytes */{len}").as_str()));
        assert!(r.body.is_empty(), "{range}");
    }
    // Ranges it does not take get the whole file, as RFC 9110 allows.
    for range in [
        "bytes=0-1,4-5",
        "bytes=5-2",
        "lines=0-1",
        "bytes=x-y",
        "bytes=+1-2",
    ] {
        let r = part(range);
        assert_eq!(r.status, 200, "{range}\n{}", r.summary());
        assert_eq!(r.body, bytes, "{range}");
    }
    // If-Range: the range only if the file is still the one the client has.
    let r = get_with(
        &server,
        "/search/docs/0.bin",
        &format!("Range: bytes=0-3\r\nIf-Range: {tag}\r\n"),
    );
    assert_eq!((r.status, r.body.len()), (206, 4), "{}", r.summary());
    let r = get_with(
        &server,
        "/search/docs/0.bin",
        "Range: bytes=0-3\r\nIf-Range: \"older\"\r\n",
    );
    assert_eq!((r.status, r.body.len()), (200, len), "{}", r.summary());
    // HEAD ignores Range.
    let r = raw_request(
        server.port,
        &format!(
            "HEAD /search/docs/0.bin HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nRange: bytes=0-3\r\n",
            server.port
        ),
    )
    .expect("HEAD");
    assert_eq!(r.status, 200, "{}", r.summary());
    assert_eq!(r.header("content-length"), Some(len.to_string().as_str()));

    // A record fetched as search.js fetches it, the header then its bytes, inflates to
    // the page's title and text.
    let index: serde_json::Value =
        serde_json::from_slice(&server.get("/search/index.json").body).expect("index.json");
    let ids = (index["ids"].as_u64().expect("ids") as usize)
        .min(index["bundle"].as_u64().expect("bundle") as usize);
    let header = part(&format!("bytes=0-{}", 4 * (ids + 1) - 1));
    assert_eq!(header.status, 206);
    let offset =
        |i: usize| u32::from_le_bytes(header.body[4 * i..4 * i + 4].try_into().expect("4 bytes")) as usize;
    let kursk = (0..ids)
        .filter(|i| offset(*i) < offset(i + 1))
        .map(|i| {
            let r = part(&format!("bytes={}-{}", offset(i), offset(i + 1) - 1));
            assert_eq!(r.status, 206);
            let mut text = String::new();
            std::io::Read::read_to_string(&mut flate2::read::DeflateDecoder::new(&r.body[..]), &mut text)
                .expect("a record inflates");
            serde_json::from_str::<serde_json::Value>(&text).expect("a record is JSON")
        })
        .find(|doc| doc["u"] == "/security/kursk/")
        .expect("the kursk page has a record");
    assert_eq!(kursk["t"], "Troops at Kursk");
    assert!(
        kursk["x"]
            .as_str()
            .is_some_and(|x| x.contains("Original kursk text")),
        "{kursk}"
    );

    // An HTML page's range is of what is served, the live-reload script included.
    let page = server.get("/security/kursk/");
    let tail = get_with(&server, "/security/kursk/", "Range: bytes=-100\r\n");
    assert_eq!(tail.status, 206, "{}", tail.summary());
    assert_eq!(tail.body, &page.body[page.body.len() - 100..]);
}
