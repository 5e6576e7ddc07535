//! A CLI case that reads like a sentence:
//!
//! ```ignore
//! Test::new()
//!     .schedule(yaml)
//!     .args(["build"])
//!     .stderr("error: schedule.yaml:3:5: ...")
//!     .failure();
//! ```
//!
//! It runs the real binary in a fresh folder, with the pinned tz rules and
//! the fixed build time, and asserts the whole of stdout and stderr (an
//! output not given must be empty). A failure must also lose nothing: every
//! file in the folder is byte for byte as it was, and no file is added.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{zoneinfo, EPOCH, TZDATA};

/// A command to run and what it must print.
pub struct Test {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    stdout: String,
    stderr: String,
}

/// What a finished case left behind, for further checks.
pub struct Done {
    /// The folder it ran in.
    pub dir: tempfile::TempDir,
    /// What it printed on stderr.
    pub stderr: String,
}

impl Done {
    /// A file the command wrote, as text.
    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(path))
            .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
    }
}

impl Test {
    /// An empty folder and no arguments.
    pub fn new() -> Self {
        Test {
            dir: tempfile::tempdir().expect("tempdir"),
            args: Vec::new(),
            env: Vec::new(),
            stdout: String::new(),
            stderr: String::new(),
        }
    }

    /// `schedule.yaml` with this text.
    pub fn schedule(self, yaml: &str) -> Self {
        self.file("schedule.yaml", yaml)
    }

    /// A file at `path` (relative to the folder), its folders made.
    pub fn file(self, path: &str, content: impl AsRef<[u8]>) -> Self {
        let path = self.dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folders");
        }
        std::fs::write(path, content).expect("write fixture");
        self
    }

    /// The command's arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// An environment variable for the command.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// The whole of stdout (a final line break is added when missing).
    pub fn stdout(mut self, expected: &str) -> Self {
        self.stdout = with_newline(expected);
        self
    }

    /// The whole of stderr (a final line break is added when missing).
    pub fn stderr(mut self, expected: &str) -> Self {
        self.stderr = with_newline(expected);
        self
    }

    /// Run it: it must succeed and print exactly what was given.
    pub fn success(self) -> Done {
        self.run(true)
    }

    /// Run it: it must exit with 1, print exactly what was given, and leave
    /// every file as it was.
    pub fn failure(self) -> Done {
        self.run(false)
    }

    fn run(self, succeed: bool) -> Done {
        let before = snapshot(self.dir.path());
        let mut cmd = assert_cmd::Command::cargo_bin("coursefeed").expect("binary built");
        cmd.current_dir(self.dir.path())
            .env_remove("SOURCE_DATE_EPOCH")
            .env("TZDIR", zoneinfo(TZDATA))
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .args(&self.args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("binary runs");
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        let expected_code = if succeed { 0 } else { 1 };
        assert_eq!(
            out.status.code(),
            Some(expected_code),
            "exit status of {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
            self.args
        );
        assert_eq!(stderr, self.stderr, "stderr of {:?}", self.args);
        assert_eq!(stdout, self.stdout, "stdout of {:?}", self.args);
        if !succeed {
            assert_eq!(
                snapshot(self.dir.path()),
                before,
                "a failed {:?} changed files",
                self.args
            );
        }
        Done {
            dir: self.dir,
            stderr,
        }
    }
}

fn with_newline(text: &str) -> String {
    match text.is_empty() || text.ends_with('\n') {
        true => text.to_owned(),
        false => format!("{text}\n"),
    }
}

/// Every file below `dir` and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("list folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap_or_default();
                files.insert(path, bytes);
            }
        }
    }
    files
}
