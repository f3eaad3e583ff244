//! Shared by the base provider's integration tests: builds libws2_base.so, dlopens it, calls
//! its WSPStartup with ws2_32's real upcall table (by value) and wraps the returned
//! WSPPROC_TABLE in small helpers that return `Result<_, i32>` (the `*lpErrno`).
//!
//! Every test binary is its own process; [`provider`] starts the provider once per process and
//! never cleans it up (base_startup.rs tests the reference count in its own process).
#![allow(dead_code, unsafe_code)] // calls the provider through raw C function pointers

use std::path::PathBuf;
use std::sync::OnceLock;
use ws2_abi::*;

pub mod asyncio;

pub const TCP4: u32 = 1001;
pub const UDP4: u32 = 1002;
pub const TCP6: u32 = 1004;
pub const UDP6: u32 = 1005;

/// target/<profile>.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    exe.parent()
        .and_then(|deps| deps.parent())
        .expect("profile dir")
        .to_path_buf()
}

/// libws2_base.so, built now (`cargo test` builds the rlib for the tests, not always the
/// cdylib, and a leftover one could be stale).
pub fn library_path() -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    BUILT.get_or_init(|| {
        let release = profile_dir().ends_with("release");
        let status = std::process::Command::new(env!("CARGO"))
            .args(["build", "--quiet", "-p", "ws2-base", "--lib"])
            .args(release.then_some("--release"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .status()
            .expect("run cargo build");
        assert!(status.success(), "cargo build -p ws2-base failed");
    });
    let lib = profile_dir().join("libws2_base.so");
    assert!(lib.exists(), "{} is not built", lib.display());
    lib
}

fn library() -> &'static libloading::Library {
    static LIB: OnceLock<libloading::Library> = OnceLock::new();
    LIB.get_or_init(|| {
        // SAFETY: loading our own provider library; its initialisers are Rust's.
        unsafe { libloading::Library::new(library_path()).expect("dlopen libws2_base.so") }
    })
}

/// Calls the provider's `ws2emu_attach_host` (the loader does this in production).
pub fn attach_host(host: *const WS2EMU_HOST_TABLE) -> i32 {
    // SAFETY: the export has the LPWS2EMU_ATTACH_HOST signature (spi.rs).
    unsafe {
        let f = library()
            .get::<unsafe extern "system" fn(*const WS2EMU_HOST_TABLE) -> i32>(
                b"ws2emu_attach_host\0",
            )
            .expect("ws2emu_attach_host export");
        f(host)
    }
}

/// The provider's WSPStartup (the library stays loaded for the life of the process).
pub fn startup_fn() -> unsafe extern "system" fn(
    WORD,
    LPWSPDATA,
    LPWSAPROTOCOL_INFOW,
    WSPUPCALLTABLE,
    LPWSPPROC_TABLE,
) -> INT {
    let lib = library();
    // SAFETY: WSPStartup has the LPWSPSTARTUP signature (spi.rs).
    unsafe {
        *lib.get::<unsafe extern "system" fn(
            WORD,
            LPWSPDATA,
            LPWSAPROTOCOL_INFOW,
            WSPUPCALLTABLE,
            LPWSPPROC_TABLE,
        ) -> INT>(b"WSPStartup\0")
            .expect("WSPStartup export")
    }
}

/// The default catalog's entry `id` (ws2_32's view, the in-memory default in tests).
pub fn info(id: u32) -> WSAPROTOCOL_INFOW {
    ws2_core::runtime()
        .catalog()
        .by_id(id)
        .expect("default catalog entry")
        .info
}

pub fn blank_data() -> WSPDATA {
    WSPDATA {
        wVersion: 0,
        wHighVersion: 0,
        szDescription: [0; 256],
    }
}

