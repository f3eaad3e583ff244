//! WSPStartup negotiation and the WSPStartup/WSPCleanup reference count. Process-wide state:
//! this file is its own test binary, and its one test runs the steps in order.

mod base_common;
use base_common::*;
use ws2_abi::*;

fn cleanup(t: &WSPPROC_TABLE) -> Result<(), i32> {
    let mut e = 0;
    // SAFETY: valid pointer.
    let r = unsafe { t.lpWSPCleanup.unwrap()(&mut e) };
    if r == 0 {
        Ok(())
    } else {
        assert_eq!(r, SOCKET_ERROR);
        Err(e)
    }
}

#[test]
fn negotiation_and_reference_count() {
    // Versions.
    let (rc, data, table) = start(0x0202, TCP4);
    assert_eq!(rc, 0);
    assert_eq!((data.wVersion, data.wHighVersion), (0x0202, 0x0202));
    let description = String::from_utf16_lossy(
        &data.szDescription[..data.szDescription.iter().position(|&c| c == 0).unwrap()],
    );
    assert!(description.contains("ws2emu"), "{description}");
    let t = table.unwrap();
    let (rc, data, _) = start(0x0002, UDP6);
    assert_eq!((rc, data.wVersion, data.wHighVersion), (0, 0x0002, 0x0202));
    let (rc, data, _) = start(0x0303, TCP6);
    assert_eq!((rc, data.wVersion, data.wHighVersion), (0, 0x0202, 0x0202));
    for low in [0x0101, 0x0001, 0x0000] {
        let (rc, data, table) = start(low, TCP4);
        assert_eq!(rc, WSAVERNOTSUPPORTED);
        assert!(table.is_none());
        assert_eq!(data.wHighVersion, 0, "nothing written on failure");
    }
    // NULL data / table: WSAEFAULT.
    let mut info = info(TCP4);
    let mut table = std::mem::MaybeUninit::<WSPPROC_TABLE>::zeroed();
    let mut data = blank_data();
    // SAFETY: NULL pointers are checked by the provider.
    unsafe {
        let f = startup_fn();
        let up = ws2_32::upcalls::upcall_table();
        assert_eq!(
            f(
                0x0202,
                std::ptr::null_mut(),
                &mut info,
                up,
                table.as_mut_ptr()
            ),
            WSAEFAULT
        );
        assert_eq!(
            f(0x0202, &mut data, &mut info, up, std::ptr::null_mut()),
            WSAEFAULT
        );
    }

    // Three successful startups so far: a socket lives until the third cleanup.
    let p = Provider { t };
    let s = p.socket(TCP4).unwrap();
    p.bind(s, &v4(LOOP4, 0)).unwrap();
    cleanup(&t).unwrap();
    cleanup(&t).unwrap();
    assert!(p.sockname(s).is_ok(), "still started");
    cleanup(&t).unwrap();
    // The last cleanup closed it.
    assert_eq!(p.sockname(s), Err(WSAENOTSOCK));
    assert!(!ws2_os::is_open_descriptor(s), "descriptor closed");
    assert_eq!(cleanup(&t), Err(WSANOTINITIALISED));
    assert_eq!(p.socket(TCP4), Err(WSANOTINITIALISED));
    // Started again, it works again.
    let (rc, _, _) = start(0x0202, TCP4);
    assert_eq!(rc, 0);
    let s = p.socket(UDP4).unwrap();
    p.close(s).unwrap();
    cleanup(&t).unwrap();
}
