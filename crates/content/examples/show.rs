//! Prints the Markdown of a storage file: `cargo run -p content --example show -- FILE`.
fn main() {
    for path in std::env::args().skip(1) {
        match std::fs::read_to_string(&path) {
            Ok(src) => match content::storage_to_markdown(&src, &content::Options::default()) {
                Ok(md) => println!("=== {path}\n{md}"),
                Err(e) => println!("=== {path}\nerror: {e}"),
            },
            Err(e) => println!("=== {path}\nerror: {e}"),
        }
    }
}
