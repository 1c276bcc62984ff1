//! `dossier serve`: builds the site into memory, serves it over HTTP on the loopback
//! interface under the site's base path, watches the sources, brings the site up to date
//! after each save (see [`crate::incremental`]) and tells open browsers what changed.

mod http;
mod viewed;
pub mod watch;

pub use http::{Lookup, resolve};

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::{broadcast, watch as signal};

use crate::build::BuildOptions;
use crate::config::{Config, Overrides, base_path_of};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::incremental::{Session, Update};

pub struct ServeOptions {
    /// The site folder, drafts and an optional base URL whose path the site is served under.
    pub build: BuildOptions,
    pub interface: IpAddr,
    pub port: u16,
    /// After an edit to an analysis, send browsers to its page.
    pub navigate_to_changed: bool,
    /// How long a client has to send a request's headers, from connecting (or from the
    /// end of its previous response) before the connection is closed: a client that
    /// never finishes would hold its connection open forever. [`HEADER_TIMEOUT`] unless a
    /// test wants a short one.
    pub header_timeout: Duration,
}

/// Ample for any client on a network, short enough that connections left half-open do
/// not pile up.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);

/// What `serve` has to say, for the command line to print.
pub trait Reporter: Send + Sync {
    /// The server listens at `url`; `note` says why the port is not the one asked for.
    fn listening(&self, url: &str, note: Option<&str>);
    fn built(&self, update: &Update, trigger: &[PathBuf]);
    fn failed(&self, diagnostics: &Diagnostics, trigger: &[PathBuf]);
    /// A problem that does not stop the server (the watcher could not start, …).
    fn warn(&self, diagnostic: &Diagnostic);
}

/// How many ports after the one asked for are tried when it is busy.
const PORT_TRIES: u16 = 10;
/// Past this many changed files, browsers are told "everything" rather than a list.
const MAX_LISTED: usize = 2000;

/// Serves the site until Ctrl-C. Fails only when it cannot start (no free port).
pub fn run(options: ServeOptions, reporter: Arc<dyn Reporter>) -> Result<(), Diagnostic> {
    let (listener, note) = bind(options.interface, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(format!("cannot read the server's address: {e}")))?;
    let base_path = match &options.build.base_url {
        Some(url) => base_path_of(url),
        None => Config::load(&options.build.root, &Overrides::default())
            .0
            .map_or_else(|| "/".to_owned(), |c| c.base_path),
    };
    let host = match address.ip() {
        ip if ip.is_unspecified() => "127.0.0.1".to_owned(),
        IpAddr::V6(ip) => format!("[{ip}]"),
        IpAddr::V4(ip) => ip.to_string(),
    };
    let url = format!("http://{host}:{}{base_path}", address.port());
    let mut build = options.build.clone();
    build.base_url = Some(url.clone());

    let (news, _) = broadcast::channel(64);
    let (failure_tx, failure) = signal::channel(None);
    let (ready_tx, ready) = signal::channel(false);
    let mut session = Session::new(build);
    let viewed = Arc::new(Mutex::new(viewed::Viewed::default()));
    let shared = http::Shared {
        outputs: session.outputs(),
        base_path: base_path.clone().into(),
        news: news.clone(),
        failure,
        ready,
        viewed: viewed.clone(),
    };

    let root = std::fs::canonicalize(&options.build.root).unwrap_or_else(|_| options.build.root.clone());
    let changes = match watch::start(&root) {
        Ok(c) => Some(c),
        Err(e) => {
            reporter.warn(
                &Diagnostic::warning(format!("cannot watch the site's files: {e}"))
                    .hint("the site is served, but changes will not show until you restart"),
            );
            None
        }
    };

    let builder_reporter = reporter.clone();
    let navigate = options.navigate_to_changed;
    std::thread::Builder::new()
        .name("dossier-build".into())
        .spawn(move || {
            let tell =
                |result: Result<Update, Diagnostics>, trigger: &[PathBuf], session: &Session| match result {
                    Ok(update) => {
                        builder_reporter.built(&update, trigger);
                        failure_tx.send_replace(None);
                        let target = navigate
                            .then(|| trigger.iter().find_map(|p| session.page_path(p)))
                            .flatten();
                        news.send(News::built(&base_path, &update, target, false)).ok();
                    }
                    Err(diags) => {
                        builder_reporter.failed(&diags, trigger);
                        let n = News::failed(&diags);
                        failure_tx.send_replace(Some(n.clone()));
                        news.send(n).ok();
                    }
                };
            // Pages first; the search index follows while the first requests are answered
            // (pages fetch it only when a reader searches, so nothing needs reloading).
            let first = session.rebuild_deferring();
            tell(first, &[], &session);
            ready_tx.send_replace(true);
            builder_reporter.listening(&url, note.as_deref());
            let Some(mut changes) = changes else {
                if let Some(Err(diags)) = session.finish() {
                    tell(Err(diags), &[], &session);
                }
                return;
            };
            loop {
                // What is left (the search index, after the start) is made while no save
                // comes: one that does has its page shown first, and this goes on after.
                if session.has_more()
                    && let Some(Err(diags)) = session.finish_unless(&mut || changes.saving())
                {
                    tell(Err(diags), &[], &session);
                }
                let Some(batch) = changes.next_batch() else { break };
                for problem in &batch.problems {
                    builder_reporter.warn(
                        &Diagnostic::warning(problem.clone())
                            .hint("edits there will not show until you restart `dossier serve`"),
                    );
                }
                if batch.paths.is_empty() {
                    continue;
                }
                // Asked before applying: whether a path held a source is a question about
                // the site as it was.
                let mut sources = session.sources_among(&batch.paths);
                if sources.is_empty() {
                    sources = batch.paths.iter().collect();
                }
                let shown: Vec<PathBuf> = sources
                    .into_iter()
                    .map(|p| p.strip_prefix(&root).unwrap_or(p).to_path_buf())
                    .collect();
                // The edited page first: a browser showing it reloads now, while the
                // outputs that show it are rendered, and browsers showing those reload after.
                // After a template edit, the pages browsers asked for last come first.
                session.viewing(viewed.lock().unwrap_or_else(|e| e.into_inner()).recent());
                match session.apply_first(&batch.paths) {
                    Ok(first) => {
                        failure_tx.send_replace(None);
                        let target = navigate
                            .then(|| shown.iter().find_map(|p| session.page_path(p)))
                            .flatten();
                        news.send(News::built(&base_path, &first, target, session.has_more()))
                            .ok();
                        match session.finish_unless(&mut || changes.saving()) {
                            None => builder_reporter.built(&first, &shown),
                            Some(Ok(rest)) => {
                                news.send(News::built(&base_path, &rest, None, false)).ok();
                                let shown_after = first.elapsed;
                                let mut all = first.followed_by(rest);
                                all.first = Some(shown_after);
                                builder_reporter.built(&all, &shown);
                            }
                            Some(Err(diags)) => tell(Err(diags), &shown, &session),
                        }
                    }
                    Err(diags) => tell(Err(diags), &shown, &session),
                }
            }
        })
        .map_err(|e| Diagnostic::error(format!("cannot start the build thread: {e}")))?;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    runtime.block_on(async move {
        listener
            .set_nonblocking(true)
            .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
        let listener = tokio::net::TcpListener::from_std(listener)
            .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
        let app = http::router(shared, http::Hosts::for_interface(address.ip()));
        tokio::select! {
            () = accept(listener, app, options.header_timeout) => Ok(()),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })?;
    // Open event streams would keep a graceful shutdown waiting; the process ends here.
    runtime.shutdown_background();
    Ok(())
}

/// Serves each connection with hyper's HTTP/1 (axum::serve sets no timeouts), so that one
/// which does not finish its request headers in time is closed.
async fn accept(listener: tokio::net::TcpListener, app: axum::Router, header_timeout: Duration) {
    let mut http1 = hyper::server::conn::http1::Builder::new();
    http1.timer(TokioTimer::new()).header_read_timeout(header_timeout);
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A client that gave up before being accepted.
            Err(e) if is_connection_error(&e) => continue,
            // Out of file descriptors, most likely: wait for connections to close rather
            // than spin.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let connection = http1.serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()));
        // A connection's errors (a client going away, a header timeout) end only it.
        tokio::spawn(async move { connection.await.ok() });
    }
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(e.kind(), ConnectionRefused | ConnectionAborted | ConnectionReset)
}

