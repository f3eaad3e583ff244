//! The conformance checks. Each area runs under `catch_unwind` (a panic is one failure of that
//! area, never the end of the run); every check prints its line at once, so that a crash still
//! leaves the area it happened in on the parent's screen.

use std::fmt::Debug;
use std::io::Write as _;
use std::net::{Ipv4Addr, Ipv6Addr, Shutdown, SocketAddr};
use std::ptr::{null, null_mut};
use std::sync::atomic::{AtomicU32, Ordering};
use ws2_32::client::*;
use ws2_32::kernel32::{
    CloseHandle, CreateEventW, CreateIoCompletionPort, GetQueuedCompletionStatus, SleepEx,
    WaitForSingleObject,
};
use ws2_32::user32::*;
use ws2_abi::*;
use ws2_client::{Event, Socket, WsaError, WsaResult};
use ws2_core::verifier;

/// A bound on waits that should end at once (a failure when reached, never pacing).
const LONG_MS: u32 = 10_000;

struct Suite {
    area: &'static str,
    passed: usize,
    failed: usize,
}

fn clean(text: String) -> String {
    text.replace(['\t', '\n', '\r'], " ")
}

impl Suite {
    fn emit(&self, line: &str) {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    }

    fn pass(&mut self, name: &str) {
        self.passed += 1;
        self.emit(&format!("pass\t{}\t{}", self.area, clean(name.into())));
    }

    fn fail(&mut self, name: &str, expected: &str, observed: &str) {
        self.failed += 1;
        self.emit(&format!(
            "fail\t{}\t{}\t{}\t{}",
            self.area,
            clean(name.into()),
            clean(expected.into()),
            clean(observed.into())
        ));
    }

    /// One check: `observed` must equal `expected`.
    fn eq<T: PartialEq + Debug>(&mut self, name: &str, expected: T, observed: T) -> bool {
        if expected == observed {
            self.pass(name);
            true
        } else {
            self.fail(name, &format!("{expected:?}"), &format!("{observed:?}"));
            false
        }
    }

    /// One check on a call that must succeed; returns its value.
    fn ok<T: Debug>(&mut self, name: &str, result: WsaResult<T>) -> Option<T> {
        match result {
            Ok(value) => {
                self.pass(name);
                Some(value)
            }
            Err(e) => {
                self.fail(name, "success", &format!("{e:?}"));
                None
            }
        }
    }

    /// One check on a call that must fail with `expected`.
    fn err<T: Debug>(&mut self, name: &str, expected: i32, result: WsaResult<T>) {
        let observed = match result {
            Ok(value) => format!("success ({value:?})"),
            Err(e) => format!("{e:?}"),
        };
        let expected = format!("{:?}", WsaError(expected));
        if observed == expected {
            self.pass(name);
        } else {
            self.fail(name, &expected, &observed);
        }
    }

    /// Runs one area: its checks, then each verifier diagnostic raised meanwhile as a failure.
    fn area(&mut self, area: &'static str, body: impl FnOnce(&mut Suite)) {
        self.area = area;
        self.emit(&format!("area\t{area}"));
        let from = verifier::diagnostics().len();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| body(self)));
        if let Err(panic) = outcome {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "a panic".into());
            self.fail("area completes", "no panic", &format!("panic: {text}"));
        }
        for d in verifier::diagnostics().iter().skip(from) {
            self.fail("verifier", "no provider misuse", &d.line);
        }
    }
}

/// The areas after startup, in order.
pub const AREAS: &[&str] = &[
    "tcp-ipv4",
    "tcp-ipv6",
    "udp-ipv4",
    "udp-ipv6",
    "errors",
    "options",
    "select",
    "event-select",
    "async-select",
    "overlapped-event",
    "overlapped-routine",
    "completion-port",
    "accept-connect-ex",
    "close",
];

fn area_body(name: &str) -> fn(&mut Suite) {
    match name {
        "tcp-ipv4" => |s| tcp_echo(s, v4()),
        "tcp-ipv6" => |s| tcp_echo(s, v6()),
        "udp-ipv4" => |s| udp_echo(s, v4()),
        "udp-ipv6" => |s| udp_echo(s, v6()),
        "errors" => errors,
        "options" => options,
        "accept-connect-ex" => accept_connect_ex,
        "select" => select_area,
        "event-select" => event_select,
        "async-select" => async_select,
        "overlapped-event" => overlapped_event,
        "overlapped-routine" => overlapped_routine,
        "completion-port" => completion_port,
        _ => close_area,
    }
}

/// Runs the suite: startup, the [`AREAS`] after `resume_after` (all of them when None; the
/// runner resumes this way after an area crashed the process) except those in `skip` (each
/// reported as a `skip` line), cleanup. Returns the process exit status (0: every check
/// passed).
pub fn run(resume_after: Option<&str>, skip: &[&str]) -> i32 {
    crate::keep_exports();
    verifier::set_enabled(true);
    let mut s = Suite {
        area: "",
        passed: 0,
        failed: 0,
    };
    let mut winsock = None;
    s.area("startup", |s| winsock = startup(s));
    let first = resume_after
        .and_then(|after| AREAS.iter().position(|a| *a == after))
        .map_or(0, |i| i + 1);
    if winsock.is_some() {
        for &name in &AREAS[first..] {
            if skip.contains(&name) {
                s.emit(&format!("skip\t{name}"));
            } else {
                s.area(name, area_body(name));
            }
        }
    }
    s.area("cleanup", |s| {
        if let Some(w) = winsock.take() {
            s.ok("WSACleanup", w.cleanup());
        }
    });
    s.emit("done");
    i32::from(s.failed > 0)
}

