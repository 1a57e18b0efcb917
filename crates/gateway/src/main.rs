//! `confluence-gateway`: the Confluence MCP gateway. Commands live in [`cli`]; the gateway
//! itself is the `gateway` library.

mod cli;

/// mimalloc: the gateway allocates many short-lived buffers per call (bodies, Markdown, JSON);
/// glibc's malloc spent about a quarter of a `get_page` call's CPU time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
