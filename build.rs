// The default theme is embedded with include_dir!, which cannot tell Cargo which files it
// read; this makes an edit under themes/default/ rebuild the binary.
fn main() {
    println!("cargo::rerun-if-changed=themes/default");
}