fn v4() -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, 0))
}

fn v6() -> SocketAddr {
    SocketAddr::from((Ipv6Addr::LOCALHOST, 0))
}

fn startup(s: &mut Suite) -> Option<ws2_client::Winsock> {
    let w = s.ok("WSAStartup(2.2)", ws2_client::Winsock::startup(0x0202))?;
    s.eq("wVersion", 0x0202, w.version());
    // WSAEnumProtocolsW: the application view has TCP and UDP over IPv4 and IPv6.
    let mut infos: Vec<WSAPROTOCOL_INFOW> = vec![ws2_core::catalog::blank_protocol_info(); 64];
    let mut len = (infos.len() * std::mem::size_of::<WSAPROTOCOL_INFOW>()) as u32;
    // SAFETY: a buffer of `len` bytes and a writable length.
    let n = unsafe { ws2_32::catalog::WSAEnumProtocolsW(null_mut(), infos.as_mut_ptr(), &mut len) };
    if s.eq("WSAEnumProtocolsW succeeds", true, n > 0) {
        let found = |af: i32, kind: i32| {
            infos[..n as usize]
                .iter()
                .any(|i| i.iAddressFamily == af && i.iSocketType == kind)
        };
        s.eq("catalog has TCP/IPv4", true, found(AF_INET, SOCK_STREAM));
        s.eq("catalog has UDP/IPv4", true, found(AF_INET, SOCK_DGRAM));
        s.eq("catalog has TCP/IPv6", true, found(AF_INET6, SOCK_STREAM));
        s.eq("catalog has UDP/IPv6", true, found(AF_INET6, SOCK_DGRAM));
    }
    Some(w)
}

/// A connected TCP pair on loopback: (listener, client, server).
fn tcp_pair(s: &mut Suite, any: SocketAddr) -> Option<(Socket, Socket, Socket)> {
    let listener = s.ok("socket(SOCK_STREAM)", Socket::tcp(&any))?;
    s.ok("bind", listener.bind(&any))?;
    s.ok("listen", listener.listen(4))?;
    let addr = s.ok("getsockname", listener.local_addr())?;
    s.eq("bound to an ephemeral port", true, addr.port() != 0);
    let client = s.ok("socket(SOCK_STREAM)", Socket::tcp(&any))?;
    s.ok("connect", client.connect(&addr))?;
    let (server, from) = s.ok("accept", listener.accept())?;
    s.eq(
        "accept returns the client's address",
        client.local_addr(),
        Ok(from),
    );
    Some((listener, client, server))
}

fn tcp_echo(s: &mut Suite, any: SocketAddr) {
    let Some((_listener, client, server)) = tcp_pair(s, any) else {
        return;
    };
    s.eq(
        "getpeername is the server",
        server.local_addr(),
        client.peer_addr(),
    );
    s.ok("send", client.send_all(b"hello, provider"));
    let mut buf = [0u8; 64];
    let n = s.ok("recv", server.recv(&mut buf)).unwrap_or(0);
    s.eq("recv data", &b"hello, provider"[..], &buf[..n]);
    s.ok("echo send", server.send_all(&buf[..n]));
    let mut echo = [0u8; 64];
    let m = s.ok("echo recv", client.recv(&mut echo)).unwrap_or(0);
    s.eq("echo data", &b"hello, provider"[..], &echo[..m]);
    // A bigger transfer: every byte arrives, in order.
    let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let reader = std::thread::scope(|scope| {
        let sender = scope.spawn(|| client.send_all(&big));
        let mut got = Vec::new();
        let mut chunk = vec![0u8; 16384];
        while got.len() < big.len() {
            match server.recv(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(k) => got.extend_from_slice(&chunk[..k]),
            }
        }
        (sender.join().unwrap(), got)
    });
    s.ok("send 200000 bytes", reader.0);
    s.eq("200000 bytes arrive in order", true, reader.1 == big);
    s.ok("shutdown(SD_SEND)", client.shutdown(Shutdown::Write));
    s.eq(
        "recv after the peer's shutdown",
        Ok(0),
        server.recv(&mut buf),
    );
}

fn udp_echo(s: &mut Suite, any: SocketAddr) {
    let Some(a) = s.ok("socket(SOCK_DGRAM)", Socket::udp(&any)) else {
        return;
    };
    let Some(b) = s.ok("socket(SOCK_DGRAM)", Socket::udp(&any)) else {
        return;
    };
    s.ok("bind", a.bind(&any));
    s.ok("bind", b.bind(&any));
    let (Ok(a_addr), Ok(b_addr)) = (a.local_addr(), b.local_addr()) else {
        s.fail("getsockname", "both bound", "getsockname failed");
        return;
    };
    s.eq("sendto", Ok(5), a.send_to(b"ping!", &b_addr));
    let mut buf = [0u8; 32];
    let got = b.recv_from(&mut buf);
    s.eq("recvfrom", Ok((5, a_addr)), got);
    s.eq("datagram data", &b"ping!"[..], &buf[..5]);
    s.eq("reply sendto", Ok(4), b.send_to(b"pong", &a_addr));
    s.eq("reply recvfrom", Ok((4, b_addr)), a.recv_from(&mut buf));
    // A datagram larger than the buffer: truncated, WSAEMSGSIZE (Winsock's rule).
    s.eq("sendto 20 bytes", Ok(20), a.send_to(&[7u8; 20], &b_addr));
    let mut small = [0u8; 8];
    s.err(
        "recvfrom into 8 bytes",
        WSAEMSGSIZE,
        b.recv_from(&mut small),
    );
    overlapped_datagram(s, &a, &b, a_addr, b_addr);
}

