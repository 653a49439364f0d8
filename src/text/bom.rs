//! Byte order marks: which Unicode encoding a file announces, and where its text starts.

/// The encoding a byte order mark announces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bom {
    Utf8,
    Utf16Le,
    Utf16Be,
}

impl Bom {
    /// The mark's bytes.
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Bom::Utf8 => b"\xEF\xBB\xBF",
            Bom::Utf16Le => b"\xFF\xFE",
            Bom::Utf16Be => b"\xFE\xFF",
        }
    }
}

/// The BOM `bytes` start with, if any. The rest of the file is `&bytes[bom.bytes().len()..]`.
pub fn sniff(bytes: &[u8]) -> Option<Bom> {
    [Bom::Utf8, Bom::Utf16Le, Bom::Utf16Be]
        .into_iter()
        .find(|bom| bytes.starts_with(bom.bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_recognised() {
        assert_eq!(sniff(b"\xEF\xBB\xBFa"), Some(Bom::Utf8));
        assert_eq!(sniff(b"\xFF\xFEa\0"), Some(Bom::Utf16Le));
        assert_eq!(sniff(b"\xFE\xFF\0a"), Some(Bom::Utf16Be));
        assert_eq!(sniff(b"abc"), None);
    }
}
