//! The errno table in ws2-os (which cannot depend on ws2-abi) uses the same numbers as ws2-abi.

use ws2_abi as w;
use ws2_os::wsa;

#[test]
fn table_codes_match_the_abi() {
    let pairs = [
        (wsa::WSAEINTR, w::WSAEINTR),
        (wsa::WSAEACCES, w::WSAEACCES),
        (wsa::WSAEFAULT, w::WSAEFAULT),
        (wsa::WSAEINVAL, w::WSAEINVAL),
        (wsa::WSAEMFILE, w::WSAEMFILE),
        (wsa::WSAEWOULDBLOCK, w::WSAEWOULDBLOCK),
        (wsa::WSAEALREADY, w::WSAEALREADY),
        (wsa::WSAENOTSOCK, w::WSAENOTSOCK),
        (wsa::WSAEDESTADDRREQ, w::WSAEDESTADDRREQ),
        (wsa::WSAEMSGSIZE, w::WSAEMSGSIZE),
        (wsa::WSAEPROTOTYPE, w::WSAEPROTOTYPE),
        (wsa::WSAENOPROTOOPT, w::WSAENOPROTOOPT),
        (wsa::WSAEPROTONOSUPPORT, w::WSAEPROTONOSUPPORT),
        (wsa::WSAESOCKTNOSUPPORT, w::WSAESOCKTNOSUPPORT),
        (wsa::WSAEOPNOTSUPP, w::WSAEOPNOTSUPP),
        (wsa::WSAEPFNOSUPPORT, w::WSAEPFNOSUPPORT),
        (wsa::WSAEAFNOSUPPORT, w::WSAEAFNOSUPPORT),
        (wsa::WSAEADDRINUSE, w::WSAEADDRINUSE),
        (wsa::WSAEADDRNOTAVAIL, w::WSAEADDRNOTAVAIL),
        (wsa::WSAENETDOWN, w::WSAENETDOWN),
        (wsa::WSAENETUNREACH, w::WSAENETUNREACH),
        (wsa::WSAENETRESET, w::WSAENETRESET),
        (wsa::WSAECONNABORTED, w::WSAECONNABORTED),
        (wsa::WSAECONNRESET, w::WSAECONNRESET),
        (wsa::WSAENOBUFS, w::WSAENOBUFS),
        (wsa::WSAEISCONN, w::WSAEISCONN),
        (wsa::WSAENOTCONN, w::WSAENOTCONN),
        (wsa::WSAESHUTDOWN, w::WSAESHUTDOWN),
        (wsa::WSAETOOMANYREFS, w::WSAETOOMANYREFS),
        (wsa::WSAETIMEDOUT, w::WSAETIMEDOUT),
        (wsa::WSAECONNREFUSED, w::WSAECONNREFUSED),
        (wsa::WSAELOOP, w::WSAELOOP),
        (wsa::WSAENAMETOOLONG, w::WSAENAMETOOLONG),
        (wsa::WSAEHOSTDOWN, w::WSAEHOSTDOWN),
        (wsa::WSAEHOSTUNREACH, w::WSAEHOSTUNREACH),
        (wsa::WSAENOTEMPTY, w::WSAENOTEMPTY),
        (wsa::WSAEUSERS, w::WSAEUSERS),
        (wsa::WSAEDQUOT, w::WSAEDQUOT),
        (wsa::WSAESTALE, w::WSAESTALE),
        (wsa::WSAEREMOTE, w::WSAEREMOTE),
        (wsa::WSAECANCELLED, w::WSAECANCELLED),
        (wsa::WSASYSCALLFAILURE, w::WSASYSCALLFAILURE),
    ];
    for (table, abi) in pairs {
        assert_eq!(table, abi);
    }
}