/// An overlapped WSARecvFrom posted before the datagram and an overlapped WSASendTo, each
/// completed through its event: the data, the source address and its length arrive with the
/// completion.
fn overlapped_datagram(
    s: &mut Suite,
    a: &Socket,
    b: &Socket,
    a_addr: SocketAddr,
    b_addr: SocketAddr,
) {
    let event = CreateEventW(null_mut(), TRUE, FALSE, null());
    let mut ov = overlapped(event);
    let mut data = [0u8; 16];
    let mut wsabuf = WSABUF {
        len: 16,
        buf: data.as_mut_ptr().cast(),
    };
    let mut from = [0u8; 128];
    let mut from_len = from.len() as i32;
    let mut flags = 0u32;
    // SAFETY: buffer, address, length, OVERLAPPED and event outlive the request (waited for
    // below, or cancelled by the socket's close before they go).
    let r = unsafe {
        WSARecvFrom(
            b.raw(),
            &mut wsabuf,
            1,
            null_mut(),
            &mut flags,
            from.as_mut_ptr().cast(),
            &mut from_len,
            &mut ov,
            None,
        )
    };
    if !started(s, "WSARecvFrom(overlapped, event)", r) {
        CloseHandle(event);
        return;
    }
    let to = ws2_client::to_windows(&b_addr);
    let mut out = *b"datagram";
    let mut sbuf = WSABUF {
        len: 8,
        buf: out.as_mut_ptr().cast(),
    };
    let send_event = CreateEventW(null_mut(), TRUE, FALSE, null());
    let mut send_ov = overlapped(send_event);
    let (mut bytes, mut out_flags) = (0u32, 0u32);
    // SAFETY: as above; `to` holds a Windows sockaddr of `to.len()` bytes.
    unsafe {
        let r = WSASendTo(
            a.raw(),
            &mut sbuf,
            1,
            null_mut(),
            0,
            to.as_bytes().as_ptr().cast(),
            to.len() as i32,
            &mut send_ov,
            None,
        );
        if started(s, "WSASendTo(overlapped, event)", r) {
            s.eq(
                "the send's event is signalled",
                WAIT_OBJECT_0,
                WaitForSingleObject(send_event, LONG_MS),
            );
            let r =
                WSAGetOverlappedResult(a.raw(), &mut send_ov, &mut bytes, FALSE, &mut out_flags);
            s.eq("WSAGetOverlappedResult(WSASendTo)", (TRUE, 8), (r, bytes));
        }
    }
    s.eq(
        "the receive's event is signalled",
        WAIT_OBJECT_0,
        WaitForSingleObject(event, LONG_MS),
    );
    // SAFETY: the request completed; valid out-pointers.
    let r = unsafe { WSAGetOverlappedResult(b.raw(), &mut ov, &mut bytes, FALSE, &mut out_flags) };
    s.eq("WSAGetOverlappedResult(WSARecvFrom)", (TRUE, 8), (r, bytes));
    s.eq("overlapped datagram data", &b"datagram"[..], &data[..8]);
    let source = usize::try_from(from_len)
        .ok()
        .and_then(|n| from.get(..n))
        .map(ws2_client::from_windows);
    s.eq("lpFrom/lpFromlen: the sender", Some(Ok(a_addr)), source);
    CloseHandle(send_event);
    CloseHandle(event);
}

fn errors(s: &mut Suite) {
    let any = v4();
    s.err(
        "socket(AF 999)",
        WSAEAFNOSUPPORT,
        Socket::new(999, SOCK_STREAM, 0),
    );
    let Some(t) = s.ok("socket(SOCK_STREAM)", Socket::tcp(&any)) else {
        return;
    };
    let mut buf = [0u8; 8];
    s.err(
        "recv on an unconnected socket",
        WSAENOTCONN,
        t.recv(&mut buf),
    );
    s.err(
        "getpeername on an unconnected socket",
        WSAENOTCONN,
        t.peer_addr(),
    );
    s.err("listen before bind", WSAEINVAL, t.listen(1));
    // A port nobody listens on: bind one, then close it.
    let port = {
        let probe = Socket::tcp(&any).and_then(|p| p.bind(&any).map(|_| p));
        match probe.and_then(|p| p.local_addr()) {
            Ok(addr) => addr,
            Err(e) => {
                s.fail("probe port", "success", &format!("{e:?}"));
                return;
            }
        }
    };
    s.err(
        "connect to a closed port",
        WSAECONNREFUSED,
        t.connect(&port),
    );
    let Some(l) = s.ok("socket(SOCK_STREAM)", Socket::tcp(&any)) else {
        return;
    };
    s.ok("bind", l.bind(&any));
    s.ok("listen", l.listen(1));
    let taken = l.local_addr().unwrap_or(any);
    if let Some(second) = s.ok("socket(SOCK_STREAM)", Socket::tcp(&any)) {
        s.err("bind to a port in use", WSAEADDRINUSE, second.bind(&taken));
    }
    s.ok("ioctlsocket(FIONBIO, 1)", l.set_nonblocking(true));
    s.err("non-blocking accept", WSAEWOULDBLOCK, l.accept());
    // closesocket twice: the second time the handle is no socket.
    let raw = l.into_raw();
    s.eq("closesocket", 0, closesocket(raw));
    s.eq("closesocket again", SOCKET_ERROR, closesocket(raw));
    s.eq(
        "closesocket again: WSAENOTSOCK",
        WsaError(WSAENOTSOCK),
        ws2_client::last_error(),
    );
    let mut len = 16;
    // SAFETY: valid out-pointers; the handle is closed.
    let r = unsafe { getsockname(raw, null_mut(), &mut len) };
    s.eq(
        "getsockname on a closed handle",
        (SOCKET_ERROR, WsaError(WSAENOTSOCK)),
        (r, ws2_client::last_error()),
    );
}