/// Calls WSPStartup for entry `id`; returns its code, the data and the table.
pub fn start(version: WORD, id: u32) -> (INT, WSPDATA, Option<WSPPROC_TABLE>) {
    let mut data = blank_data();
    let mut table = std::mem::MaybeUninit::<WSPPROC_TABLE>::zeroed();
    let mut info = info(id);
    // SAFETY: valid pointers for the call; the table goes by value.
    let rc = unsafe {
        startup_fn()(
            version,
            &mut data,
            &mut info,
            ws2_32::upcalls::upcall_table(),
            table.as_mut_ptr(),
        )
    };
    // SAFETY: all-zero is a valid table (every slot None); WSPStartup filled it on success.
    let table = (rc == 0).then(|| unsafe { table.assume_init() });
    (rc, data, table)
}

/// The provider, started once for this process.
pub fn provider() -> &'static Provider {
    static P: OnceLock<Provider> = OnceLock::new();
    P.get_or_init(|| {
        let (rc, _, table) = start(0x0202, TCP4);
        assert_eq!(rc, 0, "WSPStartup");
        Provider { t: table.unwrap() }
    })
}

pub type R<T> = Result<T, i32>;

/// What WSPSelect returned: the count and the rewritten read, write and except sets.
pub type Selected = (i32, Vec<SOCKET>, Vec<SOCKET>, Vec<SOCKET>);

/// Runs an int-returning slot: Ok(value) or Err(*lpErrno). The sentinel in lpErrno must be
/// replaced on failure and left alone on success.
pub fn int(f: impl FnOnce(LPINT) -> INT) -> R<INT> {
    let mut e = 0x5EED;
    let rc = f(&mut e);
    if rc == SOCKET_ERROR {
        assert_ne!(e, 0x5EED, "failure without an error code");
        Err(e)
    } else {
        assert_eq!(e, 0x5EED, "lpErrno written on success");
        Ok(rc)
    }
}

pub fn v4(ip: [u8; 4], port: u16) -> SockAddr {
    let mut b = [0u8; 28];
    b[0..2].copy_from_slice(&(AF_INET as u16).to_ne_bytes());
    b[2..4].copy_from_slice(&port.to_be_bytes());
    b[4..8].copy_from_slice(&ip);
    SockAddr { b, len: 16 }
}

pub fn v6(ip: [u8; 16], port: u16) -> SockAddr {
    let mut b = [0u8; 28];
    b[0..2].copy_from_slice(&(AF_INET6 as u16).to_ne_bytes());
    b[2..4].copy_from_slice(&port.to_be_bytes());
    b[8..24].copy_from_slice(&ip);
    SockAddr { b, len: 28 }
}

pub const LOOP4: [u8; 4] = [127, 0, 0, 1];
pub const LOOP6: [u8; 16] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

/// A Windows sockaddr (SOCKADDR_IN or SOCKADDR_IN6) and its length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SockAddr {
    pub b: [u8; 28],
    pub len: i32,
}

impl SockAddr {
    pub fn port(&self) -> u16 {
        u16::from_be_bytes([self.b[2], self.b[3]])
    }
    pub fn family(&self) -> u16 {
        u16::from_ne_bytes([self.b[0], self.b[1]])
    }
    pub fn ptr(&self) -> *const SOCKADDR {
        self.b.as_ptr().cast()
    }
    pub fn with_port(mut self, port: u16) -> Self {
        self.b[2..4].copy_from_slice(&port.to_be_bytes());
        self
    }
}

pub struct Provider {
    pub t: WSPPROC_TABLE,
}

impl Provider {
    pub fn socket(&self, id: u32) -> R<SOCKET> {
        let mut info = info(id);
        let mut e = 0x5EED;
        // SAFETY: valid pointers.
        let s = unsafe {
            self.t.lpWSPSocket.unwrap()(
                FROM_PROTOCOL_INFO,
                FROM_PROTOCOL_INFO,
                FROM_PROTOCOL_INFO,
                &mut info,
                0,
                0,
                &mut e,
            )
        };
        if s == INVALID_SOCKET {
            Err(e)
        } else {
            Ok(s)
        }
    }