use http::News;

impl News {
    /// `more`: another `built` event follows for the same save (the outputs that show
    /// the edited page), which tools timing `serve` wait for.
    fn built(base_path: &str, update: &Update, navigate: Option<String>, more: bool) -> News {
        let all = update.changed.len() > MAX_LISTED;
        let paths: Vec<String> = if all {
            Vec::new()
        } else {
            update.changed.iter().map(|p| url_path(base_path, p)).collect()
        };
        News::Built(
            serde_json::json!({ "paths": paths, "all": all, "navigate": navigate, "more": more }).to_string(),
        )
    }

    fn failed(diags: &Diagnostics) -> News {
        let message = diags
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>()
            .join("\n\n");
        News::Failed(serde_json::json!({ "message": message }).to_string())
    }
}

/// `security/kursk/index.html` → `/repo/security/kursk/`.
fn url_path(base_path: &str, output: &str) -> String {
    let trimmed = output.strip_suffix("index.html").unwrap_or(output);
    format!("{base_path}{trimmed}")
}

/// Binds the port asked for, or the next free one (saying so).
fn bind(interface: IpAddr, port: u16) -> Result<(TcpListener, Option<String>), Diagnostic> {
    let mut last_error = None;
    for offset in 0..=PORT_TRIES {
        let Some(p) = port.checked_add(offset) else { break };
        match TcpListener::bind(SocketAddr::new(interface, p)) {
            Ok(l) => {
                let note = (offset > 0).then(|| format!("port {port} is in use, so dossier took {p}"));
                return Ok((l, note));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse && port != 0 => last_error = Some(e),
            Err(e) => {
                return Err(
                    Diagnostic::error(format!("cannot listen on {interface}:{p}: {e}"))
                        .hint("pick another address with --interface, or another port with --port"),
                );
            }
        }
    }
    Err(Diagnostic::error(format!(
        "ports {port} to {} on {interface} are all in use{}",
        port.saturating_add(PORT_TRIES),
        last_error.map(|e| format!(" ({e})")).unwrap_or_default()
    ))
    .hint("stop the other server, or pick a port with --port (0 lets the system choose)"))
}
