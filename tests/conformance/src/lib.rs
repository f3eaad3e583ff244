//! Driver of the C conformance suite (`tests/conformance/*.c`).
//!
//! Each C file is a standalone Wine-style test program (harness: `include/wstest.h`) that calls
//! the WPU upcalls through the real `WSPUPCALLTABLE` and the exported Win32/Winsock functions of
//! `libws2_32`. For every file, [`check`]:
//! 1. builds `libws2_32` (`cargo build -p ws2-capi --lib`, the profile of this test binary);
//! 2. compiles the file with gcc against the shim headers (`-Wall -Wextra -Werror`);
//! 3. runs it natively: exit status 0 and a `N passed, 0 failed` summary line;
//! 4. runs it under valgrind (`--error-exitcode=99 --leak-check=full
//!    --errors-for-leak-kinds=definite`): no memory errors, no definite leaks. Without valgrind
//!    this step fails when `WS2EMU_REQUIRE_VALGRIND` is set (CI) and is skipped otherwise;
//! 5. checks that the same source compiles as Windows code with the mingw-w64 cross compiler
//!    (`-fsyntax-only`; required when `WS2EMU_REQUIRE_MINGW` is set);
//! 6. builds it again with AddressSanitizer and runs it: no memory errors, no leaks.
//!
//! Each program's summary line is printed to stderr (visible with `--nocapture`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long one native run may take (the programs finish in about a second).
pub const NATIVE_TIMEOUT: Duration = Duration::from_secs(120);
/// How long one valgrind run may take.
pub const VALGRIND_TIMEOUT: Duration = Duration::from_secs(600);

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// The directory holding the C sources.
pub fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// The names (without `.c`) of every C program of the suite, sorted.
pub fn programs() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(suite_dir())
        .expect("read tests/conformance")
        .filter_map(|entry| {
            let name = entry.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".c").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

/// target/<profile>: the test executable lives in target/<profile>/deps.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable");
    exe.parent()
        .and_then(Path::parent)
        .expect("profile directory")
        .to_path_buf()
}

/// Builds libws2_32 (once per test process) and returns target/<profile>.
pub fn library_dir() -> PathBuf {
    static BUILT: OnceLock<()> = OnceLock::new();
    let dir = profile_dir();
    BUILT.get_or_init(|| {
        let release = dir.ends_with("release");
        let status = Command::new(env!("CARGO"))
            // libws2_32 and, beside it (%WS2EMU_LIBDIR%'s default), the base provider.
            .args([
                "build", "--quiet", "-p", "ws2-capi", "-p", "ws2-base", "--lib",
            ])
            .args(release.then_some("--release"))
            .current_dir(repo_root())
            .status()
            .expect("run cargo build");
        assert!(status.success(), "cargo build -p ws2-capi --lib failed");
    });
    assert!(
        dir.join("libws2_32.so").exists(),
        "libws2_32.so is not in {}",
        dir.display()
    );
    dir
}

/// Where compiled programs go: target/<profile>/conformance/<pid>.
fn output_dir() -> PathBuf {
    let dir = profile_dir()
        .join("conformance")
        .join(std::process::id().to_string());
    std::fs::create_dir_all(&dir).expect("create output directory");
    dir
}

/// Whether `tool` can be run.
pub fn have_tool(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn required(variable: &str) -> bool {
    std::env::var_os(variable).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Runs a command to completion, killing it after `timeout`. Returns its output and whether it
/// timed out.
pub fn run_with_timeout(command: &mut Command, timeout: Duration) -> (Output, bool) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    // Drain both pipes on their own threads so that a chatty child never blocks.
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for child") {
            break status;
        }
        if Instant::now() >= deadline {
            timed_out = true;
            let _ = child.kill();
            break child.wait().expect("wait for killed child");
        }
        std::thread::sleep(Duration::from_millis(20)); // polling a child process, not a race
    };
    let output = Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    };
    (output, timed_out)
}

fn describe(output: &Output) -> String {
    format!(
        "status: {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Compiles `name.c` natively against the shims and libws2_32; returns the executable.
pub fn compile_native(name: &str) -> PathBuf {
    compile(name, &[], name)
}

/// Compiles `name.c` with AddressSanitizer (the program; libws2_32 is Rust and is checked by
/// the ASan runtime's interception of malloc/free and by valgrind).
pub fn compile_asan(name: &str) -> PathBuf {
    compile(
        name,
        &["-fsanitize=address", "-fno-omit-frame-pointer"],
        &format!("{name}-asan"),
    )
}

fn compile(name: &str, extra: &[&str], output: &str) -> PathBuf {
    let lib = library_dir();
    let root = repo_root();
    let exe = output_dir().join(output);
    let mut rpath = std::ffi::OsString::from("-Wl,-rpath,");
    rpath.push(&lib);
    let mut libdir = std::ffi::OsString::from("-L");
    libdir.push(&lib);
    let output = Command::new("gcc")
        .args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-fshort-wchar",
            "-g",
            "-pthread",
        ])
        .args(extra)
        .arg("-I")
        .arg(root.join("shims/include"))
        .arg("-I")
        .arg(suite_dir().join("include"))
        .arg(suite_dir().join(format!("{name}.c")))
        .arg("-o")
        .arg(&exe)
        .arg(libdir)
        .arg(rpath)
        .arg("-lws2_32")
        .output()
        .expect("run gcc");
    assert!(
        output.status.success(),
        "gcc failed for {name}.c\n{}",
        describe(&output)
    );
    exe
}

