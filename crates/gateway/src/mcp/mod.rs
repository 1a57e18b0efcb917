//! MCP serving on `rmcp` (the only module that knows the SDK's transport types): the
//! [`handler`] that answers MCP requests for one virtual server, the [`http`] front door
//! (Host/Origin checks, agent keys, one stateless Streamable HTTP service per server), and
//! [`stdio`] for clients that launch a local process.

pub mod handler;
pub mod http;
pub mod stdio;
