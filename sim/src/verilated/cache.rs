//! The cache of Verilator builds made at run time: models for a hardware
//! configuration other than the one linked into xpo, the traced models,
//! and the C++ bench harnesses of `xpo bench --profile`.
//!
//! An entry is a directory `<root>/<kind>-<hash>`, where the hash (SHA-256)
//! covers everything the build reads: the Verilog, the generated C++, the
//! Verilator and compiler versions and the flags. A build happens in a
//! private directory next to it, under an exclusive lock on
//! `<root>/<kind>-<hash>.lock`, and is renamed into place when complete, so
//! a reader sees a whole entry or none: two processes that want the same
//! entry at once build it once (the second waits on the lock, then finds
//! it), and a build killed halfway leaves only a scratch directory that the
//! next build of that key removes.

use crate::SimError;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// Where run-time Verilator builds are cached: `$XPO_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/xpo`, else `~/.cache/xpo`, else the temp directory;
/// then `verilator/`.
pub fn root() -> PathBuf {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("XPO_CACHE_DIR")
        .or_else(|| env("XDG_CACHE_HOME").map(|p| p.join("xpo")))
        .or_else(|| env("HOME").map(|p| p.join(".cache").join("xpo")))
        .unwrap_or_else(|| std::env::temp_dir().join("xpo"))
        .join("verilator")
}

/// The name of the file that marks an entry complete; it holds the key.
const STAMP: &str = "built";

/// What a build is doing, for whoever shows progress ([`set_observer`]).
#[derive(Debug, Clone)]
pub enum BuildEvent {
    /// Another process is building the same entry; waiting for its lock.
    Waiting { what: String },
    /// Step `step` of `of` started (`"verilating"`, `"compiling"` …).
    Step {
        what: String,
        step: usize,
        of: usize,
        doing: &'static str,
    },
    /// Built in `seconds`, at `dir`.
    Built {
        what: String,
        seconds: f64,
        dir: PathBuf,
    },
    /// Found complete in the cache.
    Reused { what: String, dir: PathBuf },
    /// The build failed (the error says why).
    Failed { what: String },
}

impl std::fmt::Display for BuildEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildEvent::Waiting { what } => {
                write!(f, "{what}: waiting for another build of it to finish")
            }
            BuildEvent::Step {
                what,
                step,
                of,
                doing,
            } => write!(f, "{what}: [{step}/{of}] {doing}"),
            BuildEvent::Built { what, seconds, dir } => {
                write!(f, "{what}: built in {seconds:.1} s ({})", dir.display())
            }
            BuildEvent::Reused { what, dir } => {
                write!(f, "{what}: cached ({})", dir.display())
            }
            BuildEvent::Failed { what } => write!(f, "{what}: build failed"),
        }
    }
}

type Observer = Arc<dyn Fn(&BuildEvent) + Send + Sync>;

static OBSERVER: RwLock<Option<Observer>> = RwLock::new(None);

/// Sends every build event of this process to `f`: the CLI shows a
/// progress spinner on a terminal and plain lines on standard error
/// otherwise, since a build takes seconds to minutes and silence would
/// look like a hang. Without an observer (a library user that set none)
/// builds are silent.
pub fn set_observer(f: impl Fn(&BuildEvent) + Send + Sync + 'static) {
    *OBSERVER.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(f));
}

pub(crate) fn emit(event: BuildEvent) {
    let observer = OBSERVER.read().unwrap_or_else(|e| e.into_inner()).clone();
    if let Some(f) = observer {
        f(&event);
    }
}

/// A cache key: the SHA-256 of every input of a build, each part
/// length-prefixed so that no two lists of parts hash alike.
pub fn key(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    let digest = h.finalize();
    digest[..12].iter().map(|b| format!("{b:02x}")).collect()
}

/// A complete cache entry.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The entry's directory.
    pub dir: PathBuf,
    /// How long building it took, or `None` when it was found in the cache.
    pub built: Option<Duration>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> SimError {
    let path = path.to_path_buf();
    move |source| SimError::Io { path, source }
}

/// The entry `<root>/<kind>-<key>`, built by `build` (into the directory
/// it is given) unless it is already complete. `what` names the build in
/// progress events and errors.
pub fn entry(
    kind: &str,
    key: &str,
    what: &str,
    build: impl FnOnce(&Path) -> Result<(), SimError>,
) -> Result<Entry, SimError> {
    entry_in(&root(), kind, key, what, build)
}