fn fd_set_of(sockets: &[SOCKET]) -> fd_set {
    let mut set = fd_set {
        fd_count: sockets.len() as u32,
        fd_array: [0; FD_SETSIZE],
    };
    set.fd_array[..sockets.len()].copy_from_slice(sockets);
    set
}

fn select_area(s: &mut Suite) {
    let Some((listener, client, server)) = tcp_pair(s, v4()) else {
        return;
    };
    let zero = TIMEVAL {
        tv_sec: 0,
        tv_usec: 0,
    };
    let long = TIMEVAL {
        tv_sec: 10,
        tv_usec: 0,
    };
    let mut read = fd_set_of(&[client.raw()]);
    // SAFETY: valid sets and timeouts.
    let r = unsafe { select(0, &mut read, null_mut(), null_mut(), &zero) };
    s.eq("nothing readable yet", (0, 0), (r, read.fd_count));
    let mut write = fd_set_of(&[client.raw()]);
    // SAFETY: as above.
    let r = unsafe { select(0, null_mut(), &mut write, null_mut(), &zero) };
    s.eq(
        "a connected socket is writable",
        (1, 1, client.raw()),
        (r, write.fd_count, write.fd_array[0]),
    );
    s.ok("send", server.send_all(b"sel"));
    let mut read = fd_set_of(&[listener.raw(), client.raw()]);
    // SAFETY: as above.
    let r = unsafe { select(0, &mut read, null_mut(), null_mut(), &long) };
    s.eq(
        "readable once data is there (only that socket)",
        (1, 1, client.raw()),
        (r, read.fd_count, read.fd_array[0]),
    );
    let mut buf = [0u8; 8];
    s.eq("recv", Ok(3), client.recv(&mut buf));
    let empty = fd_set_of(&[]);
    let mut e1 = empty;
    // SAFETY: empty sets.
    let r = unsafe { select(0, &mut e1, null_mut(), null_mut(), &zero) };
    s.eq(
        "select with no sockets",
        (SOCKET_ERROR, WsaError(WSAEINVAL)),
        (r, ws2_client::last_error()),
    );
}

fn event_select(s: &mut Suite) {
    let any = v4();
    let (Some(listener), Some(event)) = (
        s.ok("socket", Socket::tcp(&any)),
        s.ok("WSACreateEvent", Event::new()),
    ) else {
        return;
    };
    s.ok("bind", listener.bind(&any));
    s.ok("listen", listener.listen(2));
    s.ok(
        "WSAEventSelect(FD_ACCEPT)",
        listener.event_select(&event, FD_ACCEPT),
    );
    let addr = listener.local_addr().unwrap_or(any);
    let Some(client) = s.ok("socket", Socket::tcp(&any)) else {
        return;
    };
    // WSAEventSelect makes the socket non-blocking; the client stays blocking.
    s.ok("connect", client.connect(&addr));
    s.eq("FD_ACCEPT signals the event", Ok(true), event.wait(LONG_MS));
    match s.ok(
        "WSAEnumNetworkEvents",
        listener.enum_network_events(Some(&event)),
    ) {
        Some(ev) => {
            s.eq(
                "lNetworkEvents has FD_ACCEPT",
                FD_ACCEPT,
                ev.lNetworkEvents & FD_ACCEPT,
            );
            s.eq("FD_ACCEPT error", 0, ev.iErrorCode[FD_ACCEPT_BIT]);
        }
        None => return,
    }
    s.eq("the event was reset", Ok(false), event.wait(0));
    let Some((server, _)) = s.ok("accept", listener.accept()) else {
        return;
    };
    let Some(rd) = s.ok("WSACreateEvent", Event::new()) else {
        return;
    };
    s.ok(
        "WSAEventSelect(FD_READ | FD_CLOSE)",
        server.event_select(&rd, FD_READ | FD_CLOSE),
    );
    let mut buf = [0u8; 8];
    s.err("recv before data", WSAEWOULDBLOCK, server.recv(&mut buf));
    s.ok("send", client.send_all(b"evt"));
    s.eq("FD_READ signals the event", Ok(true), rd.wait(LONG_MS));
    if let Some(ev) = s.ok(
        "WSAEnumNetworkEvents",
        server.enum_network_events(Some(&rd)),
    ) {
        s.eq(
            "lNetworkEvents has FD_READ",
            FD_READ,
            ev.lNetworkEvents & FD_READ,
        );
    }
    s.eq("recv", Ok(3), server.recv(&mut buf));
    drop(client);
    s.eq("FD_CLOSE signals the event", Ok(true), rd.wait(LONG_MS));
    if let Some(ev) = s.ok(
        "WSAEnumNetworkEvents",
        server.enum_network_events(Some(&rd)),
    ) {
        s.eq(
            "lNetworkEvents has FD_CLOSE",
            FD_CLOSE,
            ev.lNetworkEvents & FD_CLOSE,
        );
        s.eq("FD_CLOSE error (graceful)", 0, ev.iErrorCode[FD_CLOSE_BIT]);
    }
}

