//! Atomic file replacement: a reader sees the old file or the new one, never half of each,
//! and a crash leaves at most a stray temp file next to the target.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Mode for files that may hold an API key.
pub const PRIVATE_MODE: u32 = 0o600;

static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Replaces `path` with `bytes`: temp file in the same directory, fsync, rename, fsync the
/// directory. With `mode`, the temp file is created with it, so the content is never readable
/// with wider permissions, not even for an instant. Creates the parent directory (0700).
pub fn write_atomic(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    let dir = parent_dir(path);
    create_private_dir(&dir)?;
    let temp = temp_path(path, &dir);
    let result = write_temp_then_rename(&temp, path, &dir, bytes, mode);
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// Writes `bytes` to `path` only if nothing is there: complete or not at all, and never in
/// place of an existing file (an `AlreadyExists` error then). For exports, which must not
/// replace what someone else wrote.
pub fn write_new(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    let dir = parent_dir(path);
    create_private_dir(&dir)?;
    let temp = temp_path(path, &dir);
    let result = (|| {
        let mut file = create_exclusive(&temp, mode)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        // A hard link fails when the target exists, where a rename would replace it.
        fs::hard_link(&temp, path)?;
        sync_dir(&dir)
    })();
    let _ = fs::remove_file(&temp);
    result
}

fn write_temp_then_rename(
    temp: &Path,
    path: &Path,
    dir: &Path,
    bytes: &[u8],
    mode: Option<u32>,
) -> io::Result<()> {
    let mut file = create_exclusive(temp, mode)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    drop(file);
    fs::rename(temp, path)?;
    sync_dir(dir)
}

/// A new file at `path` (never an existing one, nor through a link), with exactly `mode`.
fn create_exclusive(path: &Path, mode: Option<u32>) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(mode.unwrap_or(0o644));
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    if let Some(mode) = mode {
        // The umask can only narrow the mode; set it exactly so 0600 is 0600.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    Ok(file)
}

/// For content too large to hold in memory: a new temp file beside `path` to stream into,
/// then [`commit`] to put it in place atomically (or remove the temp file on failure).
pub fn create_beside(path: &Path, mode: Option<u32>) -> io::Result<(PathBuf, File)> {
    let dir = parent_dir(path);
    create_private_dir(&dir)?;
    let temp = temp_path(path, &dir);
    let file = create_exclusive(&temp, mode)?;
    Ok((temp, file))
}

/// Renames a temp file from [`create_beside`] over `path` and makes the rename durable.
pub fn commit(temp: &Path, path: &Path) -> io::Result<()> {
    fs::rename(temp, path)?;
    sync_dir(&parent_dir(path))
}

/// Creates `dir` and its parents, the new ones readable by the owner only.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// Makes a rename durable: the directory entry itself must reach the disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn temp_path(path: &Path, dir: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "file".to_string());
    let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    dir.join(format!(".{name}.tmp.{}.{n}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/a.toml");
        write_atomic(&path, b"one", None).unwrap();
        write_atomic(&path, b"two", None).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.toml")]);
    }

    #[cfg(unix)]
    #[test]
    fn private_mode_is_exact() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("config.toml");
        write_atomic(&path, b"key = 1", Some(PRIVATE_MODE)).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