fn entry_in(
    root: &Path,
    kind: &str,
    key: &str,
    what: &str,
    build: impl FnOnce(&Path) -> Result<(), SimError>,
) -> Result<Entry, SimError> {
    let name = format!("{kind}-{key}");
    let dir = root.join(&name);
    let complete =
        |dir: &Path| std::fs::read_to_string(dir.join(STAMP)).is_ok_and(|k| k.trim() == key);
    if complete(&dir) {
        emit(BuildEvent::Reused {
            what: what.into(),
            dir: dir.clone(),
        });
        return Ok(Entry { dir, built: None });
    }
    std::fs::create_dir_all(root).map_err(io(root))?;
    let lock_path = root.join(format!("{name}.lock"));
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(io(&lock_path))?;
    match lock.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            emit(BuildEvent::Waiting { what: what.into() });
            lock.lock().map_err(io(&lock_path))?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(&lock_path)(e)),
    }
    // Under the lock: another process may have finished it meanwhile.
    if complete(&dir) {
        emit(BuildEvent::Reused {
            what: what.into(),
            dir: dir.clone(),
        });
        return Ok(Entry { dir, built: None });
    }
    // A scratch directory per process; leftovers of killed builds of this
    // key (and an incomplete entry) go first.
    if let Ok(list) = std::fs::read_dir(root) {
        let prefix = format!("{name}.build-");
        for e in list.flatten() {
            if e.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    let scratch = root.join(format!("{name}.build-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).map_err(io(&scratch))?;
    let t0 = Instant::now();
    if let Err(e) = build(&scratch) {
        emit(BuildEvent::Failed { what: what.into() });
        let _ = std::fs::remove_dir_all(&scratch);
        return Err(e);
    }
    let stamp = scratch.join(STAMP);
    std::fs::write(&stamp, key).map_err(io(&stamp))?;
    std::fs::rename(&scratch, &dir).map_err(io(&dir))?;
    let built = t0.elapsed();
    emit(BuildEvent::Built {
        what: what.into(),
        seconds: built.as_secs_f64(),
        dir: dir.clone(),
    });
    // The lock is released when `lock` drops; the file stays (removing it
    // would race with a process that has just opened it).
    drop(lock);
    Ok(Entry {
        dir,
        built: Some(built),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Four threads want one entry at once: it is built once, and every
    /// thread gets the whole of it.
    #[test]
    fn concurrent_builds_of_one_key_build_once() {
        let root = tempfile::tempdir().unwrap();
        let builds = std::sync::atomic::AtomicUsize::new(0);
        let entries: Vec<Entry> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        entry_in(root.path(), "t", "k1", "test", |dir| {
                            builds.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            std::thread::sleep(Duration::from_millis(200));
                            std::fs::write(dir.join("out"), "whole").unwrap();
                            Ok(())
                        })
                        .unwrap()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(builds.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(entries.iter().filter(|e| e.built.is_some()).count(), 1);
        for e in &entries {
            assert_eq!(std::fs::read_to_string(e.dir.join("out")).unwrap(), "whole");
        }
        // And the next request reuses it without building.
        let again = entry_in(root.path(), "t", "k1", "test", |_| panic!("rebuilt")).unwrap();
        assert!(again.built.is_none());
    }

    /// A failed build leaves no entry and no scratch directory; a killed
    /// one's scratch is removed by the next build of the key.
    #[test]
    fn failed_and_killed_builds_leave_nothing_behind() {
        let root = tempfile::tempdir().unwrap();
        let err = entry_in(root.path(), "t", "k2", "test", |dir| {
            std::fs::write(dir.join("half"), "x").unwrap();
            Err(SimError::Build("compiler said no".into()))
        })
        .unwrap_err();
        assert!(err.to_string().contains("compiler said no"));
        let names = |root: &Path| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(root)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names(root.path()), ["t-k2.lock"]);
        std::fs::create_dir(root.path().join("t-k2.build-999999")).unwrap();
        let e = entry_in(root.path(), "t", "k2", "test", |_| Ok(())).unwrap();
        assert!(e.built.is_some());
        assert_eq!(names(root.path()), ["t-k2", "t-k2.lock"]);
    }

    #[test]
    fn keys_separate_their_parts() {
        assert_ne!(key(&[b"ab", b"c"]), key(&[b"a", b"bc"]));
        assert_eq!(key(&[b"ab", b"c"]), key(&[b"ab", b"c"]));
        assert_eq!(key(&[b"x"]).len(), 24);
    }
}