    pub fn socket_with(&self, id: u32, af: i32, kind: i32, protocol: i32) -> R<SOCKET> {
        let mut info = info(id);
        let mut e = 0x5EED;
        // SAFETY: valid pointers.
        let s = unsafe { self.t.lpWSPSocket.unwrap()(af, kind, protocol, &mut info, 0, 0, &mut e) };
        if s == INVALID_SOCKET {
            Err(e)
        } else {
            Ok(s)
        }
    }

    pub fn close(&self, s: SOCKET) -> R<()> {
        // SAFETY: valid pointers.
        int(|e| unsafe { self.t.lpWSPCloseSocket.unwrap()(s, e) }).map(drop)
    }

    pub fn bind(&self, s: SOCKET, a: &SockAddr) -> R<()> {
        // SAFETY: valid pointers.
        int(|e| unsafe { self.t.lpWSPBind.unwrap()(s, a.ptr(), a.len, e) }).map(drop)
    }

    pub fn listen(&self, s: SOCKET, backlog: i32) -> R<()> {
        // SAFETY: valid pointers.
        int(|e| unsafe { self.t.lpWSPListen.unwrap()(s, backlog, e) }).map(drop)
    }

    pub fn connect(&self, s: SOCKET, a: &SockAddr) -> R<()> {
        int(|e| {
            // SAFETY: valid pointers.
            unsafe {
                self.t.lpWSPConnect.unwrap()(
                    s,
                    a.ptr(),
                    a.len,
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    std::ptr::null_mut(),
                    e,
                )
            }
        })
        .map(drop)
    }

    pub fn accept_with(
        &self,
        s: SOCKET,
        cond: LPCONDITIONPROC,
        data: usize,
    ) -> R<(SOCKET, SockAddr)> {
        let mut a = SockAddr {
            b: [0; 28],
            len: 28,
        };
        let mut e = 0x5EED;
        // SAFETY: valid pointers.
        let n = unsafe {
            self.t.lpWSPAccept.unwrap()(s, a.b.as_mut_ptr().cast(), &mut a.len, cond, data, &mut e)
        };
        if n == INVALID_SOCKET {
            Err(e)
        } else {
            Ok((n, a))
        }
    }

    pub fn accept(&self, s: SOCKET) -> R<SOCKET> {
        self.accept_with(s, None, 0).map(|(n, _)| n)
    }

    pub fn sockname(&self, s: SOCKET) -> R<SockAddr> {
        let mut a = SockAddr {
            b: [0; 28],
            len: 28,
        };
        // SAFETY: valid pointers.
        int(|e| unsafe {
            self.t.lpWSPGetSockName.unwrap()(s, a.b.as_mut_ptr().cast(), &mut a.len, e)
        })?;
        Ok(a)
    }

    pub fn peername(&self, s: SOCKET) -> R<SockAddr> {
        let mut a = SockAddr {
            b: [0; 28],
            len: 28,
        };
        // SAFETY: valid pointers.
        int(|e| unsafe {
            self.t.lpWSPGetPeerName.unwrap()(s, a.b.as_mut_ptr().cast(), &mut a.len, e)
        })?;
        Ok(a)
    }

    pub fn send_flags(&self, s: SOCKET, bufs: &[&[u8]], flags: i32) -> R<u32> {
        let mut wsabufs: Vec<WSABUF> = bufs
            .iter()
            .map(|b| WSABUF {
                len: b.len() as u32,
                buf: b.as_ptr() as *mut CHAR,
            })
            .collect();
        let mut sent = 0;
        int(|e| {
            // SAFETY: valid pointers; WSPSend only reads the buffers.
            unsafe {
                self.t.lpWSPSend.unwrap()(
                    s,
                    wsabufs.as_mut_ptr(),
                    wsabufs.len() as u32,
                    &mut sent,
                    flags as u32,
                    std::ptr::null_mut(),
                    None,
                    std::ptr::null_mut(),
                    e,
                )
            }
        })?;
        Ok(sent)
    }

