//! `ws2emu conform [--provider PATH | --ifs-provider PATH]... [--tcp-only] [--catalog FILE]`:
//! runs the conformance suite (crate ws2-conform) against layered providers, each in a private
//! temporary catalog, with the provider verifier on.
//!
//! One *run* per provider: a directory made with mode 0700 under the temp directory gets a
//! catalog file (0644) copied from `--catalog FILE` or made from the default catalog; the
//! provider is installed as a layered entry plus one chain [layered, base] per base entry (only
//! the TCP ones with `--tcp-only`), chains ordered first, the way an LSP installer does; then
//! this executable re-runs itself as `ws2emu __conform-suite` with `WS2EMU_CATALOG` naming the
//! private file and `WS2EMU_VERIFIER=1`. Without providers the runs are the embedded default:
//! the base provider alone, then each sample layered provider of examples/providers. The user's
//! `WS2EMU_CATALOG` is never read or written.
//!
//! Progress goes to stderr area by area; the table (area, passed, failed, each failure with the
//! expected and observed values) and the final `N passed, N failed` go to stdout. The exit
//! status is non-zero on any failure, including a suite that crashes (the area and the signal
//! are reported) or stops answering for [`STALL`]. `--under COMMAND` runs the suite process
//! under a checker such as valgrind; an exit status other than the suite's own is a failure
//! carrying the checker's report.

use crate::catalog_cmd::set_name;
use std::io::{BufRead, BufReader, Read, Write as _};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;
use ws2_abi::{GUID, WSAPROTOCOL_INFOW};
use ws2_core::catalog::{self, Catalog, CatalogEntry, CatalogError, Store};

pub const USAGE: &str = "\
usage: ws2emu conform [--provider PATH | --ifs-provider PATH]... [--tcp-only] [--skip AREA]...
                      [--catalog FILE] [--under COMMAND]
  --provider PATH      a non-IFS layered provider (absolute path), one run per provider
  --ifs-provider PATH  an IFS layered provider (its chains keep XP1_IFS_HANDLES)
  --tcp-only           layer the providers over the TCP base entries only (default: all)
  --skip AREA          leave out an area the providers do not support (shown as skipped)
  --catalog FILE       start from a copy of FILE instead of the default catalog
  --under COMMAND      run the suite under a checker, e.g. --under \"valgrind --error-exitcode=99
                       --leak-check=full --errors-for-leak-kinds=definite\": an exit status other
                       than the suite's own (0, 1) is a failure showing the checker's report
With no provider: the base provider, then the sample layered providers.";

/// How long the suite may go without printing a line before it counts as hung: three times
/// the longest wait of any one check (10 s), so one hang costs seconds, not minutes.
const STALL: Duration = Duration::from_secs(30);
/// The same under `--under` (valgrind runs the suite tens of times slower).
const STALL_UNDER: Duration = Duration::from_secs(600);

/// The hidden subcommand the runs execute.
pub const SUITE_COMMAND: &str = "__conform-suite";

/// Two GUIDs for the installed provider (layered entry, chains); fixed, as in an installer.
const LAYER_GUID: GUID = GUID {
    Data1: 0xC0F0_0001,
    Data2: 0x7773,
    Data3: 0x3265,
    Data4: [0x6D, 0x75, 0x63, 0x6F, 0x6E, 0x66, 0x00, 0x01],
};
const CHAIN_GUID: GUID = GUID {
    Data1: 0xC0F0_0002,
    ..LAYER_GUID
};

#[derive(Debug, Clone)]
struct Layer {
    name: String,
    path: PathBuf,
    ifs: bool,
    /// A sample built into OUT_DIR: copied into the private directory (so that the trust check
    /// never depends on where the build tree is).
    copy: bool,
}

#[derive(Debug, Default)]
struct Args {
    layers: Vec<Layer>,
    tcp_only: bool,
    skip: Vec<String>,
    catalog: Option<PathBuf>,
    /// `--under`: the checker command, split at spaces (empty: run the suite directly).
    under: Vec<String>,
}

fn parse(args: &[&str]) -> Result<Args, String> {
    let mut out = Args::default();
    let mut rest = args.iter();
    while let Some(&flag) = rest.next() {
        let mut value = || {
            rest.next()
                .map(|v| v.to_string())
                .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))
        };
        match flag {
            "--provider" | "--ifs-provider" => {
                let path = PathBuf::from(value()?);
                if !path.is_absolute() {
                    return Err(format!(
                        "provider path {} is not absolute (catalog paths must be)",
                        path.display()
                    ));
                }
                if !path.is_file() {
                    return Err(format!(
                        "provider library {} does not exist",
                        path.display()
                    ));
                }
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                out.layers.push(Layer {
                    name,
                    path,
                    ifs: flag == "--ifs-provider",
                    copy: false,
                });
            }
            "--tcp-only" => out.tcp_only = true,
            "--skip" => {
                let area = value()?;
                if !ws2_conform::AREAS.contains(&area.as_str()) {
                    return Err(format!(
                        "unknown area {area:?} (areas: {})",
                        ws2_conform::AREAS.join(", ")
                    ));
                }
                out.skip.push(area);
            }
            "--catalog" => out.catalog = Some(PathBuf::from(value()?)),
            "--under" => {
                out.under = value()?.split_whitespace().map(str::to_string).collect();
                if out.under.is_empty() {
                    return Err(format!("--under needs a command\n{USAGE}"));
                }
            }
            other => return Err(format!("unknown option {other:?}\n{USAGE}")),
        }
    }
    Ok(out)
}

