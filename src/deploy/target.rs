//! Where a deploy goes: `s3://BUCKET[/PREFIX]`, checked before anything touches the network.
//!
//! A typo in a bucket name or a stray `..` in the prefix would otherwise surface as a confusing
//! server error after the local scan, or worse, publish the site at a key nobody serves.

use std::fmt;

/// A parsed `s3://BUCKET[/PREFIX]` destination.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub bucket: String,
    /// Key prefix without leading or trailing `/`; empty for the bucket's root.
    pub prefix: String,
}

impl Target {
    /// The object key of the output-relative path `rel` (`a/index.html`).
    pub fn key(&self, rel: &str) -> String {
        if self.prefix.is_empty() {
            rel.to_string()
        } else {
            format!("{}/{rel}", self.prefix)
        }
    }

    /// The output-relative path of `key`, when `key` lies under the prefix.
    pub fn relative<'a>(&self, key: &'a str) -> Option<&'a str> {
        if self.prefix.is_empty() {
            return Some(key);
        }
        key.strip_prefix(self.prefix.as_str())?.strip_prefix('/')
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.prefix.is_empty() {
            write!(f, "s3://{}/", self.bucket)
        } else {
            write!(f, "s3://{}/{}/", self.bucket, self.prefix)
        }
    }
}

/// Parses `s3://BUCKET[/PREFIX]`; the error says what is wrong and what is expected.
pub fn parse_target(value: &str) -> Result<Target, String> {
    let rest = value
        .strip_prefix("s3://")
        .ok_or_else(|| format!("`{value}` is not an s3:// URL; expected s3://BUCKET[/PREFIX]"))?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    check_bucket(bucket)?;
    let prefix = prefix.trim_matches('/');
    for segment in prefix.split('/').filter(|_| !prefix.is_empty()) {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Err(format!(
                "prefix `{prefix}` has an empty, `.` or `..` segment"
            ));
        }
        if segment.chars().any(|c| c.is_control()) {
            return Err(format!("prefix `{prefix}` contains a control character"));
        }
    }
    Ok(Target {
        bucket: bucket.to_string(),
        prefix: prefix.to_string(),
    })
}

/// S3's naming rules (3–63 characters of `a-z`, `0-9`, `.`, `-`, starting and ending with a
/// letter or digit), which every S3-compatible host we know of enforces too.
fn check_bucket(bucket: &str) -> Result<(), String> {
    let allowed = bucket
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    let ends_ok = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if bucket.is_empty() {
        Err("no bucket name; expected s3://BUCKET[/PREFIX]".to_string())
    } else if !(3..=63).contains(&bucket.len())
        || !allowed
        || !ends_ok(bucket.bytes().next())
        || !ends_ok(bucket.bytes().last())
    {
        Err(format!(
            "`{bucket}` is not a valid bucket name (3 to 63 characters: a-z, 0-9, `.` and `-`)"
        ))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_and_prefix_are_split_and_slashes_trimmed() {
        let t = parse_target("s3://my-docs/site/v2/").unwrap();
        assert_eq!(t.bucket, "my-docs");
        assert_eq!(t.prefix, "site/v2");
        assert_eq!(t.key("a/index.html"), "site/v2/a/index.html");
        assert_eq!(t.relative("site/v2/a/index.html"), Some("a/index.html"));
        assert_eq!(t.relative("site/v2x/a"), None);
        assert_eq!(t.to_string(), "s3://my-docs/site/v2/");
    }

    #[test]
    fn a_bare_bucket_deploys_at_the_root() {
        for url in ["s3://docs", "s3://docs/"] {
            let t = parse_target(url).unwrap();
            assert_eq!(t.prefix, "");
            assert_eq!(t.key("index.html"), "index.html");
            assert_eq!(t.relative("x/y"), Some("x/y"));
        }
    }

    #[test]
    fn bad_urls_are_refused_with_a_reason() {
        assert!(parse_target("https://docs/").unwrap_err().contains("s3://"));
        assert!(parse_target("s3://").unwrap_err().contains("no bucket"));
        assert!(
            parse_target("s3://My_Bucket")
                .unwrap_err()
                .contains("valid")
        );
        assert!(parse_target("s3://ab").unwrap_err().contains("valid"));
        assert!(parse_target("s3://docs/a/../b").unwrap_err().contains(".."));
        assert!(
            parse_target("s3://docs/a//b")
                .unwrap_err()
                .contains("empty")
        );
    }
}