    pub fn send(&self, s: SOCKET, data: &[u8]) -> R<u32> {
        self.send_flags(s, &[data], 0)
    }

    pub fn send_to(&self, s: SOCKET, data: &[u8], to: &SockAddr) -> R<u32> {
        let mut buf = WSABUF {
            len: data.len() as u32,
            buf: data.as_ptr() as *mut CHAR,
        };
        let mut sent = 0;
        int(|e| {
            // SAFETY: valid pointers.
            unsafe {
                self.t.lpWSPSendTo.unwrap()(
                    s,
                    &mut buf,
                    1,
                    &mut sent,
                    0,
                    to.ptr(),
                    to.len,
                    std::ptr::null_mut(),
                    None,
                    std::ptr::null_mut(),
                    e,
                )
            }
        })?;
        Ok(sent)
    }

    /// WSPRecv into `bufs`; returns (bytes, flags out). On failure the byte count is in the
    /// error tuple's second field.
    pub fn recv_into(
        &self,
        s: SOCKET,
        bufs: &mut [&mut [u8]],
        flags: i32,
    ) -> Result<(u32, u32), (i32, u32)> {
        let mut wsabufs: Vec<WSABUF> = bufs
            .iter_mut()
            .map(|b| WSABUF {
                len: b.len() as u32,
                buf: b.as_mut_ptr().cast(),
            })
            .collect();
        let mut got = 0xFFFF_FFFF;
        let mut f = flags as u32;
        let r = int(|e| {
            // SAFETY: valid pointers.
            unsafe {
                self.t.lpWSPRecv.unwrap()(
                    s,
                    wsabufs.as_mut_ptr(),
                    wsabufs.len() as u32,
                    &mut got,
                    &mut f,
                    std::ptr::null_mut(),
                    None,
                    std::ptr::null_mut(),
                    e,
                )
            }
        });
        match r {
            Ok(_) => Ok((got, f)),
            Err(e) => Err((e, got)),
        }
    }

    pub fn recv(&self, s: SOCKET, len: usize) -> R<Vec<u8>> {
        let mut buf = vec![0u8; len];
        let (n, _) = self.recv_into(s, &mut [&mut buf], 0).map_err(|(e, _)| e)?;
        buf.truncate(n as usize);
        Ok(buf)
    }

    pub fn recv_from(&self, s: SOCKET, len: usize) -> R<(Vec<u8>, SockAddr)> {
        let mut data = vec![0u8; len];
        let mut buf = WSABUF {
            len: len as u32,
            buf: data.as_mut_ptr().cast(),
        };
        let mut got = 0;
        let mut flags = 0;
        let mut from = SockAddr {
            b: [0; 28],
            len: 28,
        };
        int(|e| {
            // SAFETY: valid pointers.
            unsafe {
                self.t.lpWSPRecvFrom.unwrap()(
                    s,
                    &mut buf,
                    1,
                    &mut got,
                    &mut flags,
                    from.b.as_mut_ptr().cast(),
                    &mut from.len,
                    std::ptr::null_mut(),
                    None,
                    std::ptr::null_mut(),
                    e,
                )
            }
        })?;
        data.truncate(got as usize);
        Ok((data, from))
    }

    pub fn shutdown(&self, s: SOCKET, how: i32) -> R<()> {
        // SAFETY: valid pointers.
        int(|e| unsafe { self.t.lpWSPShutdown.unwrap()(s, how, e) }).map(drop)
    }

    pub fn get_opt(&self, s: SOCKET, level: i32, name: i32, len: i32) -> R<Vec<u8>> {
        let mut buf = vec![0xAAu8; len.max(0) as usize + 8];
        let mut l = len;
        // SAFETY: valid pointers; buf is larger than len.
        int(|e| unsafe {
            self.t.lpWSPGetSockOpt.unwrap()(s, level, name, buf.as_mut_ptr().cast(), &mut l, e)
        })?;
        buf.truncate(l as usize);
        Ok(buf)
    }

