//! Output files written all or nothing: a failed write leaves what was
//! there before.

use anyhow::{Context, Result};
use std::path::Path;

/// Writes `files` into `dir` so that either all appear or none change: each
/// goes to a temporary name first and is renamed once all are written.
pub fn write_all_or_nothing(dir: &Path, files: &[(&str, String)]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut staged = Vec::new();
    for (name, text) in files {
        let tmp = dir.join(format!(".{name}.tmp"));
        if let Err(e) = std::fs::write(&tmp, text) {
            for (t, _) in &staged {
                let _ = std::fs::remove_file(t);
            }
            return Err(e).with_context(|| format!("writing {}", tmp.display()));
        }
        staged.push((tmp, dir.join(name)));
    }
    for (tmp, dest) in staged {
        std::fs::rename(&tmp, &dest).with_context(|| format!("writing {}", dest.display()))?;
    }
    Ok(())
}

/// Writes one file atomically (see [`write_all_or_nothing`]).
pub fn write_file(path: &Path, text: String) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?
        .to_string_lossy()
        .to_string();
    write_all_or_nothing(dir, &[(name.as_str(), text)])
}
