//! WSPAsyncSelect, WSPEventSelect and WSPEnumNetworkEvents (spec §7, checklist 103–115), driven
//! by the provider's reactor. Negative checks ("no further message") use a barrier: a second
//! connection selected on the same window; once its message arrives, the reactor has handled
//! every readiness change made before it.
#![allow(unsafe_code)] // calls the provider and ws2_32 through C function pointers

mod base_common;
use base_common::asyncio::*;
use base_common::*;
use ws2_32::winsock::WSAWaitForMultipleEvents;
use ws2_abi::*;

const WM_SOCK: u32 = WM_USER + 1;
const WM_BARRIER: u32 = WM_USER + 2;

struct Barrier {
    c: SOCKET,
    s: SOCKET,
}

impl Barrier {
    fn new(p: &Provider, hwnd: HWND) -> Self {
        let (_l, c, s) = p.tcp_pair(TCP4);
        p.async_select(s, hwnd, WM_BARRIER, FD_READ).unwrap();
        Barrier { c, s }
    }

    /// Returns once the reactor has handled everything that happened before the call.
    fn sync(&self, p: &Provider) {
        p.send(self.c, b"x").unwrap();
        assert_eq!(next_message(WM_BARRIER, self.s), FD_READ as LPARAM);
        assert_eq!(p.recv(self.s, 10).unwrap(), b"x");
    }
}

fn linger_abort(p: &Provider, s: SOCKET) {
    // struct linger { u_short l_onoff = 1; u_short l_linger = 0; }: close sends a reset.
    p.set_opt(s, SOL_SOCKET, SO_LINGER, &[1, 0, 0, 0]).unwrap();
    p.close(s).unwrap();
}

fn readable(p: &Provider, s: SOCKET) {
    let t = TIMEVAL {
        tv_sec: 10,
        tv_usec: 0,
    };
    assert_eq!(p.select(&[s], &[], &[], Some(t)).unwrap().0, 1);
}

#[test]
fn fd_read_is_reported_once_until_a_receive_and_again_while_data_remains() {
    let p = started();
    let hwnd = message_window();
    let barrier = Barrier::new(p, hwnd);
    let (_l, c, s) = p.tcp_pair(TCP4);
    p.send(c, &[7; 100]).unwrap();
    readable(p, s);
    p.async_select(s, hwnd, WM_SOCK, FD_READ).unwrap();
    assert_eq!(next_message(WM_SOCK, s), 0x0000_0001, "checklist 103");
    p.send(c, &[8; 10]).unwrap();
    barrier.sync(p);
    assert!(
        queued_messages(WM_SOCK, s).is_empty(),
        "no second FD_READ before a recv"
    );
    assert_eq!(p.recv(s, 50).unwrap().len(), 50);
    assert_eq!(
        next_message(WM_SOCK, s),
        0x0000_0001,
        "checklist 104: data remains"
    );
    assert_eq!(p.recv(s, 1000).unwrap().len(), 60);
    barrier.sync(p);
    assert!(
        queued_messages(WM_SOCK, s).is_empty(),
        "nothing left to read"
    );
    p.send(c, b"more").unwrap();
    assert_eq!(
        next_message(WM_SOCK, s),
        0x0000_0001,
        "re-enabled by the recv"
    );
}

#[test]
fn a_reset_is_fd_close_with_wsaeconnreset() {
    let p = started();
    let hwnd = message_window();
    let (_l, c, s) = p.tcp_pair(TCP4);
    p.async_select(s, hwnd, WM_SOCK, FD_READ | FD_CLOSE)
        .unwrap();
    linger_abort(p, c);
    assert_eq!(next_message(WM_SOCK, s), 0x2746_0020, "checklist 105");
    assert_eq!(p.recv(s, 10), Err(WSAECONNRESET));
}

#[test]
fn a_graceful_close_is_fd_close_once_all_data_is_read() {
    let p = started();
    let hwnd = message_window();
    let barrier = Barrier::new(p, hwnd);
    let (_l, c, s) = p.tcp_pair(TCP4);
    p.send(c, b"hello").unwrap();
    p.shutdown(c, SD_SEND).unwrap();
    readable(p, s);
    p.async_select(s, hwnd, WM_SOCK, FD_READ | FD_CLOSE)
        .unwrap();
    assert_eq!(next_message(WM_SOCK, s), FD_READ as LPARAM);
    barrier.sync(p);
    assert!(
        queued_messages(WM_SOCK, s).is_empty(),
        "no FD_CLOSE while data is unread"
    );
    assert_eq!(p.recv(s, 10).unwrap(), b"hello");
    assert_eq!(next_message(WM_SOCK, s), 0x0000_0020, "checklist 105");
    assert_eq!(p.recv(s, 10).unwrap(), b"", "end of stream");
    barrier.sync(p);
    assert!(
        queued_messages(WM_SOCK, s).is_empty(),
        "FD_CLOSE once, no FD_READ for EOF"
    );
}