/// A message-only window of the calling thread (DefWindowProcW).
fn message_window(name: &str) -> HWND {
    let name: Vec<u16> = name.encode_utf16().chain([0]).collect();
    let class = WNDCLASSEXW {
        cbSize: std::mem::size_of::<WNDCLASSEXW>() as UINT,
        style: 0,
        lpfnWndProc: Some(DefWindowProcW),
        cbClsExtra: 0,
        cbWndExtra: 0,
        hInstance: null_mut(),
        hIcon: null_mut(),
        hCursor: null_mut(),
        hbrBackground: null_mut(),
        lpszMenuName: null(),
        lpszClassName: name.as_ptr(),
        hIconSm: null_mut(),
    };
    // SAFETY: a valid class and NUL-terminated strings.
    unsafe {
        RegisterClassExW(&class);
        CreateWindowExW(
            0,
            name.as_ptr(),
            null(),
            0,
            0,
            0,
            0,
            0,
            HWND_MESSAGE,
            null_mut(),
            null_mut(),
            null_mut(),
        )
    }
}

/// The next WM_SOCKET message of this thread (None after LONG_MS without one).
fn next_socket_message(msg_id: UINT) -> Option<MSG> {
    // SAFETY: MSG is plain data; the calls get valid pointers.
    unsafe {
        let mut msg: MSG = std::mem::zeroed();
        loop {
            if MsgWaitForMultipleObjects(0, null(), FALSE, LONG_MS, QS_ALLINPUT) != WAIT_OBJECT_0 {
                return None;
            }
            while PeekMessageW(&mut msg, null_mut(), 0, 0, PM_REMOVE) != FALSE {
                if msg.message == msg_id {
                    return Some(msg);
                }
            }
        }
    }
}

fn async_select(s: &mut Suite) {
    let Some((_listener, client, server)) = tcp_pair(s, v4()) else {
        return;
    };
    let hwnd = message_window("ws2emu_conform_async_select");
    if !s.eq("CreateWindowExW(HWND_MESSAGE)", true, !hwnd.is_null()) {
        return;
    }
    const WM_SOCKET: UINT = WM_USER + 1;
    // SAFETY: a live window and socket.
    let r = unsafe { WSAAsyncSelect(server.raw(), hwnd, WM_SOCKET, FD_READ | FD_CLOSE) };
    s.eq("WSAAsyncSelect(FD_READ | FD_CLOSE)", 0, r);
    s.ok("send", client.send_all(b"msg"));
    match next_socket_message(WM_SOCKET) {
        Some(msg) => {
            s.eq("message window", hwnd, msg.hwnd);
            s.eq("wParam is the socket", server.raw(), msg.wParam);
            s.eq(
                "WSAGETSELECTEVENT",
                FD_READ as u32,
                msg.lParam as u32 & 0xFFFF,
            );
            s.eq("WSAGETSELECTERROR", 0, msg.lParam as u32 >> 16);
        }
        None => s.fail("FD_READ message", "a WM_SOCKET message", "none within 10 s"),
    }
    let mut buf = [0u8; 8];
    s.eq("recv", Ok(3), server.recv(&mut buf));
    drop(client);
    match next_socket_message(WM_SOCKET) {
        Some(msg) => {
            s.eq(
                "FD_CLOSE message",
                FD_CLOSE as u32,
                msg.lParam as u32 & 0xFFFF,
            );
        }
        None => s.fail(
            "FD_CLOSE message",
            "a WM_SOCKET message",
            "none within 10 s",
        ),
    };
    // SAFETY: as above; 0 events cancels.
    s.eq("WSAAsyncSelect(0)", 0, unsafe {
        WSAAsyncSelect(server.raw(), hwnd, 0, 0)
    });
    DestroyWindow(hwnd);
}

fn overlapped(event: HANDLE) -> WSAOVERLAPPED {
    WSAOVERLAPPED {
        Internal: 0,
        InternalHigh: 0,
        Offset: 0,
        OffsetHigh: 0,
        hEvent: event,
    }
}

/// A WSARecv/WSASend result is success or WSA_IO_PENDING.
fn started(s: &mut Suite, name: &str, r: i32) -> bool {
    let err = ws2_client::last_error();
    if r == 0 || err == WsaError(WSA_IO_PENDING) {
        s.pass(name);
        true
    } else {
        s.fail(name, "0 or WSA_IO_PENDING", &format!("{r}, {err:?}"));
        false
    }
}

fn overlapped_event(s: &mut Suite) {
    let Some((_listener, client, server)) = tcp_pair(s, v4()) else {
        return;
    };
    let event = CreateEventW(null_mut(), TRUE, FALSE, null());
    let mut ov = overlapped(event);
    let mut data = [0u8; 16];
    let mut wsabuf = WSABUF {
        len: 16,
        buf: data.as_mut_ptr().cast(),
    };
    let (mut received, mut flags) = (0u32, 0u32);
    // SAFETY: the buffer, OVERLAPPED and event outlive the request (waited for below).
    let r = unsafe {
        WSARecv(
            server.raw(),
            &mut wsabuf,
            1,
            &mut received,
            &mut flags,
            &mut ov,
            None,
        )
    };
    if !started(s, "WSARecv(overlapped, event)", r) {
        CloseHandle(event);
        return;
    }
    s.ok("send", client.send_all(b"overlap"));
    s.eq(
        "the event is signalled",
        WAIT_OBJECT_0,
        WaitForSingleObject(event, LONG_MS),
    );
    let (mut bytes, mut out_flags) = (0u32, 0u32);
    // SAFETY: the request completed; valid out-pointers.
    let r =
        unsafe { WSAGetOverlappedResult(server.raw(), &mut ov, &mut bytes, FALSE, &mut out_flags) };
    s.eq("WSAGetOverlappedResult", TRUE, r);
    s.eq("bytes", 7, bytes);
    s.eq("data", &b"overlap"[..], &data[..7]);
    s.eq("InternalHigh carries the byte count", 7, ov.InternalHigh);
    // An overlapped WSASend completes too.
    let mut out = *b"back";
    let mut sbuf = WSABUF {
        len: 4,
        buf: out.as_mut_ptr().cast(),
    };
    let mut ov2 = overlapped(event);
    // SAFETY: as above (the event is manual-reset: reset first).
    unsafe {
        ws2_32::kernel32::ResetEvent(event);
        let r = WSASend(server.raw(), &mut sbuf, 1, null_mut(), 0, &mut ov2, None);
        if started(s, "WSASend(overlapped, event)", r) {
            s.eq(
                "the send's event is signalled",
                WAIT_OBJECT_0,
                WaitForSingleObject(event, LONG_MS),
            );
            let r =
                WSAGetOverlappedResult(server.raw(), &mut ov2, &mut bytes, TRUE, &mut out_flags);
            s.eq("WSAGetOverlappedResult(send)", (TRUE, 4), (r, bytes));
        }
    }
    let mut buf = [0u8; 8];
    s.eq("the peer receives it", Ok(4), client.recv(&mut buf));
    CloseHandle(event);
}

