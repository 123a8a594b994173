//! Deadlines on what a client sends over a connection, below HTTP: the headers of each request
//! must arrive within a set time of its first byte, and a kept-alive connection must start its
//! next request within another, so that a client sending a byte at a time (slowloris) or
//! nothing at all cannot hold a connection, a task and their buffers open for ever. Bodies are
//! timed where they are read (`protocol::read`); WebSocket and HTTP/2 connections, once
//! established, are left to their own protocols.

use poem::http::uri::Scheme;
use poem::listener::Acceptor;
use poem::web::{LocalAddr, RemoteAddr};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Accepts connections from `inner` and gives each request's headers `header_time` to arrive,
/// and an idle connection `idle_time` to start its next request.
pub struct HeaderDeadline<A> {
    /// The acceptor of the connections.
    pub inner: A,
    /// How long the headers of a request may take from its first byte.
    pub header_time: Duration,
    /// How long a connection may wait between requests.
    pub idle_time: Duration,
}

impl<A: Acceptor> Acceptor for HeaderDeadline<A> {
    type Io = Timed<A::Io>;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(&mut self) -> io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        let (io, local, remote, scheme) = self.inner.accept().await?;
        let timed = Timed {
            inner: io,
            state: State::AwaitingRequest,
            header_time: self.header_time,
            idle_time: self.idle_time,
            deadline: Box::pin(tokio::time::sleep(self.idle_time)),
        };
        Ok((timed, local, remote, scheme))
    }
}

/// Where a connection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between requests: the next must start before the idle deadline.
    AwaitingRequest,
    /// Reading a request's headers; `matched` counts the bytes of the blank line (`\r\n\r\n`)
    /// seen so far.
    Headers { matched: u8 },
    /// Headers read: the body and the answer are timed elsewhere.
    Request,
    /// Upgraded (a WebSocket) or HTTP/2: no deadline of ours.
    Off,
}

/// A connection whose request headers are timed.
pub struct Timed<T> {
    inner: T,
    state: State,
    header_time: Duration,
    idle_time: Duration,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

const BLANK_LINE: &[u8] = b"\r\n\r\n";
const HTTP2_PREFACE: &[u8] = b"PRI * HTTP/2.0";

impl<T> Timed<T> {
    /// Follows the bytes a client sent.
    fn received(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if self.state == State::AwaitingRequest {
            if bytes.starts_with(HTTP2_PREFACE) {
                self.state = State::Off;
                return;
            }
            self.state = State::Headers { matched: 0 };
            let at = tokio::time::Instant::now() + self.header_time;
            self.deadline.as_mut().reset(at);
        }
        if let State::Headers { mut matched } = self.state {
            for byte in bytes {
                matched = match (*byte, matched) {
                    (b, m) if b == BLANK_LINE[m as usize] => m + 1,
                    (b'\r', _) => 1,
                    _ => 0,
                };
                if matched as usize == BLANK_LINE.len() {
                    self.state = State::Request;
                    return;
                }
            }
            self.state = State::Headers { matched };
        }
    }

    /// Follows the bytes the server sends: an answer ends the request; a `101` switches to
    /// another protocol.
    fn sent(&mut self, bytes: &[u8]) {
        if self.state == State::Off || bytes.is_empty() {
            return;
        }
        if bytes.starts_with(b"HTTP/1.1 101") || bytes.starts_with(b"HTTP/1.0 101") {
            self.state = State::Off;
        } else if self.state == State::Request && bytes.starts_with(b"HTTP/1.") {
            self.state = State::AwaitingRequest;
            let at = tokio::time::Instant::now() + self.idle_time;
            self.deadline.as_mut().reset(at);
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Timed<T> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                this.received(&buf.filled()[before..]);
                Poll::Ready(Ok(()))
            }
            Poll::Pending => {
                let timed = matches!(this.state, State::Headers { .. } | State::AwaitingRequest);
                if timed && this.deadline.as_mut().poll(cx).is_ready() {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the connection sent no request, or its headers too slowly",
                    )));
                }
                Poll::Pending
            }
            other => other,
        }
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Timed<T> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bytes: &[u8]) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let written = Pin::new(&mut this.inner).poll_write(cx, bytes);
        if let Poll::Ready(Ok(n)) = &written {
            this.sent(&bytes[..*n]);
        }
        written
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buffers: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let written = Pin::new(&mut this.inner).poll_write_vectored(cx, buffers);
        // Only the start of an answer's status line matters; the buffers are still there.
        if let Poll::Ready(Ok(n)) = &written
            && let Some(first) = buffers.iter().find(|b| !b.is_empty())
        {
            this.sent(&first[..first.len().min(*n)]);
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed() -> Timed<()> {
        Timed {
            inner: (),
            state: State::AwaitingRequest,
            header_time: Duration::from_secs(10),
            idle_time: Duration::from_secs(10),
            deadline: Box::pin(tokio::time::sleep(Duration::from_secs(10))),
        }
    }

    #[tokio::test]
    async fn headers_are_followed_to_their_blank_line_and_an_answer_ends_the_request() {
        let mut io = timed();
        io.received(b"POST /graphql HTTP/1.1\r\nHost: x\r");
        assert!(matches!(io.state, State::Headers { .. }));
        io.received(b"\n\r");
        assert_eq!(io.state, State::Headers { matched: 3 });
        io.received(b"\n{\"query\"");
        assert_eq!(io.state, State::Request);
        io.sent(b"HTTP/1.1 200 OK\r\n");
        assert_eq!(io.state, State::AwaitingRequest);
        io.received(b"GET /graphql/ws HTTP/1.1\r\n\r\n");
        io.sent(b"HTTP/1.1 101 Switching Protocols\r\n");
        assert_eq!(io.state, State::Off, "a WebSocket is left to its protocol");
        let mut h2 = timed();
        h2.received(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        assert_eq!(h2.state, State::Off);
        let mut bare = timed();
        bare.received(b"GET / HTTP/1.1\r\r\n\r\n");
        assert_eq!(bare.state, State::Request, "a stray carriage return starts the match again");
    }
}