/// One failed check.
#[derive(Debug, Clone)]
struct Failure {
    check: String,
    expected: String,
    observed: String,
}

#[derive(Debug)]
struct Area {
    name: String,
    skipped: bool,
    passed: usize,
    failures: Vec<Failure>,
}

#[derive(Debug)]
struct Run {
    title: String,
    areas: Vec<Area>,
}

impl Run {
    fn area(&mut self, name: &str) -> &mut Area {
        let index = match self.areas.iter().position(|a| a.name == name) {
            Some(i) => i,
            None => {
                self.areas.push(Area {
                    name: name.into(),
                    skipped: false,
                    passed: 0,
                    failures: Vec::new(),
                });
                self.areas.len() - 1
            }
        };
        &mut self.areas[index]
    }

    fn fail(&mut self, area: &str, check: &str, expected: &str, observed: &str) {
        self.area(area).failures.push(Failure {
            check: check.into(),
            expected: expected.into(),
            observed: observed.into(),
        });
    }
}

pub fn run(args: &[&str]) -> Result<bool, String> {
    let args = parse(args)?;
    let exe = std::env::current_exe().map_err(|e| format!("cannot find ws2emu itself: {e}"))?;
    // What each run layers: nothing (the base provider), then the samples, by default.
    let mut runs: Vec<Option<Layer>> = Vec::new();
    if args.layers.is_empty() {
        runs.push(None);
        for sample in ws2_conform::SAMPLES {
            runs.push(Some(Layer {
                name: sample.name.to_string(),
                path: PathBuf::from(sample.path),
                ifs: sample.ifs,
                copy: true,
            }));
        }
    } else {
        runs.extend(args.layers.iter().cloned().map(Some));
    }
    let total = runs.len();
    let mut results = Vec::new();
    for (index, layer) in runs.iter().enumerate() {
        let title = match layer {
            None => "base provider".to_string(),
            Some(l) => format!("{} ({})", l.name, l.path.display()),
        };
        eprintln!("conform [{}/{total}]: {title}", index + 1);
        let dir = PrivateDir::new()?;
        let mut run = Run {
            title,
            areas: Vec::new(),
        };
        match prepare(&dir, args.catalog.as_deref(), layer.as_ref(), args.tcp_only) {
            Ok(catalog) => {
                let suite = SuiteCommand {
                    exe: &exe,
                    catalog: &catalog,
                    skip: &args.skip,
                    under: &args.under,
                };
                execute_all(&suite, &mut run)
            }
            Err(problem) => run.fail("setup", "private catalog", "ready", &problem),
        }
        results.push(run);
    }
    Ok(report(&results))
}

/// The child process of a run: `__conform-suite [--after AREA] [--skip AREA]...`.
pub fn suite_child(args: &[&str]) -> u8 {
    let (mut after, mut skip) = (None, Vec::new());
    let mut rest = args.iter();
    while let Some(&flag) = rest.next() {
        match (flag, rest.next()) {
            ("--after", Some(&area)) => after = Some(area),
            ("--skip", Some(&area)) => skip.push(area),
            _ => {
                eprintln!("ws2emu: {SUITE_COMMAND}: bad arguments {args:?}");
                return 2;
            }
        }
    }
    ws2_conform::run(after, &skip) as u8
}

/// A directory only we can enter, removed when dropped.
struct PrivateDir(PathBuf);