    pub fn get_int(&self, s: SOCKET, level: i32, name: i32) -> R<i32> {
        let v = self.get_opt(s, level, name, 4)?;
        assert_eq!(v.len(), 4);
        Ok(i32::from_ne_bytes([v[0], v[1], v[2], v[3]]))
    }

    pub fn set_opt(&self, s: SOCKET, level: i32, name: i32, value: &[u8]) -> R<()> {
        // SAFETY: valid pointers.
        int(|e| unsafe {
            self.t.lpWSPSetSockOpt.unwrap()(
                s,
                level,
                name,
                value.as_ptr().cast(),
                value.len() as i32,
                e,
            )
        })
        .map(drop)
    }

    pub fn set_int(&self, s: SOCKET, level: i32, name: i32, value: i32) -> R<()> {
        self.set_opt(s, level, name, &value.to_ne_bytes())
    }

    /// WSPIoctl, non-overlapped; returns the output bytes.
    pub fn ioctl(&self, s: SOCKET, code: u32, input: &[u8], out_len: usize) -> R<Vec<u8>> {
        let mut out = vec![0u8; out_len];
        let mut returned = 0xFFFF_FFFF;
        int(|e| {
            // SAFETY: valid pointers.
            unsafe {
                self.t.lpWSPIoctl.unwrap()(
                    s,
                    code,
                    input.as_ptr() as *mut _,
                    input.len() as u32,
                    if out_len == 0 {
                        std::ptr::null_mut()
                    } else {
                        out.as_mut_ptr().cast()
                    },
                    out_len as u32,
                    &mut returned,
                    std::ptr::null_mut(),
                    None,
                    std::ptr::null_mut(),
                    e,
                )
            }
        })?;
        out.truncate(returned as usize);
        Ok(out)
    }

    pub fn set_nonblocking(&self, s: SOCKET, on: bool) {
        self.ioctl(s, FIONBIO, &u32::from(on).to_ne_bytes(), 0)
            .expect("FIONBIO");
    }

    /// WSPSelect over handle lists; returns (count, read, write, except).
    pub fn select(
        &self,
        read: &[SOCKET],
        write: &[SOCKET],
        except: &[SOCKET],
        timeout: Option<TIMEVAL>,
    ) -> R<Selected> {
        fn set(list: &[SOCKET]) -> fd_set {
            let mut s = fd_set {
                fd_count: list.len() as u32,
                fd_array: [0; FD_SETSIZE],
            };
            s.fd_array[..list.len()].copy_from_slice(list);
            s
        }
        let (mut r, mut w, mut x) = (set(read), set(write), set(except));
        let t = timeout;
        let n = int(|e| {
            // SAFETY: valid pointers.
            unsafe {
                self.t.lpWSPSelect.unwrap()(
                    0,
                    &mut r,
                    &mut w,
                    &mut x,
                    t.as_ref().map_or(std::ptr::null(), |t| t as *const TIMEVAL),
                    e,
                )
            }
        })?;
        let list = |s: &fd_set| s.fd_array[..s.fd_count as usize].to_vec();
        Ok((n, list(&r), list(&w), list(&x)))
    }

    /// A connected TCP pair over loopback of entry `id`: (listener, client, server side).
    pub fn tcp_pair(&self, id: u32) -> (SOCKET, SOCKET, SOCKET) {
        let lo = if id == TCP6 {
            v6(LOOP6, 0)
        } else {
            v4(LOOP4, 0)
        };
        let l = self.socket(id).unwrap();
        self.bind(l, &lo).unwrap();
        self.listen(l, SOMAXCONN).unwrap();
        let port = self.sockname(l).unwrap().port();
        let c = self.socket(id).unwrap();
        self.connect(c, &lo.with_port(port)).unwrap();
        let s = self.accept(l).unwrap();
        (l, c, s)
    }
}

pub const ZERO_TIMEOUT: Option<TIMEVAL> = Some(TIMEVAL {
    tv_sec: 0,
    tv_usec: 0,
});
