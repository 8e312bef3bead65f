//! The moment the whole message has left for the server. lettre writes a message (content
//! and final dot) and flushes it, then reads the server's answer; this stream wrapper,
//! armed before the content goes out, stops the first read after that flush once, so the
//! caller can record "the server has it all" before waiting for the answer. A process
//! killed before that record never delivered the complete message (the server discards a
//! DATA without its dot); one killed after it almost surely did.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use lettre::transport::smtp::client::AsyncTokioStream;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;

/// Shared between the stream and the sender.
#[derive(Default)]
pub struct Tripwire {
    armed: AtomicBool,
    fired: Notify,
}

impl Tripwire {
    /// The next read from the server (after everything written so far) trips it.
    pub fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    pub fn disarm(&self) {
        self.armed.store(false, Ordering::SeqCst);
    }

    /// Resolves once the armed read happened.
    pub async fn tripped(&self) {
        self.fired.notified().await;
    }
}

/// A stream whose first read after arming yields once to the tripwire.
pub struct Wired<S> {
    inner: S,
    peer: SocketAddr,
    wire: Arc<Tripwire>,
}

impl<S> Wired<S> {
    pub fn new(inner: S, peer: SocketAddr, wire: Arc<Tripwire>) -> Wired<S> {
        Wired { inner, peer, wire }
    }
}

impl<S> std::fmt::Debug for Wired<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wired").field("peer", &self.peer).finish()
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Wired<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.wire.armed.swap(false, Ordering::SeqCst) {
            // Everything before this read is written and flushed: let the sender record
            // it, then come back for the answer.
            self.wire.fired.notify_one();
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Wired<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

impl<S> AsyncTokioStream for Wired<S>
where
    S: AsyncRead + AsyncWrite + Send + Sync + Unpin,
{
    fn peer_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn an_armed_read_waits_for_the_sender_once() {
        let (client, mut server) = tokio::io::duplex(64);
        let wire = Arc::new(Tripwire::default());
        let peer: SocketAddr = "127.0.0.1:25".parse().expect("addr");
        let mut wired = Wired::new(client, peer, wire.clone());
        server.write_all(b"250 ok\r\n").await.expect("write");
        wire.arm();
        let mut buf = [0u8; 8];
        let read = wired.read(&mut buf);
        tokio::pin!(read);
        let mut recorded = false;
        let n = loop {
            tokio::select! {
                biased;
                () = wire.tripped(), if !recorded => recorded = true,
                n = &mut read => break n.expect("read"),
            }
        };
        assert!(recorded, "the sender heard of the read before it completed");
        assert_eq!(&buf[..n], b"250 ok\r\n");
    }
}
