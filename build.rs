//! Puts GraphiQL's browser files in the binary, so that the page at `/` works on a network that
//! reaches no CDN. The packages and their integrity are pinned in `data/graphiql-packages.txt`;
//! their tarballs come from the npm registry at build time (or, for a build without the
//! internet, from `GOVTRAIL_GRAPHIQL_TARBALLS`, a folder of `NAME-VERSION.tgz` files as
//! `npm pack` names them). Nothing of them is kept in the repository. When neither is
//! reachable the build goes on with a warning, and the page loads the files from a CDN.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use sha2::Digest as _;

const PINS: &str = "data/graphiql-packages.txt";
const REGISTRY: &str = "https://registry.npmjs.org";
/// The largest tarball read (graphiql's is under 6 MiB).
const TARBALL_LIMIT: u64 = 64 * 1024 * 1024;

struct Pin {
    name: String,
    version: String,
    integrity: String,
    files: Vec<String>,
}

fn main() {
    println!("cargo:rerun-if-changed={PINS}");
    println!("cargo:rerun-if-env-changed=GOVTRAIL_GRAPHIQL_TARBALLS");
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let pins = read_pins(&fs::read_to_string(PINS).expect("data/graphiql-packages.txt is readable"));
    let entries = match pins.iter().map(|pin| unpack(pin, &out)).collect::<Result<Vec<_>, String>>() {
        Ok(files) => files.concat(),
        Err(reason) => {
            println!(
                "cargo:warning=GraphiQL's files are not in this build ({reason}); the page at / will load them from a CDN"
            );
            Vec::new()
        }
    };
    let mut code = String::from("/// GraphiQL's browser files in the binary: package, version, file name, contents.\n");
    code.push_str("pub const BUNDLE: &[(&str, &str, &str, &[u8])] = &[\n");
    for (pin, file, path) in &entries {
        let _ = writeln!(code, "    ({:?}, {:?}, {:?}, include_bytes!({:?})),", pin.0, pin.1, file, path.display());
    }
    code.push_str("];\n");
    fs::write(out.join("graphiql_bundle.rs"), code).expect("OUT_DIR is writable");
}

fn read_pins(text: &str) -> Vec<Pin> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let mut words = line.split_whitespace().map(str::to_owned);
            let mut next = || words.next().unwrap_or_else(|| panic!("{PINS}: an incomplete line: {line}"));
            let (name, version, integrity) = (next(), next(), next());
            Pin { name, version, integrity, files: words.collect() }
        })
        .collect()
}

/// The pinned files of one package, written under OUT_DIR: ((name, version), file, path).
#[allow(clippy::type_complexity)]
fn unpack(pin: &Pin, out: &Path) -> Result<Vec<((String, String), String, PathBuf)>, String> {
    let tarball = fetch(pin)?;
    let expected =
        pin.integrity.strip_prefix("sha512-").ok_or_else(|| format!("{}: only sha512 integrity is read", pin.name))?;
    let actual = base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(&tarball));
    if actual != expected {
        return Err(format!("{}@{}: the tarball's sha512 is not the pinned one", pin.name, pin.version));
    }
    let folder = out.join("graphiql").join(format!("{}@{}", pin.name, pin.version));
    fs::create_dir_all(&folder).map_err(|e| e.to_string())?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(tarball.as_slice()));
    let mut found = Vec::new();
    for entry in archive.entries().map_err(|e| e.to_string())? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path().map_err(|e| e.to_string())?.to_string_lossy().into_owned();
        let Some(file) = pin.files.iter().find(|f| path == format!("package/{f}")) else { continue };
        let name = file.rsplit('/').next().unwrap_or(file).to_owned();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
        let target = folder.join(&name);
        fs::write(&target, bytes).map_err(|e| e.to_string())?;
        found.push(((pin.name.clone(), pin.version.clone()), name, target));
    }
    if found.len() != pin.files.len() {
        return Err(format!("{}@{}: the tarball lacks some of {:?}", pin.name, pin.version, pin.files));
    }
    Ok(found)
}

/// The package's tarball, from the offline folder when one is given, else from the registry.
fn fetch(pin: &Pin) -> Result<Vec<u8>, String> {
    let file = format!("{}-{}.tgz", pin.name, pin.version);
    if let Some(folder) = env::var_os("GOVTRAIL_GRAPHIQL_TARBALLS") {
        let path = Path::new(&folder).join(&file);
        println!("cargo:rerun-if-changed={}", path.display());
        return fs::read(&path).map_err(|e| format!("{}: {e}", path.display()));
    }
    let url = format!("{REGISTRY}/{}/-/{file}", pin.name);
    // The system's roots, as an office network may inspect TLS with its own authority; the
    // digest, not the connection, is what vouches for the files.
    let tls = ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier).build();
    let agent: ureq::Agent =
        ureq::Agent::config_builder().timeout_global(Some(Duration::from_secs(120))).tls_config(tls).build().into();
    agent
        .get(&url)
        .call()
        .map_err(|e| format!("{url}: {e}"))?
        .body_mut()
        .with_config()
        .limit(TARBALL_LIMIT)
        .read_to_vec()
        .map_err(|e| format!("{url}: {e}"))
}
