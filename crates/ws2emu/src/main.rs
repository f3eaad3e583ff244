//! `ws2emu`: the project's command line.
//!
//! ```text
//! ws2emu catalog list [--json]     the transport catalog, like `netsh winsock show catalog`
//! ws2emu catalog install ...       a layered provider and its chains over base entries
//! ws2emu catalog remove GUID...    every entry of those providers
//! ws2emu catalog order ID...       rewrite the catalog order
//! ws2emu catalog reset             back to the built-in default (the old file kept as .bak)
//! ws2emu conform [--provider PATH]...  the conformance suite against providers (conform_cmd)
//! ```
//!
//! The catalog is the file `WS2EMU_CATALOG` names, or the built-in default.
//!
//! Every failure is one line on stderr naming the problem, and a non-zero exit status; a command
//! that fails changes nothing.

mod catalog_cmd;
mod conform_cmd;
mod describe;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        ["catalog", rest @ ..] => catalog_cmd::run(rest),
        ["conform", rest @ ..] => match conform_cmd::run(rest) {
            Ok(true) => return ExitCode::SUCCESS,
            Ok(false) => return ExitCode::FAILURE,
            Err(message) => Err(message),
        },
        [conform_cmd::SUITE_COMMAND, rest @ ..] => {
            // The child process of one conform run (not for users).
            return ExitCode::from(conform_cmd::suite_child(rest));
        }
        ["--help"] | ["-h"] | ["help"] => {
            println!("{}\n{}", catalog_cmd::USAGE, conform_cmd::USAGE);
            return ExitCode::SUCCESS;
        }
        _ => Err(format!(
            "unknown command\n{}\n{}",
            catalog_cmd::USAGE,
            conform_cmd::USAGE
        )),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("ws2emu: {message}");
            ExitCode::FAILURE
        }
    }
}
