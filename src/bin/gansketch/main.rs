//! The `gansketch` command line (native only: the page uses the library's `web` module).

#[cfg(not(target_family = "wasm"))]
mod cli;

#[cfg(not(target_family = "wasm"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

/// Built only because cargo builds every binary for integration tests, wasm32 ones too.
#[cfg(target_family = "wasm")]
fn main() {}
