//! Opening the files we write to (history, its lock) without following a planted symlink:
//! a link or a FIFO where a regular file belongs is refused with a message saying what to do,
//! so nothing is ever appended to, created at or truncated behind another path.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;

/// Opens `path` with `options`, refusing a final symbolic link and anything but a regular file.
pub fn open_regular(options: &mut OpenOptions, path: &Path) -> io::Result<File> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a planted FIFO must fail or return, never wait for a reader.
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|err| {
        #[cfg(unix)]
        if err.raw_os_error() == Some(libc::ELOOP) {
            return refused(path, "is a symbolic link");
        }
        err
    })?;
    if !file.metadata()?.is_file() {
        return Err(refused(path, "is not a regular file"));
    }
    Ok(file)
}

fn refused(path: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "{} {what}; permit-tui writes only regular files and does not follow links here, remove it to go on",
            path.display()
        ),
    )
}
