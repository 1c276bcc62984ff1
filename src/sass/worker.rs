//! Sass compiled in a child process. A stylesheet can make the compiler recurse without
//! end (a mixin that includes itself, rules nested thousands deep), which overflows its
//! stack, and a stack overflow aborts the whole process; or loop without end
//! (`@while true`). In a child, that ends the child: the build reports the stylesheet at
//! fault and goes on to the next, and a child silent for [`PATIENCE`] is stopped.
//!
//! The child is this program again (`dossier __sass ROOT FILE…`), which prints one JSON
//! [`Outcome`] line per file ([`child_outcome`]), in order, as each is done.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use super::compiler::{Message, Outcome, compile_file};

/// How long one stylesheet may take in the child.
const PATIENCE: Duration = Duration::from_secs(60);

/// The hidden subcommand's name.
const SUBCOMMAND: &str = "__sass";

/// The child's side, for one file: its outcome as the line to print (`main.rs` prints
/// each as soon as it is made, so a crash later loses none of them).
pub fn child_outcome(root: &Path, file: &Path) -> String {
    serde_json::to_string(&compile_file(root, file)).unwrap_or_else(|_| "{}".to_owned())
}

/// The parent's side: the outcome of each of `files`, compiled by children of `program`.
pub(super) fn compile_in_children(program: &Path, root: &Path, files: &[PathBuf]) -> Vec<Outcome> {
    compile_patiently(program, root, files, PATIENCE)
}

fn compile_patiently(program: &Path, root: &Path, files: &[PathBuf], patience: Duration) -> Vec<Outcome> {
    let mut outcomes = Vec::with_capacity(files.len());
    while outcomes.len() < files.len() {
        let rest = &files[outcomes.len()..];
        let before = outcomes.len();
        match run_child(program, root, rest, patience, &mut outcomes) {
            Ok(()) if outcomes.len() == files.len() => {}
            // The child ended, or was stopped, inside the next file.
            Ok(()) => outcomes.push(crashed(&files[outcomes.len()])),
            Err(Stopped) => outcomes.push(Outcome {
                css: None,
                messages: vec![Message::error(
                    &files[outcomes.len()],
                    format!(
                        "compiling this stylesheet took more than {} s",
                        patience.as_secs_f32()
                    ),
                    "look for a @while loop whose condition never turns false",
                )],
            }),
        }
        debug_assert!(outcomes.len() > before);
    }
    outcomes
}

/// The child was stopped for taking too long.
struct Stopped;

fn run_child(
    program: &Path,
    root: &Path,
    files: &[PathBuf],
    patience: Duration,
    outcomes: &mut Vec<Outcome>,
) -> Result<(), Stopped> {
    let child = Command::new(program)
        .arg(SUBCOMMAND)
        .arg(root)
        .args(files)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        // A crash's own message ("stack overflow") says less than the report does.
        .stderr(Stdio::null())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        // Without a child, compile here: only a stylesheet that overflows the stack
        // would then stop the build.
        Err(_) => {
            outcomes.extend(files.iter().map(|f| compile_file(root, f)));
            return Ok(());
        }
    };
    let Some(stdout) = child.stdout.take() else {
        return Ok(());
    };
    let (send, lines) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let result = loop {
        match lines.recv_timeout(patience) {
            Ok(line) => match serde_json::from_str::<Outcome>(&line) {
                Ok(outcome) => outcomes.push(outcome),
                Err(_) => break Ok(()),
            },
            Err(mpsc::RecvTimeoutError::Disconnected) => break Ok(()),
            Err(mpsc::RecvTimeoutError::Timeout) => {
                child.kill().ok();
                break Err(Stopped);
            }
        }
    };
    child.wait().ok();
    reader.join().ok();
    result
}

fn crashed(file: &Path) -> Outcome {
    Outcome {
        css: None,
        messages: vec![Message::error(
            file,
            "the Sass compiler crashed on this stylesheet",
            "a mixin or function that calls itself without end, or rules nested thousands deep, exhausts the compiler's stack",
        )],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stand-in for the child: a shell script.
    fn script(dir: &Path, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.join("child.sh");
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn texts(outcomes: &[Outcome]) -> Vec<String> {
        outcomes
            .iter()
            .map(|o| match &o.css {
                Some(css) => css.clone(),
                None => o.messages[0].text.clone(),
            })
            .collect()
    }

    #[test]
    fn a_child_that_dies_costs_only_the_file_it_was_on() {
        let dir = tempfile::tempdir().unwrap();
        // Answers the first file it is given, then dies: the crash is the second file's,
        // and a new child takes the rest.
        let program = script(dir.path(), r#"echo '{"css":"done","messages":[]}'; exit 134"#);
        let files: Vec<PathBuf> = ["a.scss", "b.scss", "c.scss"].iter().map(PathBuf::from).collect();
        let outcomes = compile_patiently(&program, dir.path(), &files, Duration::from_secs(30));
        assert_eq!(
            texts(&outcomes),
            ["done", "the Sass compiler crashed on this stylesheet", "done"]
        );
        assert_eq!(outcomes[1].messages[0].file, PathBuf::from("b.scss"));
    }

    #[test]
    fn a_child_that_takes_too_long_is_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let program = script(dir.path(), "exec sleep 30");
        let files = vec![PathBuf::from("loop.scss")];
        let start = std::time::Instant::now();
        let outcomes = compile_patiently(&program, dir.path(), &files, Duration::from_millis(300));
        assert!(start.elapsed() < Duration::from_secs(10));
        assert_eq!(
            texts(&outcomes),
            ["compiling this stylesheet took more than 0.3 s"]
        );
    }
}
