//! Headless Chromium, driven over the DevTools protocol, and a small static file server
//! (answering byte ranges as GitHub Pages does, or ignoring them, and logging what it
//! sent if asked), for what only a browser can show. Tests using it are `#[ignore]`d with a reason that
//! starts "needs Chromium", so `cargo test` passes without a browser; `.ci/run` installs
//! Debian's chromium and runs them with `cargo test -- --ignored`.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::{Message, WebSocket, stream::MaybeTlsStream};

/// Serves `root` on a free loopback port until the test process ends, answering a
/// single byte range with 206 as GitHub Pages does.
pub(crate) fn serve(root: &Path) -> String {
    serve_with(root, Ranges::Honoured, None)
}

/// Whether the static server answers `Range` requests.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ranges {
    /// A single range gets 206 (or 416); as GitHub Pages and most servers do.
    Honoured,
    /// Every request gets the whole file with 200, as a server without range support.
    Ignored,
}

/// A response the static server sent: the request path, the status and the body.
pub(crate) struct Sent {
    pub path: String,
    pub status: u16,
    pub body: Vec<u8>,
}

/// What the static server sent, in order, for a caller that counts the bytes.
pub(crate) type Log = Arc<Mutex<Vec<Sent>>>;

/// Serves `root` like [`serve`], answering ranges or not, and records every response in
/// `log` if there is one.
pub(crate) fn serve_with(root: &Path, ranges: Ranges, log: Option<Log>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let addr = listener.local_addr().expect("local address");
    let root = root.to_path_buf();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            let log = log.clone();
            std::thread::spawn(move || answer(stream, &root, ranges, log.as_ref()));
        }
    });
    format!("http://{addr}")
}

fn answer(mut stream: TcpStream, root: &Path, ranges: Ranges, log: Option<&Log>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut range = None;
    let mut line = String::new();
    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("range")
        {
            range = Some(value.trim().to_owned());
        }
        line.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let mut file: PathBuf = root.join(path.trim_start_matches('/'));
    if path.ends_with('/') {
        file.push("index.html");
    }
    let (mut status, mut body, kind) = match (path.contains(".."), std::fs::read(&file)) {
        (false, Ok(body)) => ("200 OK", body, content_type(&file)),
        _ => ("404 Not Found", b"not found".to_vec(), "text/plain"),
    };
    let mut extra = String::new();
    if status == "200 OK" && ranges == Ranges::Honoured {
        extra.push_str("Accept-Ranges: bytes\r\n");
        if let Some(wanted) = range.as_deref().and_then(byte_range) {
            let len = body.len() as u64;
            match wanted {
                (start, end) if start < len => {
                    let end = end.min(len - 1);
                    extra.push_str(&format!("Content-Range: bytes {start}-{end}/{len}\r\n"));
                    body = body[start as usize..=end as usize].to_vec();
                    status = "206 Partial Content";
                }
                _ => {
                    extra.push_str(&format!("Content-Range: bytes */{len}\r\n"));
                    body = Vec::new();
                    status = "416 Range Not Satisfiable";
                }
            }
        }
    }
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).ok();
    stream.write_all(&body).ok();
    if let Some(log) = log {
        log.lock().unwrap_or_else(|e| e.into_inner()).push(Sent {
            path: path.to_owned(),
            status: status[..3].parse().unwrap_or(0),
            body,
        });
    }
}

