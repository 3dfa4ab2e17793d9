//! Exports of the register map in `xpo_spec::regmap`, for the people and
//! tools around the hardware: JSON for scripts, Markdown for readers, a C
//! header for host firmware and drivers, SystemRDL for register tooling
//! (PeakRDL and friends). All four are generated from the same table.

mod c_header;
mod markdown;
mod names;
mod systemrdl;

use std::str::FromStr;
use xpo_spec::regmap::RegisterMap;
use xpo_spec::EngineConfig;

pub use names::upper_snake;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Markdown,
    CHeader,
    SystemRdl,
}

/// An unknown format name.
#[derive(Debug, thiserror::Error)]
#[error("unknown register map format `{0}` (expected json, md, c or rdl)")]
pub struct UnknownFormat(String);

impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, UnknownFormat> {
        match s.to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "md" | "markdown" => Ok(Format::Markdown),
            "c" | "h" => Ok(Format::CHeader),
            "rdl" | "systemrdl" => Ok(Format::SystemRdl),
            _ => Err(UnknownFormat(s.to_string())),
        }
    }
}

impl Format {
    /// Conventional file name for the export.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "xpo_cmis.json",
            Format::Markdown => "xpo_cmis.md",
            Format::CHeader => "xpo_cmis.h",
            Format::SystemRdl => "xpo_cmis.rdl",
        }
    }
}

/// The register map of `cfg` in `format`.
pub fn export(cfg: &EngineConfig, format: Format) -> String {
    let map = cfg.register_map();
    match format {
        Format::Json => json(&map),
        Format::Markdown => markdown::render(&map, cfg),
        Format::CHeader => c_header::render(&map, cfg),
        Format::SystemRdl => systemrdl::render(&map, cfg),
    }
}

/// The map as JSON; `serde_json::from_str::<RegisterMap>` reads it back.
pub fn json(map: &RegisterMap) -> String {
    serde_json::to_string_pretty(map).expect("the map always serializes") + "\n"
}

/// Upper-half pages in address order, the lower page first as `None`.
pub(crate) fn halves(map: &RegisterMap) -> Vec<Option<u8>> {
    let mut v = vec![None];
    v.extend(map.pages.iter().map(|p| Some(p.page)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips() {
        let cfg = EngineConfig::default();
        let map = cfg.register_map();
        let back: RegisterMap = serde_json::from_str(&export(&cfg, Format::Json)).unwrap();
        assert_eq!(back, map);
    }

    #[test]
    fn formats_parse() {
        assert_eq!("rdl".parse::<Format>().unwrap(), Format::SystemRdl);
        assert!("xml"
            .parse::<Format>()
            .unwrap_err()
            .to_string()
            .contains("xml"));
    }
}