static ROUTINE_CALLS: AtomicU32 = AtomicU32::new(0);
static ROUTINE_RESULT: AtomicU32 = AtomicU32::new(u32::MAX);
static ROUTINE_BYTES: AtomicU32 = AtomicU32::new(u32::MAX);

unsafe extern "system" fn completion_routine(
    error: DWORD,
    bytes: DWORD,
    _ov: LPWSAOVERLAPPED,
    _flags: DWORD,
) {
    ROUTINE_RESULT.store(error, Ordering::SeqCst);
    ROUTINE_BYTES.store(bytes, Ordering::SeqCst);
    ROUTINE_CALLS.fetch_add(1, Ordering::SeqCst);
}

fn overlapped_routine(s: &mut Suite) {
    let Some((_listener, client, server)) = tcp_pair(s, v4()) else {
        return;
    };
    ROUTINE_CALLS.store(0, Ordering::SeqCst);
    let mut ov = overlapped(null_mut());
    let mut data = [0u8; 16];
    let mut wsabuf = WSABUF {
        len: 16,
        buf: data.as_mut_ptr().cast(),
    };
    let mut flags = 0u32;
    // SAFETY: buffer and OVERLAPPED outlive the request (the routine runs below, in SleepEx).
    let r = unsafe {
        WSARecv(
            server.raw(),
            &mut wsabuf,
            1,
            null_mut(),
            &mut flags,
            &mut ov,
            Some(completion_routine),
        )
    };
    if !started(s, "WSARecv(completion routine)", r) {
        return;
    }
    s.eq(
        "the routine does not run before an alertable wait",
        0,
        ROUTINE_CALLS.load(Ordering::SeqCst),
    );
    s.ok("send", client.send_all(b"apc!"));
    let mut woke = 0;
    while ROUTINE_CALLS.load(Ordering::SeqCst) == 0 && woke < 10 {
        if SleepEx(LONG_MS, TRUE) != WAIT_IO_COMPLETION {
            break;
        }
        woke += 1;
    }
    s.eq(
        "the routine ran once, in this thread's alertable SleepEx",
        1,
        ROUTINE_CALLS.load(Ordering::SeqCst),
    );
    s.eq("dwError", 0, ROUTINE_RESULT.load(Ordering::SeqCst));
    s.eq("cbTransferred", 4, ROUTINE_BYTES.load(Ordering::SeqCst));
    s.eq("data", &b"apc!"[..], &data[..4]);
}

fn completion_port(s: &mut Suite) {
    let Some((_listener, client, server)) = tcp_pair(s, v4()) else {
        return;
    };
    let port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, null_mut(), 0, 0);
    if !s.eq("CreateIoCompletionPort", true, !port.is_null()) {
        return;
    }
    let assoc = CreateIoCompletionPort(server.raw() as HANDLE, port, 0x5EED, 0);
    s.eq("associate the socket", port, assoc);
    let mut ov = overlapped(null_mut());
    let mut data = [0u8; 16];
    let mut wsabuf = WSABUF {
        len: 16,
        buf: data.as_mut_ptr().cast(),
    };
    let mut flags = 0u32;
    // SAFETY: buffer and OVERLAPPED outlive the request (dequeued below).
    let r = unsafe {
        WSARecv(
            server.raw(),
            &mut wsabuf,
            1,
            null_mut(),
            &mut flags,
            &mut ov,
            None,
        )
    };
    if started(s, "WSARecv(completion port)", r) {
        s.ok("send", client.send_all(b"iocp"));
        let (mut bytes, mut key) = (0u32, 0usize);
        let mut got: LPOVERLAPPED = null_mut();
        // SAFETY: valid out-pointers.
        let r = unsafe { GetQueuedCompletionStatus(port, &mut bytes, &mut key, &mut got, LONG_MS) };
        let ov_ptr: LPOVERLAPPED = (&mut ov as *mut WSAOVERLAPPED).cast();
        s.eq(
            "GetQueuedCompletionStatus (result, bytes, key, OVERLAPPED)",
            (TRUE, 4, 0x5EED, ov_ptr),
            (r, bytes, key, got),
        );
        s.eq("data", &b"iocp"[..], &data[..4]);
    }
    CloseHandle(port);
}

