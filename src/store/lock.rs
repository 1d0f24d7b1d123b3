//! Advisory file locks (`std::fs::File::lock`: `flock` on Unix), held for as long as the
//! guard lives. Used by the history: appenders share the lock, rotation takes it alone, so no
//! line lands in a file that rotation is about to replace.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Released when dropped (closing the descriptor releases a `flock`).
#[derive(Debug)]
pub struct FileLock {
    _file: File,
}

impl FileLock {
    /// Many holders at once; blocks while an exclusive holder exists.
    pub fn shared(path: &Path) -> io::Result<FileLock> {
        Self::take(path, false)
    }

    /// One holder; blocks while anyone else holds it.
    pub fn exclusive(path: &Path) -> io::Result<FileLock> {
        Self::take(path, true)
    }

    fn take(path: &Path, exclusive: bool) -> io::Result<FileLock> {
        let mut options = OpenOptions::new();
        options.create(true).truncate(false).write(true);
        let file = super::regular::open_regular(&mut options, path)?;
        flock(&file, exclusive)?;
        Ok(FileLock { _file: file })
    }
}

fn flock(file: &File, exclusive: bool) -> io::Result<()> {
    loop {
        let taken = if exclusive {
            file.lock()
        } else {
            file.lock_shared()
        };
        match taken {
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}