#[test]
fn fionbio_back_to_blocking_fails_while_selected() {
    let p = started();
    let hwnd = message_window();
    let (_l, _c, s) = p.tcp_pair(TCP4);
    p.async_select(s, hwnd, WM_SOCK, FD_READ).unwrap();
    let off = 0u32.to_ne_bytes();
    assert_eq!(
        p.ioctl(s, FIONBIO, &off, 0),
        Err(WSAEINVAL),
        "checklist 106"
    );
    assert_eq!(
        p.recv(s, 1),
        Err(WSAEWOULDBLOCK),
        "the selection made it non-blocking"
    );
    p.async_select(s, hwnd, 0, 0).unwrap();
    assert_eq!(p.ioctl(s, FIONBIO, &off, 0), Ok(vec![]));
    let ev = manual_event();
    p.event_select(s, ev, FD_READ).unwrap();
    assert_eq!(p.ioctl(s, FIONBIO, &off, 0), Err(WSAEINVAL));
    p.event_select(s, std::ptr::null_mut(), 0).unwrap();
    assert_eq!(p.ioctl(s, FIONBIO, &off, 0), Ok(vec![]));
    assert_eq!(
        p.async_select(s, std::ptr::null_mut(), WM_SOCK, FD_READ),
        Err(WSAEINVAL)
    );
    assert_eq!(
        p.async_select(0x7fff_fff0, hwnd, WM_SOCK, FD_READ),
        Err(WSAENOTSOCK)
    );
    close_handle(ev);
}

#[test]
fn a_pending_connection_is_reported_at_once_and_accepted_sockets_inherit() {
    let p = started();
    let hwnd = message_window();
    let l = p.socket(TCP4).unwrap();
    p.bind(l, &v4(LOOP4, 0)).unwrap();
    p.listen(l, 5).unwrap();
    let c = p.socket(TCP4).unwrap();
    p.connect(c, &v4(LOOP4, p.sockname(l).unwrap().port()))
        .unwrap();
    p.async_select(l, hwnd, WM_SOCK, FD_ACCEPT | FD_READ | FD_WRITE)
        .unwrap();
    assert_eq!(
        next_message(WM_SOCK, l),
        FD_ACCEPT as LPARAM,
        "checklist 107"
    );
    let a = p.accept(l).unwrap();
    assert_eq!(
        next_message(WM_SOCK, a),
        FD_WRITE as LPARAM,
        "inherited selection"
    );
    p.send(c, b"x").unwrap();
    assert_eq!(next_message(WM_SOCK, a), FD_READ as LPARAM);
}

#[test]
fn fd_connect_reports_refusal_and_comes_before_fd_write() {
    let p = started();
    let hwnd = message_window();
    // A port nobody listens on: bound, then closed.
    let gone = p.socket(TCP4).unwrap();
    p.bind(gone, &v4(LOOP4, 0)).unwrap();
    let port = p.sockname(gone).unwrap().port();
    p.close(gone).unwrap();
    let c = p.socket(TCP4).unwrap();
    p.async_select(c, hwnd, WM_SOCK, FD_CONNECT | FD_WRITE)
        .unwrap();
    assert_eq!(p.connect(c, &v4(LOOP4, port)), Err(WSAEWOULDBLOCK));
    assert_eq!(
        next_message(WM_SOCK, c),
        0x274D_0010,
        "checklist 108: refused"
    );

    let l = p.socket(TCP4).unwrap();
    p.bind(l, &v4(LOOP4, 0)).unwrap();
    p.listen(l, 5).unwrap();
    let c = p.socket(TCP4).unwrap();
    p.async_select(c, hwnd, WM_SOCK, FD_CONNECT | FD_WRITE)
        .unwrap();
    let r = p.connect(c, &v4(LOOP4, p.sockname(l).unwrap().port()));
    assert!(matches!(r, Ok(()) | Err(WSAEWOULDBLOCK)), "{r:?}");
    assert_eq!(next_message(WM_SOCK, c), FD_CONNECT as LPARAM);
    assert_eq!(
        next_message(WM_SOCK, c),
        FD_WRITE as LPARAM,
        "FD_WRITE after FD_CONNECT"
    );
}

