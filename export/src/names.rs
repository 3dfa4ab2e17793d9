//! Identifier conventions of the exports.

/// `LowPwrRequestSW` → `LOW_PWR_REQUEST_SW`, `PageChecksum00h` →
/// `PAGE_CHECKSUM00H`: an underscore where a lower-case letter or digit is
/// followed by a capital, or a run of capitals ends in a capitalised word.
pub fn upper_snake(name: &str) -> String {
    let c: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &ch) in c.iter().enumerate() {
        if i > 0 && ch.is_ascii_uppercase() {
            let prev = c[i - 1];
            let next_lower = c.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower)
            {
                out.push('_');
            }
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_cmis_names() {
        assert_eq!(upper_snake("LowPwrRequestSW"), "LOW_PWR_REQUEST_SW");
        assert_eq!(upper_snake("TxCDRLOL"), "TX_CDRLOL");
        assert_eq!(upper_snake("DPInitDuration"), "DP_INIT_DURATION");
        assert_eq!(upper_snake("PageChecksum00h"), "PAGE_CHECKSUM00H");
    }

    #[test]
    fn every_map_name_stays_unique() {
        let map = xpo_spec::EngineConfig::default().register_map();
        let mut seen = std::collections::HashSet::new();
        for f in &map.fields {
            assert!(seen.insert(upper_snake(&f.name)), "{} collides", f.name);
        }
    }
}
