//! `lienket`: the LiênKết server and its command-line tool.

fn main() -> std::process::ExitCode {
    lienket::cli::main()
}
