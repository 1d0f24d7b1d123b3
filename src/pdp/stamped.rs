//! A TCP stream that notes when a request's first byte goes to the kernel and when bytes last
//! came back from it. A warm check is then timed on the socket, from the write that starts
//! the request to the read that completes the answer, as wrk times its requests: the HTTP
//! library's encoding before and its hand-offs after (tens of microseconds on a small box)
//! are the client's work, not the PDP's latency.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;

/// The instants one connection's reads and writes happened at.
#[derive(Debug, Default)]
pub(crate) struct Stamps(Mutex<Marks>);

#[derive(Debug, Default)]
struct Marks {
    /// The next write starts a request.
    armed: bool,
    first_write: Option<Instant>,
    last_read: Option<Instant>,
}

impl Stamps {
    /// Starts timing a request: the next write is its first.
    pub(crate) fn arm(&self) {
        if let Ok(mut marks) = self.0.lock() {
            *marks = Marks {
                armed: true,
                ..Marks::default()
            };
        }
    }

    /// From the request's first write to the latest read since, when both happened.
    pub(crate) fn round_trip(&self) -> Option<Duration> {
        let marks = self.0.lock().ok()?;
        marks.last_read?.checked_duration_since(marks.first_write?)
    }

    fn wrote(&self) {
        if let Ok(mut marks) = self.0.lock() {
            if marks.armed {
                marks.armed = false;
                marks.first_write = Some(Instant::now());
            }
        }
    }

    fn read(&self) {
        let now = Instant::now();
        if let Ok(mut marks) = self.0.lock() {
            if marks.first_write.is_some() {
                marks.last_read = Some(now);
            }
        }
    }
}

/// `TcpStream` with its reads and writes noted in shared `Stamps`.
pub(crate) struct StampedStream {
    inner: TcpStream,
    stamps: Arc<Stamps>,
}

impl StampedStream {
    pub(crate) fn new(inner: TcpStream, stamps: Arc<Stamps>) -> StampedStream {
        StampedStream { inner, stamps }
    }
}

impl AsyncRead for StampedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.stamps.read();
        }
        polled
    }
}

impl AsyncWrite for StampedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.stamps.wrote();
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.stamps.wrote();
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn times_from_the_first_write_after_arming_to_the_last_read() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 16];
            for _ in 0..2 {
                let n = socket.read(&mut buf).await.unwrap();
                tokio::time::sleep(Duration::from_millis(30)).await;
                socket.write_all(&buf[..n]).await.unwrap();
            }
        });
        let stamps = Arc::new(Stamps::default());
        let mut stream =
            StampedStream::new(TcpStream::connect(addr).await.unwrap(), stamps.clone());
        let mut buf = [0u8; 16];

        // Unarmed, nothing is timed.
        stream.write_all(b"one").await.unwrap();
        stream.read_exact(&mut buf[..3]).await.unwrap();
        assert_eq!(stamps.round_trip(), None);

        // Armed: the wait for the answer is in, the time before the write is not.
        stamps.arm();
        tokio::time::sleep(Duration::from_millis(40)).await;
        let outer = Instant::now();
        stream.write_all(b"two").await.unwrap();
        stream.read_exact(&mut buf[..3]).await.unwrap();
        let outer = outer.elapsed();
        let timed = stamps.round_trip().expect("timed");
        assert!(timed >= Duration::from_millis(30), "{timed:?}");
        assert!(timed <= outer, "{timed:?} > {outer:?}");
        server.await.unwrap();
    }
}
