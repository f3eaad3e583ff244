//! WSPSelect on Windows fd_sets.

mod base_common;
use base_common::*;
use ws2_abi::*;

#[test]
fn readiness() {
    let p = provider();
    let l = p.socket(TCP4).unwrap();
    p.bind(l, &v4(LOOP4, 0)).unwrap();
    p.listen(l, 5).unwrap();
    let fresh = p.socket(TCP4).unwrap();
    // Nothing ready: 0, and every set comes back empty.
    assert_eq!(
        p.select(&[l, fresh], &[fresh], &[l, fresh], ZERO_TIMEOUT),
        Ok((0, vec![], vec![], vec![]))
    );
    let c = p.socket(TCP4).unwrap();
    p.connect(c, &v4(LOOP4, p.sockname(l).unwrap().port()))
        .unwrap();
    // A pending connection makes the listener readable (NULL timeout: wait for it).
    assert_eq!(
        p.select(&[l], &[], &[], None),
        Ok((1, vec![l], vec![], vec![]))
    );
    let s = p.accept(l).unwrap();
    // Connected and idle: writable, not readable. The count is per set membership.
    assert_eq!(
        p.select(&[c, s], &[c, s], &[c, s], ZERO_TIMEOUT),
        Ok((2, vec![], vec![c, s], vec![]))
    );
    p.send(c, b"x").unwrap();
    assert_eq!(
        p.select(&[c, s], &[], &[], None),
        Ok((1, vec![s], vec![], vec![]))
    );
    // A graceful close is readable (recv would return 0).
    p.recv(s, 1).unwrap();
    p.shutdown(c, SD_SEND).unwrap();
    assert_eq!(
        p.select(&[s], &[], &[], None),
        Ok((1, vec![s], vec![], vec![]))
    );
    for h in [l, fresh, c, s] {
        p.close(h).unwrap();
    }
}

#[test]
fn argument_errors() {
    let p = provider();
    assert_eq!(
        p.select(&[], &[], &[], ZERO_TIMEOUT),
        Err(WSAEINVAL),
        "all sets empty"
    );
    let mut e = 0;
    // SAFETY: NULL sets are allowed by the contract.
    let r = unsafe {
        p.t.lpWSPSelect.unwrap()(
            0,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            std::ptr::null(),
            &mut e,
        )
    };
    assert_eq!((r, e), (SOCKET_ERROR, WSAEINVAL));
    let s = p.socket(UDP4).unwrap();
    let bad = Some(TIMEVAL {
        tv_sec: -1,
        tv_usec: 0,
    });
    assert_eq!(p.select(&[s], &[], &[], bad), Err(WSAEINVAL));
    p.close(s).unwrap();
    // A value that is neither our socket nor an open descriptor (a closed one could be
    // reused by a parallel test).
    assert_eq!(
        p.select(&[0x3fff_fff0], &[], &[], ZERO_TIMEOUT),
        Err(WSAENOTSOCK)
    );
}

#[test]
fn udp_readiness_and_timeout() {
    let p = provider();
    let a = p.socket(UDP6).unwrap();
    p.bind(a, &v6(LOOP6, 0)).unwrap();
    let short = Some(TIMEVAL {
        tv_sec: 0,
        tv_usec: 20_000,
    });
    assert_eq!(
        p.select(&[a], &[], &[], short),
        Ok((0, vec![], vec![], vec![]))
    );
    assert_eq!(
        p.select(&[a], &[a], &[], None),
        Ok((1, vec![], vec![a], vec![]))
    );
    p.send_to(a, b"self", &p.sockname(a).unwrap()).unwrap();
    assert_eq!(
        p.select(&[a], &[], &[], None),
        Ok((1, vec![a], vec![], vec![]))
    );
    p.close(a).unwrap();
}