fn close_area(s: &mut Suite) {
    let Some((_listener, client, server)) = tcp_pair(s, v4()) else {
        return;
    };
    // closesocket with an overlapped receive pending: it completes with WSA_OPERATION_ABORTED.
    let event = CreateEventW(null_mut(), TRUE, FALSE, null());
    let mut ov = overlapped(event);
    let mut data = [0u8; 16];
    let mut wsabuf = WSABUF {
        len: 16,
        buf: data.as_mut_ptr().cast(),
    };
    let mut flags = 0u32;
    let raw = server.into_raw();
    // SAFETY: buffer, OVERLAPPED and event outlive the request (waited for below).
    let r = unsafe { WSARecv(raw, &mut wsabuf, 1, null_mut(), &mut flags, &mut ov, None) };
    if started(s, "WSARecv(pending)", r) {
        s.eq("closesocket with a request pending", 0, closesocket(raw));
        s.eq(
            "the request completes",
            WAIT_OBJECT_0,
            WaitForSingleObject(event, LONG_MS),
        );
        s.eq(
            "Internal is an error status (not STATUS_SUCCESS)",
            true,
            ov.Internal != 0 && ov.Internal != WSS_OPERATION_IN_PROGRESS,
        );
    } else {
        closesocket(raw);
    }
    CloseHandle(event);
    // The peer sees the connection end.
    let mut buf = [0u8; 8];
    let end = client.recv(&mut buf);
    s.eq(
        "the peer's recv ends (0 or WSAECONNRESET)",
        true,
        matches!(end, Ok(0) | Err(WsaError(WSAECONNRESET))),
    );
}

/// getsockopt of an int-sized option: (result, value, length, last error).
fn get_int(s: SOCKET, level: i32, name: i32) -> (i32, i32, i32, WsaError) {
    let (mut value, mut len) = (-1i32, 4i32);
    // SAFETY: a 4-byte buffer and its length.
    let r = unsafe { getsockopt(s, level, name, (&mut value as *mut i32).cast(), &mut len) };
    (r, value, len, ws2_client::last_error())
}

fn set_int(s: SOCKET, level: i32, name: i32, value: i32) -> i32 {
    // SAFETY: a 4-byte value.
    unsafe { setsockopt(s, level, name, (&value as *const i32).cast(), 4) }
}

fn options(s: &mut Suite) {
    let Some((_listener, client, server)) = tcp_pair(s, v4()) else {
        return;
    };
    let c = client.raw();
    let (r, value, len, _) = get_int(c, SOL_SOCKET, SO_TYPE);
    s.eq("getsockopt(SO_TYPE)", (0, SOCK_STREAM, 4), (r, value, len));
    let mut tiny = 0u8;
    let mut one = 1i32;
    // SAFETY: a 1-byte buffer, length 1.
    let r = unsafe {
        getsockopt(
            c,
            SOL_SOCKET,
            SO_TYPE,
            (&mut tiny as *mut u8).cast(),
            &mut one,
        )
    };
    s.eq(
        "getsockopt with a 1-byte buffer",
        (SOCKET_ERROR, WsaError(WSAEFAULT)),
        (r, ws2_client::last_error()),
    );
    s.eq(
        "setsockopt(TCP_NODELAY, 1)",
        0,
        set_int(c, IPPROTO_TCP, TCP_NODELAY, 1),
    );
    let (r, value, _, _) = get_int(c, IPPROTO_TCP, TCP_NODELAY);
    s.eq("getsockopt(TCP_NODELAY) is on", (0, true), (r, value != 0));
    s.eq(
        "setsockopt(SO_KEEPALIVE, 1)",
        0,
        set_int(c, SOL_SOCKET, SO_KEEPALIVE, 1),
    );
    let (r, value, _, _) = get_int(c, SOL_SOCKET, SO_KEEPALIVE);
    s.eq("getsockopt(SO_KEEPALIVE) is on", (0, true), (r, value != 0));
    let (r, value, _, _) = get_int(c, SOL_SOCKET, SO_ERROR);
    s.eq(
        "getsockopt(SO_ERROR) on a healthy socket",
        (0, 0),
        (r, value),
    );
    // A receive timeout: a blocking recv without data fails with WSAETIMEDOUT.
    s.eq(
        "setsockopt(SO_RCVTIMEO, 100)",
        0,
        set_int(c, SOL_SOCKET, SO_RCVTIMEO, 100),
    );
    let (r, value, _, _) = get_int(c, SOL_SOCKET, SO_RCVTIMEO);
    s.eq("getsockopt(SO_RCVTIMEO)", (0, 100), (r, value));
    let mut buf = [0u8; 8];
    s.err("recv past SO_RCVTIMEO", WSAETIMEDOUT, client.recv(&mut buf));
    // FIONREAD: the bytes waiting, once select says they are there.
    s.ok("send", server.send_all(b"fionr"));
    let mut read = fd_set_of(&[c]);
    let long = TIMEVAL {
        tv_sec: 10,
        tv_usec: 0,
    };
    // SAFETY: valid set and timeout.
    let r = unsafe { select(0, &mut read, null_mut(), null_mut(), &long) };
    s.eq("select: readable", 1, r);
    let mut unread = 0u32;
    // SAFETY: a writable u_long.
    let r = unsafe { ioctlsocket(c, FIONREAD as i32, &mut unread) };
    s.eq("ioctlsocket(FIONREAD)", (0, 5), (r, unread));
    s.eq("recv", Ok(5), client.recv(&mut buf));
}

/// An extension function of the socket's provider (SIO_GET_EXTENSION_FUNCTION_POINTER).
fn extension(s: &mut Suite, socket: SOCKET, name: &str, mut id: GUID) -> usize {
    let (mut pointer, mut bytes) = (0usize, 0u32);
    // SAFETY: the GUID and pointer buffers with their sizes.
    let r = unsafe {
        WSAIoctl(
            socket,
            SIO_GET_EXTENSION_FUNCTION_POINTER,
            (&mut id as *mut GUID).cast(),
            16,
            (&mut pointer as *mut usize).cast(),
            8,
            &mut bytes,
            null_mut(),
            None,
        )
    };
    s.eq(
        &format!("WSAIoctl(SIO_GET_EXTENSION_FUNCTION_POINTER, {name})"),
        (0, 8, true),
        (r, bytes, pointer != 0),
    );
    pointer
}