#[test]
fn event_select_replaces_async_select() {
    let p = started();
    let hwnd = message_window();
    let barrier = Barrier::new(p, hwnd);
    let (_l, c, s) = p.tcp_pair(TCP4);
    p.async_select(s, hwnd, WM_SOCK, FD_READ).unwrap();
    let ev = manual_event();
    p.event_select(s, ev, FD_READ).unwrap();
    p.send(c, b"data").unwrap();
    assert_eq!(wait_event(ev), WSA_WAIT_EVENT_0);
    barrier.sync(p);
    assert!(queued_messages(WM_SOCK, s).is_empty(), "checklist 109");
    close_handle(ev);
}

fn wait_event(ev: HANDLE) -> u32 {
    // SAFETY: one valid event handle.
    unsafe { WSAWaitForMultipleEvents(1, &ev, FALSE, LONG_MS, FALSE) }
}

fn blank() -> WSANETWORKEVENTS {
    WSANETWORKEVENTS {
        lNetworkEvents: 0x5555,
        iErrorCode: [0x77; 10],
    }
}

#[test]
fn the_event_select_record() {
    let p = started();
    let (_l, c, s) = p.tcp_pair(TCP4);
    let ev = manual_event();
    p.event_select(s, ev, FD_READ | FD_CLOSE).unwrap();
    p.send(c, &[1; 10]).unwrap();
    assert_eq!(wait_event(ev), WSA_WAIT_EVENT_0);
    let mut ne = blank();
    p.enum_events(s, ev, &mut ne).unwrap();
    assert_eq!(ne.lNetworkEvents, FD_READ, "checklist 110");
    assert_eq!(ne.iErrorCode[FD_READ_BIT], 0);
    assert!(
        ne.iErrorCode[1..].iter().all(|&e| e == 0x77),
        "checklist 112"
    );
    assert!(!signalled(ev, 0), "reset by the enumeration");
    let mut ne = blank();
    p.enum_events(s, ev, &mut ne).unwrap();
    assert_eq!(ne.lNetworkEvents, 0, "checklist 111");

    // 113: without an event the record is cleared and the event left signalled.
    assert_eq!(p.recv(s, 100).unwrap().len(), 10);
    p.send(c, &[2; 5]).unwrap();
    assert!(signalled(ev, LONG_MS));
    let mut ne = blank();
    p.enum_events(s, std::ptr::null_mut(), &mut ne).unwrap();
    assert_eq!(ne.lNetworkEvents, FD_READ, "checklist 113");
    assert!(signalled(ev, 0));
    let mut ne = blank();
    p.enum_events(s, std::ptr::null_mut(), &mut ne).unwrap();
    assert_eq!(ne.lNetworkEvents, 0);

    // 114: failures clear nothing.
    ws2_32::kernel32::ResetEvent(ev);
    assert_eq!(p.recv(s, 100).unwrap().len(), 5);
    p.send(c, &[3; 5]).unwrap();
    assert!(signalled(ev, LONG_MS));
    let mut ne = blank();
    assert_eq!(p.enum_events(0x7fff_fff0, ev, &mut ne), Err(WSAENOTSOCK));
    // SAFETY: valid socket and event, NULL output checked by the provider.
    let r = int(|e| unsafe { p.t.lpWSPEnumNetworkEvents.unwrap()(s, ev, std::ptr::null_mut(), e) });
    assert_eq!(r, Err(WSAEFAULT), "checklist 114");
    assert!(signalled(ev, 0), "not reset on failure");
    p.enum_events(s, ev, &mut ne).unwrap();
    assert_eq!(ne.lNetworkEvents, FD_READ, "not cleared on failure");

    // 115: a new selection clears the record; a reset is FD_CLOSE with WSAECONNRESET.
    assert_eq!(p.recv(s, 100).unwrap().len(), 5);
    p.send(c, &[4; 5]).unwrap();
    assert!(signalled(ev, LONG_MS));
    p.event_select(s, ev, FD_CLOSE).unwrap();
    let mut ne = blank();
    p.enum_events(s, ev, &mut ne).unwrap();
    assert_eq!(ne.lNetworkEvents, 0, "checklist 115: record cleared");
    linger_abort(p, c);
    assert_eq!(wait_event(ev), WSA_WAIT_EVENT_0);
    let mut ne = blank();
    p.enum_events(s, ev, &mut ne).unwrap();
    assert_eq!(ne.lNetworkEvents, FD_CLOSE);
    assert_eq!(ne.iErrorCode[FD_CLOSE_BIT], WSAECONNRESET);
    close_handle(ev);
}