/// The program's summary line (`<name>: N passed, N failed, ...`), if it printed one.
pub fn summary_line(stdout: &str, name: &str) -> Option<String> {
    let prefix = format!("{name}: ");
    stdout
        .lines()
        .rev()
        .find(|line| {
            line.starts_with(&prefix) && line.contains(" passed, ") && line.contains(" failed")
        })
        .map(str::to_string)
}

/// Whether a summary line reports no failure and at least one passed check.
pub fn summary_is_clean(line: &str) -> bool {
    let count = |word: &str| -> Option<u64> {
        let before = line.split(&format!(" {word}")).next()?;
        before
            .rsplit([' ', ','])
            .find(|s| !s.is_empty())?
            .parse()
            .ok()
    };
    count("failed") == Some(0) && count("passed").is_some_and(|n| n > 0)
}

fn check_run(name: &str, how: &str, output: &Output, timed_out: bool) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !timed_out,
        "{name} ({how}) did not finish in time\n{}",
        describe(output)
    );
    let summary = summary_line(&stdout, name);
    match &summary {
        Some(line) => eprintln!("{how:>8}: {line}"),
        None => eprintln!("{how:>8}: {name}: no summary line"),
    }
    assert!(
        output.status.success(),
        "{name} ({how}) failed\n{}",
        describe(output)
    );
    let summary = summary
        .unwrap_or_else(|| panic!("{name} ({how}) printed no summary\n{}", describe(output)));
    assert!(
        summary_is_clean(&summary),
        "{name} ({how}): {summary}\n{}",
        describe(output)
    );
}

/// Runs the compiled program natively.
/// A command for a conformance program: never a user's catalog (the built-in default is used).
fn program(exe: &Path) -> Command {
    let mut command = Command::new(exe);
    command.env_remove("WS2EMU_CATALOG");
    command
}

pub fn run_native(name: &str, exe: &Path) {
    let started = Instant::now();
    let (output, timed_out) = run_with_timeout(&mut program(exe), NATIVE_TIMEOUT);
    check_run(name, "native", &output, timed_out);
    eprintln!("          ({:.2} s)", started.elapsed().as_secs_f64());
}

/// Runs the AddressSanitizer build: no memory errors, no leaks (LeakSanitizer).
pub fn run_asan(name: &str, exe: &Path) {
    let started = Instant::now();
    let mut command = Command::new(exe);
    command.env(
        "ASAN_OPTIONS",
        "detect_leaks=1:abort_on_error=0:exitcode=98",
    );
    let (output, timed_out) = run_with_timeout(&mut command, VALGRIND_TIMEOUT);
    check_run(name, "AddressSanitizer", &output, timed_out);
    eprintln!("          ({:.2} s)", started.elapsed().as_secs_f64());
}

/// Runs the compiled program under valgrind (or reports why it cannot).
pub fn run_valgrind(name: &str, exe: &Path) {
    if !have_tool("valgrind") {
        assert!(
            !required("WS2EMU_REQUIRE_VALGRIND"),
            "valgrind is required (WS2EMU_REQUIRE_VALGRIND is set; apt-get install valgrind)"
        );
        eprintln!("SKIPPED: valgrind not installed; {name} not checked for memory errors");
        return;
    }
    let started = Instant::now();
    let mut command = Command::new("valgrind");
    command
        .env_remove("WS2EMU_CATALOG")
        .args([
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite",
            "--show-leak-kinds=definite",
            "--quiet",
        ])
        .arg(exe)
        .env("WSTEST_VALGRIND", "1");
    let (output, timed_out) = run_with_timeout(&mut command, VALGRIND_TIMEOUT);
    check_run(name, "valgrind", &output, timed_out);
    eprintln!("          ({:.2} s)", started.elapsed().as_secs_f64());
}

/// Checks that the file is valid Windows C for the mingw-w64 cross compiler.
pub fn check_mingw(name: &str) {
    const MINGW: &str = "x86_64-w64-mingw32-gcc";
    if !have_tool(MINGW) {
        assert!(
            !required("WS2EMU_REQUIRE_MINGW"),
            "{MINGW} is required (WS2EMU_REQUIRE_MINGW is set; apt-get install gcc-mingw-w64-x86-64)"
        );
        eprintln!("SKIPPED: {MINGW} not installed; {name}.c not compiled as Windows code");
        return;
    }
    let output = Command::new(MINGW)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-fsyntax-only"])
        .arg("-I")
        .arg(suite_dir().join("include"))
        .arg(suite_dir().join(format!("{name}.c")))
        .output()
        .expect("run the mingw-w64 compiler");
    assert!(
        output.status.success(),
        "{name}.c is not valid Windows C for {MINGW}\n{}",
        describe(&output)
    );
}

/// The whole check of one C program (see the crate documentation).
pub fn check(name: &str) {
    assert!(
        suite_dir().join(format!("{name}.c")).exists(),
        "tests/conformance/{name}.c does not exist"
    );
    check_mingw(name);
    let exe = compile_native(name);
    run_native(name, &exe);
    run_valgrind(name, &exe);
    run_asan(name, &compile_asan(name));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_are_parsed() {
        let line = "waits: 54 passed, 0 failed, 1 todo, 0 skipped";
        assert_eq!(
            summary_line(&format!("x\n{line}\n"), "waits").as_deref(),
            Some(line)
        );
        assert!(summary_is_clean(line));
        assert!(!summary_is_clean(
            "waits: 54 passed, 10 failed, 0 todo, 0 skipped"
        ));
        assert!(!summary_is_clean(
            "waits: 0 passed, 0 failed, 0 todo, 0 skipped"
        ));
        assert!(!summary_is_clean(
            "waits: 3 passed, 1 failed, 0 todo, 0 skipped (exited early)"
        ));
        assert_eq!(summary_line("other: 1 passed, 0 failed", "waits"), None);
    }
}
