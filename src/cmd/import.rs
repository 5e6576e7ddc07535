//! `coursefeed import`: turn an existing schedule page into the YAML.

use std::path::{Path, PathBuf};

use coursefeed::input::{self, Kind};
use coursefeed::{publish, Error, TzDatabase};

pub fn run(
    page: &Path,
    output: Option<&Path>,
    force: bool,
    options: &coursefeed::import::Options,
    tz: &TzDatabase,
) -> Result<(), Error> {
    if let Some(path) = output {
        publish::check_distinct(&[("page to import", page)], &[("schedule", path)])?;
        if !force && path.exists() {
            return Err(Error::Exists(path.to_owned()));
        }
    }
    let bytes = input::read(page, Kind::Page)?;
    let text = String::from_utf8(bytes).map_err(|_| Error::Read {
        path: page.to_owned(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text"),
    })?;
    let imported = coursefeed::import::import(&text, page, options)?;
    if !imported.warnings.is_empty() {
        eprintln!("{}", coursefeed::error::render_capped(&imported.warnings));
    }
    // The result must be a schedule we accept, or nothing is written. Its
    // problems come from the page: name the page, not an output that does
    // not exist.
    let name = PathBuf::from(format!("<schedule imported from {}>", page.display()));
    coursefeed::load_str(&imported.yaml, &name, tz)?;
    match output {
        Some(path) => {
            publish::write_atomic(path, imported.yaml.as_bytes())?;
            println!(
                "wrote {}: {} sessions from {}",
                path.display(),
                imported.sessions,
                page.display()
            );
        }
        None => print!("{}", imported.yaml),
    }
    Ok(())
}

/// `page.output` for a schedule written to `yaml`: `public/schedule.md` in
/// the current folder, where `build` writes it by default, spelled relative
/// to the YAML's folder as that field is read (`data/schedule.yaml` gives
/// `../public/schedule.md`).
pub fn page_output(yaml: &Path) -> String {
    use std::path::Component;
    let folder = yaml.parent().unwrap_or(Path::new(""));
    let depth = folder.components().try_fold(0usize, |n, c| match c {
        Component::Normal(_) => Some(n + 1),
        Component::CurDir => Some(n),
        _ => None,
    });
    match depth {
        Some(n) => format!("{}public/schedule.md", "../".repeat(n)),
        // An absolute or `..` path: name the target absolutely.
        None => std::env::current_dir()
            .map(|d| d.join("public/schedule.md").display().to_string())
            .unwrap_or_else(|_| "public/schedule.md".into()),
    }
}
