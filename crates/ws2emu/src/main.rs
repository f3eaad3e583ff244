//! `ws2emu`: the project's command line.
//!
//! ```text
//! ws2emu catalog list [--json]     the transport catalog, like `netsh winsock show catalog`
//! ```
//!
//! Every failure is one line on stderr naming the problem, and a non-zero exit status; a command
//! that fails changes nothing.

mod catalog_cmd;
mod describe;

use std::process::ExitCode;

const USAGE: &str = "usage: ws2emu catalog list [--json]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        ["catalog", rest @ ..] => catalog_cmd::run(rest),
        ["--help"] | ["-h"] | ["help"] => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => Err(format!("unknown command\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ws2emu: {message}");
            ExitCode::FAILURE
        }
    }
}