impl PrivateDir {
    fn new() -> Result<Self, String> {
        let base = std::env::temp_dir();
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        for attempt in 0..100u32 {
            let name = format!(
                "ws2emu-conform-{}-{:08x}",
                std::process::id(),
                seed.wrapping_add(attempt.wrapping_mul(0x9E37_79B9))
            );
            let path = base.join(name);
            match std::fs::DirBuilder::new().mode(0o700).create(&path) {
                Ok(()) => return Ok(Self(path)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
            }
        }
        Err(format!("cannot create a directory in {}", base.display()))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `bytes` to a new file `path` with `mode` (whatever the umask).
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), String> {
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.set_permissions(std::fs::Permissions::from_mode(mode)))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The run's catalog file, with `layer` installed first. Returns its path.
fn prepare(
    dir: &PrivateDir,
    start: Option<&Path>,
    layer: Option<&Layer>,
    tcp_only: bool,
) -> Result<PathBuf, String> {
    let file = dir.0.join("catalog");
    let bytes = match start {
        Some(from) => {
            std::fs::read(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?
        }
        None => catalog::serialize(&Catalog::default()).into_bytes(),
    };
    write_new(&file, &bytes, 0o644)?;
    let Some(layer) = layer else {
        return Ok(file);
    };
    let path = if layer.copy {
        let name = layer.path.file_name().unwrap_or_default();
        let copy = dir.0.join(name);
        let bytes = std::fs::read(&layer.path)
            .map_err(|e| format!("cannot read {}: {e}", layer.path.display()))?;
        write_new(&copy, &bytes, 0o755)?;
        copy
    } else {
        layer.path.clone()
    };
    install_first(&Store::file(&file), &path, &layer.name, layer.ifs, tcp_only)
        .map_err(|e| e.to_string())?;
    Ok(file)
}

/// A layered entry and one chain [layered, base] per base entry, the chains first in the order.
fn install_first(
    store: &Store,
    path: &Path,
    name: &str,
    ifs: bool,
    tcp_only: bool,
) -> Result<(), CatalogError> {
    let wide: Vec<u16> = path.to_string_lossy().encode_utf16().collect();
    store.modify(|c| {
        let bases: Vec<CatalogEntry> = c
            .entries()
            .iter()
            .filter(|e| e.info.ProtocolChain.ChainLen == 1)
            .filter(|e| !tcp_only || e.info.iSocketType == ws2_abi::SOCK_STREAM)
            .cloned()
            .collect();
        let mut layered = catalog::blank_protocol_info();
        layered.ProtocolChain.ChainLen = 0;
        layered.iVersion = 2;
        set_name(&mut layered, name);
        let layered_id = c.install(&LAYER_GUID, &wide, &[layered])?[0];
        let chains: Vec<WSAPROTOCOL_INFOW> = bases
            .iter()
            .map(|base| {
                let mut info = base.info;
                info.ProtocolChain.ChainLen = 2;
                info.ProtocolChain.ChainEntries = [layered_id, base.id(), 0, 0, 0, 0, 0];
                if !ifs {
                    // A non-IFS layer's handles are not IFS handles (spec 5.4).
                    info.dwServiceFlags1 &= !ws2_abi::XP1_IFS_HANDLES;
                }
                set_name(&mut info, name);
                info
            })
            .collect();
        let chain_ids = if chains.is_empty() {
            Vec::new()
        } else {
            c.install(&CHAIN_GUID, &wide, &chains)?
        };
        let mut front = chain_ids;
        front.push(layered_id);
        c.move_to_front(&front);
        Ok(())
    })
}

/// How one run starts the suite process.
struct SuiteCommand<'a> {
    exe: &'a Path,
    catalog: &'a Path,
    skip: &'a [String],
    under: &'a [String],
}

/// Runs the suite until it completes; after a crash or hang in an area the suite is started
/// again with the areas after it.
fn execute_all(suite: &SuiteCommand<'_>, run: &mut Run) {
    let mut resume: Option<String> = None;
    while let Some(area) = execute(suite, run, resume.as_deref()) {
        if !ws2_conform::AREAS.contains(&area.as_str())
            || area == *ws2_conform::AREAS.last().unwrap()
        {
            break;
        }
        eprintln!("  (resuming after {area})");
        resume = Some(area);
    }
}

/// Runs the suite once (the areas after `resume_after` when given), filling `run` from its
/// lines. Returns the area it crashed or hung in.
fn execute(suite: &SuiteCommand<'_>, run: &mut Run, resume_after: Option<&str>) -> Option<String> {
    let mut command = match suite.under.split_first() {
        Some((checker, checker_args)) => {
            let mut command = Command::new(checker);
            command.args(checker_args).arg(suite.exe);
            command
        }
        None => Command::new(suite.exe),
    };
    let stall = if suite.under.is_empty() {
        STALL
    } else {
        STALL_UNDER
    };
    command.arg(SUITE_COMMAND);
    if let Some(after) = resume_after {
        command.args(["--after", after]);
    }
    for area in suite.skip {
        command.args(["--skip", area]);
    }
    let child = command
        .env(catalog::CATALOG_ENV, suite.catalog)
        .env("WS2EMU_VERIFIER", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            run.fail("setup", "start the suite", "started", &e.to_string());
            return None;
        }
    };
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut stderr = child.stderr.take().expect("piped");
    let errors = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });
    let mut current = String::from("startup");
    let mut last_check = String::from("(none yet)");
    let mut reported = std::collections::HashSet::new();
    let mut done = false;
    let mut hung = false;
    loop {
        match rx.recv_timeout(stall) {
            Ok(line) => {
                let fields: Vec<&str> = line.split('\t').collect();
                match fields.as_slice() {
                    ["area", name] => {
                        eprintln!("  {name} ...");
                        current = name.to_string();
                        run.area(name);
                    }
                    // A resumed suite's startup was counted the first time.
                    ["pass", "startup", _] if resume_after.is_some() => {}
                    ["pass", area, check] => {
                        last_check = check.to_string();
                        run.area(area).passed += 1;
                    }
                    ["fail", area, check, expected, observed] => {
                        last_check = check.to_string();
                        if *check == "verifier" {
                            reported.insert(observed.to_string());
                        }
                        eprintln!("    FAIL {check}: expected {expected}, observed {observed}");
                        run.fail(area, check, expected, observed);
                    }
                    ["skip", area] => {
                        eprintln!("  {area}: skipped");
                        run.area(area).skipped = true;
                    }
                    ["done"] => done = true,
                    _ => {} // the providers' own output
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                hung = true;
                let _ = child.kill();
                break;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let status = child.wait();
    let stderr_text = errors.join().unwrap_or_default();
    let (diagnostics, other): (Vec<&str>, Vec<&str>) = stderr_text
        .lines()
        .partition(|l| l.starts_with("ws2emu verifier: "));
    // Diagnostics the suite had no chance to report (it hung or crashed in the area, or they
    // came after its last area) belong to the area it was in.
    for line in diagnostics {
        if reported.insert(line.to_string()) {
            run.fail(&current, "verifier", "no provider misuse", line);
        }
    }
    let tail = other[other.len().saturating_sub(3)..].join(" | ");
    if hung {
        run.fail(
            &current,
            "suite answers",
            &format!("the next check within {} s", stall.as_secs()),
            &format!("no output after check {last_check:?}: killed (hung)"),
        );
        return Some(current);
    }
    match status {
        // The suite exits 0 or 1; anything else after its end is the checker's verdict.
        Ok(s) if done && !suite.under.is_empty() && !matches!(s.code(), Some(0 | 1)) => {
            // valgrind-style lines ("==PID== text"), without its banner and stack warnings.
            const NOISE: [&str; 6] = [
                "Memcheck,",
                "Copyright",
                "Using Valgrind",
                "Command:",
                "Warning: client switching stacks",
                "to suppress",
            ];
            let report: Vec<&str> = other
                .iter()
                .filter_map(|l| l.split_once("== ").map(|(_, text)| text.trim()))
                .filter(|text| !text.is_empty() && !NOISE.iter().any(|n| text.starts_with(n)))
                .take(8)
                .collect();
            run.fail(
                &current,
                &format!("suite under {}", suite.under[0]),
                "no problem reported (exit status 0 or 1)",
                &format!("exit status {:?}; {}", s.code(), report.join(" | ")),
            );
            None
        }
        Ok(s) if done && s.code().is_some() => None,
        Ok(s) => {
            let how = match (s.signal(), s.code()) {
                (Some(sig), _) => format!("crashed with signal {sig} ({})", signal_name(sig)),
                (None, Some(code)) => format!("exited with status {code} before the end"),
                _ => "ended abnormally".into(),
            };
            let observed = if tail.is_empty() {
                how
            } else {
                format!("{how}; stderr: {tail}")
            };
            run.fail(&current, "suite completes", "no crash", &observed);
            Some(current)
        }
        Err(e) => {
            run.fail(&current, "suite completes", "exit status", &e.to_string());
            None
        }
    }
}

fn signal_name(sig: i32) -> &'static str {
    match sig {
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        15 => "SIGTERM",
        _ => "signal",
    }
}

/// Prints the table and the totals; true when nothing failed.
fn report(runs: &[Run]) -> bool {
    let (mut passed, mut failed) = (0, 0);
    let width = runs
        .iter()
        .flat_map(|r| r.areas.iter().map(|a| a.name.len()))
        .max()
        .unwrap_or(4)
        .max(4);
    for run in runs {
        println!();
        println!("{}", run.title);
        println!("  {:<width$}  {:>6}  {:>6}", "area", "passed", "failed");
        for area in &run.areas {
            if area.skipped {
                println!("  {:<width$}  skipped", area.name);
                continue;
            }
            println!(
                "  {:<width$}  {:>6}  {:>6}",
                area.name,
                area.passed,
                area.failures.len()
            );
            for f in &area.failures {
                println!("      FAIL {}", f.check);
                println!("        expected: {}", f.expected);
                println!("        observed: {}", f.observed);
            }
            passed += area.passed;
            failed += area.failures.len();
        }
    }
    println!();
    println!("{passed} passed, {failed} failed");
    failed == 0
}
