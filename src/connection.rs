//! Deadlines on what a client sends over a connection, below HTTP: the headers of each request
//! must arrive within a set time of its first byte, and a kept-alive connection must start its
//! next request within another, so that a client sending a byte at a time (slowloris) or
//! nothing at all cannot hold a connection, a task and their buffers open for ever. Bodies are
//! timed where they are read (`protocol::read`); WebSocket and HTTP/2 connections, once
//! established, are left to their own protocols.
//!
//! And the other way: whether the client of a request is still there. HTTP/1 does not read
//! from a connection while its request is being answered, so a client that closes it goes
//! unnoticed until the answer is written; [`Peers`] keeps a second handle on each connection's
//! socket that a request can watch, so that a query whose client has gone stops at once.

use poem::http::uri::Scheme;
use poem::listener::Acceptor;
use poem::web::{LocalAddr, RemoteAddr};
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Accepts connections from `inner`, gives each request's headers `header_time` to arrive and
/// an idle connection `idle_time` to start its next request, and enters each connection into
/// `peers` while it is open.
pub struct HeaderDeadline<A> {
    /// The acceptor of the connections.
    pub inner: A,
    /// How long the headers of a request may take from its first byte.
    pub header_time: Duration,
    /// How long a connection may wait between requests.
    pub idle_time: Duration,
    /// Where open connections are entered.
    pub peers: Peers,
}

impl<A: Acceptor> Acceptor for HeaderDeadline<A>
where
    A::Io: Socket,
{
    type Io = Timed<A::Io>;

    fn local_addr(&self) -> Vec<LocalAddr> {
        self.inner.local_addr()
    }

    async fn accept(&mut self) -> io::Result<(Self::Io, LocalAddr, RemoteAddr, Scheme)> {
        let (io, local, remote, scheme) = self.inner.accept().await?;
        let watch = remote.as_socket_addr().and_then(|address| self.peers.watch(*address, &io));
        let timed = Timed {
            inner: io,
            _watch: watch,
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
    /// The connection's entry in [`Peers`].
    _watch: Option<Watch>,
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

/// The open connections, by their peer's address, each with a second handle on its socket.
#[derive(Clone, Default)]
pub struct Peers(Arc<Mutex<HashMap<SocketAddr, Arc<tokio::net::TcpStream>>>>);

impl Peers {
    /// Resolves once the peer at `address` has closed or reset its connection; never while it
    /// is open, nor for a connection that is not watched. Only for a request whose body has
    /// been read: bytes waiting on the socket then are a next request, which says the client
    /// is still there, and the watch ends unresolved.
    pub async fn gone(&self, address: Option<&SocketAddr>) {
        let socket = address.and_then(|a| self.0.lock().ok()?.get(a).cloned());
        let Some(socket) = socket else { return std::future::pending().await };
        let mut byte = [0u8; 1];
        loop {
            match socket.peek(&mut byte).await {
                Ok(0) => return,
                Ok(_) => return std::future::pending().await,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return,
            }
        }
    }

    fn watch(&self, address: SocketAddr, socket: &impl Socket) -> Option<Watch> {
        let second = Arc::new(socket.second_handle().ok()?);
        self.0.lock().ok()?.insert(address, second.clone());
        Some(Watch { peers: self.clone(), address, socket: second })
    }
}

/// A connection's socket, of which [`Peers`] keeps a second handle.
pub trait Socket {
    /// Another handle on the socket, registered with the runtime on its own, so that watching
    /// it does not take the wake-ups of the connection's reads.
    fn second_handle(&self) -> io::Result<tokio::net::TcpStream>;
}

impl Socket for tokio::net::TcpStream {
    #[cfg(unix)]
    fn second_handle(&self) -> io::Result<tokio::net::TcpStream> {
        use std::os::fd::AsFd;
        let socket = std::net::TcpStream::from(self.as_fd().try_clone_to_owned()?);
        socket.set_nonblocking(true)?;
        tokio::net::TcpStream::from_std(socket)
    }

    #[cfg(not(unix))]
    fn second_handle(&self) -> io::Result<tokio::net::TcpStream> {
        Err(io::Error::other("connections are watched on unix only"))
    }
}

/// A connection's entry in [`Peers`], removed when the connection closes.
struct Watch {
    peers: Peers,
    address: SocketAddr,
    socket: Arc<tokio::net::TcpStream>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Ok(mut all) = self.peers.0.lock()
            && all.get(&self.address).is_some_and(|s| Arc::ptr_eq(s, &self.socket))
        {
            all.remove(&self.address);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A connected pair of sockets: the client's end and the server's, watched in `peers`.
    async fn watched_pair(peers: &Peers) -> (tokio::net::TcpStream, Timed<tokio::net::TcpStream>, SocketAddr) {
        use poem::listener::Listener;
        let listener = poem::listener::TcpListener::bind("127.0.0.1:0").into_acceptor().await.expect("bind");
        let address = *listener.local_addr()[0].as_socket_addr().expect("address");
        let wait = Duration::from_secs(10);
        let mut acceptor = HeaderDeadline { inner: listener, header_time: wait, idle_time: wait, peers: peers.clone() };
        let client = tokio::net::TcpStream::connect(address).await.expect("connect");
        let (server, _, remote, _) = acceptor.accept().await.expect("accept");
        (client, server, *remote.as_socket_addr().expect("peer"))
    }

    #[tokio::test]
    async fn a_peer_that_closes_is_gone_and_one_that_sends_more_is_not() {
        use tokio::io::AsyncWriteExt;
        let wait = Duration::from_secs(2);
        let peers = Peers::default();
        let (client, _server, peer) = watched_pair(&peers).await;
        assert!(tokio::time::timeout(Duration::from_millis(100), peers.gone(Some(&peer))).await.is_err(), "still open");
        drop(client);
        assert!(tokio::time::timeout(wait, peers.gone(Some(&peer))).await.is_ok(), "closed: gone");

        let (mut client, _server, peer) = watched_pair(&peers).await;
        client.write_all(b"GET / HTTP/1.1\r\n").await.expect("write");
        assert!(
            tokio::time::timeout(Duration::from_millis(200), peers.gone(Some(&peer))).await.is_err(),
            "a next request"
        );

        let (_client, server, peer) = watched_pair(&peers).await;
        drop(server);
        assert!(peers.0.lock().unwrap().get(&peer).is_none(), "a closed connection leaves the table");
        assert!(
            tokio::time::timeout(Duration::from_millis(100), peers.gone(Some(&peer))).await.is_err(),
            "unknown: never gone"
        );
    }

    fn timed() -> Timed<()> {
        Timed {
            inner: (),
            _watch: None,
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
