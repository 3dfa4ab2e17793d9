//! The architecture invariants of `docs/architecture.md`, checked on the
//! source tree: which crate may depend on which, and that only the command
//! line formats output.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The xpo crates a crate's `[dependencies]` (and build dependencies)
/// name, and all its dependency names.
fn dependencies(dir: &str) -> Vec<String> {
    let text = std::fs::read_to_string(root().join(dir).join("Cargo.toml")).unwrap();
    let doc: toml::Table = text.parse().unwrap();
    ["dependencies", "build-dependencies"]
        .iter()
        .filter_map(|k| doc.get(*k).and_then(|t| t.as_table()))
        .flat_map(|t| t.keys().cloned())
        .collect()
}

fn xpo(deps: &[String]) -> Vec<&str> {
    let mut v: Vec<&str> = deps
        .iter()
        .map(String::as_str)
        .filter(|d| d.starts_with("xpo"))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// Dependencies point one way: spec <- hdl, host, export <- sim <- serve
/// <- cli.
/// The model (host) never sees the HDL, the HDL never sees the model, and
/// spec holds data only.
#[test]
fn dependencies_point_one_way() {
    assert_eq!(xpo(&dependencies("spec")), Vec::<&str>::new());
    assert_eq!(xpo(&dependencies("hdl")), ["xpo-spec"]);
    assert_eq!(xpo(&dependencies("host")), ["xpo-spec"]);
    assert_eq!(xpo(&dependencies("export")), ["xpo-spec"]);
    assert_eq!(
        xpo(&dependencies("sim")),
        ["xpo-hdl", "xpo-host", "xpo-spec"]
    );
    assert_eq!(
        xpo(&dependencies("serve")),
        ["xpo-host", "xpo-sim", "xpo-spec"]
    );
}

/// Only `cli` renders for people: the libraries return typed values, never
/// print, and carry no terminal or plotting crates.
#[test]
fn only_the_command_line_formats_output() {
    for dir in ["spec", "hdl", "host", "sim", "serve", "export"] {
        for dep in dependencies(dir) {
            assert!(
                !["clap", "indicatif", "plotters"].contains(&dep.as_str()),
                "{dir} depends on {dep}"
            );
        }
        let mut stack = vec![root().join(dir).join("src")];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().is_none_or(|x| x != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                // Unit tests at the end of a file may print.
                let body = text.split("#[cfg(test)]").next().unwrap();
                for (n, line) in body.lines().enumerate() {
                    let code = line.split("//").next().unwrap();
                    for mac in ["println!", "print!(", "eprintln!", "eprint!(", "dbg!("] {
                        assert!(
                            !code.contains(mac),
                            "{}:{}: {mac} in a library",
                            p.display(),
                            n + 1
                        );
                    }
                }
            }
        }
    }
}