/// An extension function's BOOL result is TRUE or FALSE with WSA_IO_PENDING.
fn ex_started(s: &mut Suite, name: &str, r: BOOL) {
    let err = ws2_client::last_error();
    if r == TRUE || err == WsaError(WSA_IO_PENDING) {
        s.pass(name);
    } else {
        s.fail(name, "TRUE or WSA_IO_PENDING", &format!("FALSE, {err:?}"));
    }
}

fn accept_connect_ex(s: &mut Suite) {
    let any = v4();
    let (Some(listener), Some(accepted), Some(client)) = (
        s.ok("socket", Socket::tcp(&any)),
        s.ok("socket", Socket::tcp(&any)),
        s.ok("socket", Socket::tcp(&any)),
    ) else {
        return;
    };
    s.ok("bind", listener.bind(&any));
    s.ok("listen", listener.listen(2));
    s.ok("bind the ConnectEx socket", client.bind(&any));
    let Ok(addr) = listener.local_addr() else {
        return;
    };
    let accept_ex = extension(s, listener.raw(), "WSAID_ACCEPTEX", WSAID_ACCEPTEX);
    let connect_ex = extension(s, client.raw(), "WSAID_CONNECTEX", WSAID_CONNECTEX);
    if accept_ex == 0 || connect_ex == 0 {
        return;
    }
    // SAFETY: the provider returned these as LPFN_ACCEPTEX / LPFN_CONNECTEX.
    let (accept_ex, connect_ex): (LPFN_ACCEPTEX, LPFN_CONNECTEX) = unsafe {
        (
            std::mem::transmute::<usize, LPFN_ACCEPTEX>(accept_ex),
            std::mem::transmute::<usize, LPFN_CONNECTEX>(connect_ex),
        )
    };
    let (Some(accept_ex), Some(connect_ex)) = (accept_ex, connect_ex) else {
        return;
    };
    let accept_event = CreateEventW(null_mut(), TRUE, FALSE, null());
    let connect_event = CreateEventW(null_mut(), TRUE, FALSE, null());
    let mut accept_ov = overlapped(accept_event);
    let mut connect_ov = overlapped(connect_event);
    let mut out = [0u8; 2 * 44];
    let mut hello = *b"hello ex";
    let (mut got, mut sent) = (0u32, 0u32);
    let name = SOCKADDR_IN {
        sin_family: AF_INET as u16,
        sin_port: addr.port().to_be(),
        sin_addr: IN_ADDR {
            S_un: IN_ADDR_S_un {
                S_addr: u32::from(Ipv4Addr::LOCALHOST).to_be(),
            },
        },
        sin_zero: [0; 8],
    };
    let len = std::mem::size_of::<SOCKADDR_IN>() as i32;
    // SAFETY: buffers, OVERLAPPEDs and events outlive the requests (waited for below).
    unsafe {
        let r = accept_ex(
            listener.raw(),
            accepted.raw(),
            out.as_mut_ptr().cast(),
            0,
            44,
            44,
            &mut got,
            (&mut accept_ov as *mut WSAOVERLAPPED).cast(),
        );
        ex_started(s, "AcceptEx", r);
        let r = connect_ex(
            client.raw(),
            (&name as *const SOCKADDR_IN).cast(),
            len,
            hello.as_mut_ptr().cast(),
            8,
            &mut sent,
            (&mut connect_ov as *mut WSAOVERLAPPED).cast(),
        );
        ex_started(s, "ConnectEx", r);
        s.eq(
            "ConnectEx completes",
            WAIT_OBJECT_0,
            WaitForSingleObject(connect_event, LONG_MS),
        );
        s.eq(
            "AcceptEx completes",
            WAIT_OBJECT_0,
            WaitForSingleObject(accept_event, LONG_MS),
        );
        let (mut bytes, mut flags) = (0u32, 0u32);
        let r =
            WSAGetOverlappedResult(client.raw(), &mut connect_ov, &mut bytes, FALSE, &mut flags);
        s.eq("ConnectEx result (sent bytes)", (TRUE, 8), (r, bytes));
        let r = WSAGetOverlappedResult(
            accepted.raw(),
            &mut accept_ov,
            &mut bytes,
            FALSE,
            &mut flags,
        );
        s.eq("AcceptEx result (no receive)", (TRUE, 0), (r, bytes));
        let listen_handle = listener.raw();
        let r = setsockopt(
            accepted.raw(),
            SOL_SOCKET,
            SO_UPDATE_ACCEPT_CONTEXT,
            (&listen_handle as *const SOCKET).cast(),
            8,
        );
        s.eq("setsockopt(SO_UPDATE_ACCEPT_CONTEXT)", 0, r);
        let r = setsockopt(
            client.raw(),
            SOL_SOCKET,
            SO_UPDATE_CONNECT_CONTEXT,
            null(),
            0,
        );
        s.eq("setsockopt(SO_UPDATE_CONNECT_CONTEXT)", 0, r);
    }
    s.eq(
        "getpeername of the accepted socket",
        client.local_addr(),
        accepted.peer_addr(),
    );
    let mut buf = [0u8; 16];
    let n = s
        .ok("recv the ConnectEx data", accepted.recv(&mut buf))
        .unwrap_or(0);
    s.eq("data", &b"hello ex"[..], &buf[..n]);
    CloseHandle(accept_event);
    CloseHandle(connect_event);
}
