//! Command-line parsing and dispatch. Each command returns an [`Outcome`]; errors become exit
//! code 2 with the message on stderr.

mod admin;
mod audit;
mod connections;
mod dlp;
mod policy;
mod serve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit codes shared by all commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0: done, nothing found.
    Clean,
    /// Exit 1: done, and something was found (or blocked).
    Found,
}

/// Usage and runtime errors.
const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "confluence-gateway",
    about = "Confluence MCP gateway: serves Confluence to AI agents over MCP, with agent keys, \
             per-agent authorization, data loss prevention and size limits",
    long_about = "Confluence MCP gateway.\n\nStart with `confluence-gateway demo` (an emulated \
                  Confluence and a ready gateway), or `init` + `agents add` + `serve` for a real \
                  site.",
    disable_version_flag = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the gateway from a configuration file.
    Serve(serve::ServeArgs),
    /// Run a demo: an emulated Confluence with a demo wiki and a gateway in front of it.
    Demo(serve::DemoArgs),
    /// Serve one virtual server over stdin/stdout (for clients that launch a local process).
    Stdio(serve::StdioArgs),
    /// Write a commented starter configuration.
    Init(admin::InitArgs),
    /// Manage agents (MCP clients) and their keys.
    #[command(subcommand)]
    Agents(admin::AgentsCommand),
    /// Inspect the tool catalog.
    #[command(subcommand)]
    Tools(admin::ToolsCommand),
    /// The audit trail: tail, search, export and verify recorded calls.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Data loss prevention: find and redact secrets and personal data.
    #[command(subcommand)]
    Dlp(dlp::DlpCommand),
    /// Access policy: explain a decision, check a policy file.
    #[command(subcommand)]
    Policy(policy::PolicyCommand),
    /// Connect a user's Atlassian account (OAuth 3LO): prints the URL to consent at.
    Connect(connections::ConnectArgs),
    /// The Atlassian connections and their sessions in the token vault.
    #[command(subcommand)]
    Connections(connections::ConnectionsCommand),
    /// The token vault's master keys.
    #[command(subcommand)]
    Keys(connections::KeysCommand),
    /// Print the version of this build.
    Version,
}

/// Parses the command line, runs the command and turns the result into an exit code:
/// 0 nothing found, 1 findings, 2 error (bad usage, unreadable file, invalid policy).
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            // --help and the like print to stdout and succeed; usage errors exit 2.
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(EXIT_ERROR)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Serve(args) => serve::serve(&args),
        Command::Demo(args) => serve::demo(&args),
        Command::Stdio(args) => serve::stdio(&args),
        Command::Init(args) => admin::init(&args),
        Command::Agents(command) => admin::agents(command),
        Command::Tools(command) => admin::tools(command),
        Command::Dlp(command) => dlp::run(command),
        Command::Policy(command) => policy::run(command),
        Command::Audit(command) => audit::run(command),
        Command::Connect(args) => connections::connect(&args),
        Command::Connections(command) => connections::run(command),
        Command::Keys(command) => connections::keys(command),
        Command::Version => {
            println!("confluence-gateway {}", env!("CARGO_PKG_VERSION"));
            Ok(Outcome::Clean)
        }
    };
    match result {
        Ok(Outcome::Clean) => ExitCode::SUCCESS,
        Ok(Outcome::Found) => ExitCode::from(1),
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}
