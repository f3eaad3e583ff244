//! Windows build scripts link `-lkernel32 -luser32 -lmswsock -lws2_32`: the build writes
//! libkernel32.so, libuser32.so and libmswsock.so as linker scripts naming libws2_32.so, so a C
//! program linked that way (with the pkg-config flags) links and runs.

mod common;

use std::process::Command;

#[test]
fn win32_program_links_with_windows_library_names() {
    common::shared_library();
    let dir = common::profile_dir();
    for alias in ["kernel32", "user32", "mswsock"] {
        let script = std::fs::read_to_string(dir.join(format!("lib{alias}.so")))
            .unwrap_or_else(|e| panic!("lib{alias}.so: {e}"));
        assert!(
            script.contains("INPUT(") && script.contains("libws2_32.so"),
            "{script}"
        );
    }
    let flags = Command::new("pkg-config")
        .args(["--cflags", "--libs", "ws2emu"])
        .env("PKG_CONFIG_PATH", &dir)
        .output()
        .expect("pkg-config (apt-get install pkg-config)");
    let flags = String::from_utf8_lossy(&flags.stdout).to_string();
    let scratch = common::scratch("win32-link");
    let src = scratch.join("program.c");
    std::fs::write(
        &src,
        r#"#include <windows.h>
#include <stdio.h>
static DWORD WINAPI child(LPVOID p) { return (DWORD)(ULONG_PTR)p + 1; }
int main(void)
{
    CRITICAL_SECTION cs;
    DWORD code = 0;
    HANDLE t = CreateThread(NULL, 0, child, (LPVOID)41, 0, NULL);
    InitializeCriticalSection(&cs);
    EnterCriticalSection(&cs);
    LeaveCriticalSection(&cs);
    DeleteCriticalSection(&cs);
    WaitForSingleObject(t, INFINITE);
    GetExitCodeThread(t, &code);
    CloseHandle(t);
    printf("exit code %u\n", (unsigned)code);
    return code == 42 ? 0 : 1;
}
"#,
    )
    .unwrap();
    let exe = scratch.join("program");
    let out = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror"])
        .arg(&src)
        .arg("-o")
        .arg(&exe)
        .args(flags.split_whitespace())
        .args(["-lkernel32", "-luser32", "-lmswsock", "-lws2_32"])
        .output()
        .expect("gcc");
    assert!(
        out.status.success(),
        "link with -lkernel32 -luser32 -lmswsock:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe).output().expect("run");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stdout)
    );
}