/// `bytes=FIRST-LAST` or `bytes=FIRST-` as (first, last); the search client sends only
/// these, and anything else is answered with the whole file.
fn byte_range(value: &str) -> Option<(u64, u64)> {
    let (first, last) = value.strip_prefix("bytes=")?.split_once('-')?;
    let first = first.trim().parse().ok()?;
    let last = match last.trim() {
        "" => u64::MAX,
        last => last.parse().ok()?,
    };
    (first <= last).then_some((first, last))
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css",
        Some("js") => "text/javascript",
        Some("json") => "application/json",
        Some("xml") => "application/xml",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// A browser that has opened its DevTools port, not yet connected to.
struct Started {
    child: Child,
    port: String,
    path: String,
    profile: tempfile::TempDir,
}

/// One headless Chromium with one page, driven over the DevTools protocol.
pub(crate) struct Chromium {
    child: Child,
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    /// The page's session; commands without one go to the browser.
    session: Option<String>,
    _profile: tempfile::TempDir,
}

impl Chromium {
    pub(crate) fn launch(width: u32, height: u32) -> Chromium {
        // A busy machine starting several browsers at once (the tests run in parallel, and a
        // fresh one builds its font cache first) can take long to open the DevTools port, or
        // lose a start altogether; so each start gets a minute, and a lost one is retried.
        const STARTS: usize = 3;
        let mut last_error = String::new();
        for _ in 0..STARTS {
            match Self::start(width, height) {
                Ok(started) => return Self::connect(started, width, height),
                Err(error) => last_error = error,
            }
        }
        panic!("chromium did not start its DevTools server in {STARTS} tries: {last_error}");
    }

    /// Starts a browser and waits for the port and WebSocket path it writes to
    /// `DevToolsActivePort`; on failure kills it and says what it printed.
    fn start(width: u32, height: u32) -> Result<Started, String> {
        let profile = tempfile::tempdir().expect("profile folder");
        let log_path = profile.path().join("chromium.log");
        let log = std::fs::File::create(&log_path).expect("chromium log");
        let mut child = Command::new("chromium")
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--window-size={width},{height}"))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start chromium (apt-get install chromium)");
        let port_file = profile.path().join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = std::fs::read_to_string(&port_file).unwrap_or_default();
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                let (port, path) = (port.to_owned(), path.to_owned());
                return Ok(Started {
                    child,
                    port,
                    path,
                    profile,
                });
            }
            let exited = child.try_wait().ok().flatten();
            if exited.is_some() || Instant::now() >= deadline {
                child.kill().ok();
                child.wait().ok();
                let printed = std::fs::read_to_string(&log_path).unwrap_or_default();
                let tail: Vec<&str> = printed.lines().rev().take(5).collect();
                let how = match exited {
                    Some(status) => format!("it exited ({status})"),
                    None => "no port after 60 s".to_owned(),
                };
                return Err(format!("{how}; it printed: {}", tail.join(" | ")));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn connect(started: Started, width: u32, height: u32) -> Chromium {
        let Started {
            child,
            port,
            path,
            profile,
        } = started;
        let (ws, _) =
            tungstenite::connect(format!("ws://127.0.0.1:{port}{path}")).expect("connect to chromium");
        let mut browser = Chromium {
            child,
            ws,
            next_id: 0,
            session: None,
            _profile: profile,
        };
        let target = browser.call("Target.createTarget", json!({ "url": "about:blank" }));
        let attached = browser.call(
            "Target.attachToTarget",
            json!({ "targetId": target["targetId"], "flatten": true }),
        );
        browser.session = attached["sessionId"].as_str().map(str::to_owned);
        // Headless windows have a minimum width; the emulated viewport does not.
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600 }),
        );
        browser.call("Page.enable", json!({}));
        browser.call("Runtime.enable", json!({}));
        browser
    }

    /// Sends a command and waits for its result, skipping events.
    pub(crate) fn call(&mut self, method: &str, params: Value) -> Value {
        match self.try_call(method, params) {
            Ok(result) => result,
            Err(error) => panic!("{method} failed: {error}"),
        }
    }

    /// Like [`Chromium::call`], with the protocol's error instead of a panic.
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        let message = message.to_string();
        self.ws.send(Message::text(message)).expect("send to chromium");
        loop {
            let msg = self.ws.read().expect("read from chromium");
            let Message::Text(text) = msg else { continue };
            let value: Value = serde_json::from_str(&text).expect("DevTools JSON");
            if value["id"] == id {
                return match value.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(value["result"].clone()),
                };
            }
        }
    }

    /// Opens `url` and waits until the page has loaded.
    pub(crate) fn open(&mut self, url: &str) {
        // A mark on the old document tells it apart from the new one, even for a reload.
        self.eval("window.__dossierOld = true");
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for(
            "!window.__dossierOld && document.readyState === 'complete' && location.href !== 'about:blank'",
            10,
        );
    }

    /// Evaluates JavaScript in the page (awaiting promises) and returns its value.
    pub(crate) fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "script failed: {expression}\n{}",
            result["exceptionDetails"]
        );
        result["result"]["value"].clone()
    }

    /// Evaluates JavaScript like [`Chromium::eval`], but `None` while the page is busy
    /// navigating (a reload under way) rather than failing.
    #[allow(dead_code, reason = "used by benches/reload.rs, which includes this file")]
    pub(crate) fn try_eval(&mut self, expression: &str) -> Option<Value> {
        let result = self
            .try_call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            )
            .ok()?;
        if result.get("exceptionDetails").is_some() {
            return None;
        }
        Some(result["result"]["value"].clone())
    }

    /// Polls until `condition` is true in the page. A page that is navigating (a reload
    /// the test is waiting for) cannot answer; that counts as "not yet".
    pub(crate) fn wait_for(&mut self, condition: &str, seconds: u64) {
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let expression = format!("!!({condition})");
        loop {
            let answer = self.try_call(
                "Runtime.evaluate",
                json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
            );
            if let Ok(result) = &answer
                && result.get("exceptionDetails").is_none()
                && result["result"]["value"] == Value::Bool(true)
            {
                return;
            }
            if let Ok(result) = &answer
                && let Some(details) = result.get("exceptionDetails")
            {
                panic!("script failed: {expression}\n{details}");
            }
            assert!(Instant::now() < deadline, "timed out waiting for: {condition}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// A PNG of what the viewport shows.
    pub(crate) fn screenshot(&mut self) -> Vec<u8> {
        use base64::Engine;
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let data = shot["data"].as_str().expect("screenshot data");
        base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("base64 screenshot")
    }

    /// Presses a key (`Tab`, `Escape`) as the keyboard would.
    pub(crate) fn press(&mut self, key: &str) {
        let code = match key {
            "Tab" => 9,
            "Escape" => 27,
            _ => 0,
        };
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code }),
            );
        }
    }
}

impl Drop for Chromium {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}
