//! The `parley` binary: parse arguments, hand off to the library, map the outcome to an exit code.

fn main() -> std::process::ExitCode {
    parley::cli::main()
}
