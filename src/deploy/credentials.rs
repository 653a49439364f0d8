//! Finding the credentials a deploy signs with, without ever showing them.
//!
//! Only the places every S3 tool reads are looked at, in the AWS CLI's order: the environment
//! (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`), a role the environment
//! delegates to (web identity, container credentials), then a profile of the shared credentials
//! file (`AWS_PROFILE`, else `default`, in `AWS_SHARED_CREDENTIALS_FILE`, else
//! `~/.aws/credentials`). Never the command line, where they would land in shell history and CI
//! logs, and never `carnet.yaml`, which is committed. `Debug` shows where they came from, never
//! the secret.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Credentials found for a deploy.
#[derive(Clone)]
pub enum Credentials {
    /// A key pair (and session token), from the environment or a profile.
    Keys {
        access_key_id: String,
        secret_access_key: String,
        session_token: Option<String>,
        source: String,
    },
    /// The environment names a role to assume (web identity or container credentials); the S3
    /// client fetches short-lived keys itself.
    Delegated { source: String },
}

impl Credentials {
    /// Where the credentials came from, for messages: "the environment", "profile `x` of …".
    pub fn source(&self) -> &str {
        match self {
            Credentials::Keys { source, .. } | Credentials::Delegated { source } => source,
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Credentials(from {}, redacted)", self.source())
    }
}

/// The environment a lookup sees; a map in tests, the process environment in use.
pub type Env = HashMap<String, String>;

/// The process environment's `AWS_*` variables (and `HOME`), read once.
pub fn process_env() -> Env {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, _)| k.starts_with("AWS_") || k == "HOME")
        .collect()
}

/// Finds credentials, or says exactly what to set.
pub fn find_credentials(env: &Env) -> Result<Credentials, String> {
    let var = |name: &str| env.get(name).filter(|v| !v.trim().is_empty()).cloned();
    match (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) {
        (Some(access_key_id), Some(secret_access_key)) => {
            return Ok(Credentials::Keys {
                access_key_id,
                secret_access_key,
                session_token: var("AWS_SESSION_TOKEN"),
                source: "the environment".to_string(),
            });
        }
        (Some(_), None) => {
            return Err("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not".to_string());
        }
        (None, Some(_)) => {
            return Err("AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not".to_string());
        }
        (None, None) => {}
    }
    if var("AWS_WEB_IDENTITY_TOKEN_FILE").is_some() && var("AWS_ROLE_ARN").is_some() {
        return Ok(Credentials::Delegated {
            source: "web identity (AWS_WEB_IDENTITY_TOKEN_FILE)".to_string(),
        });
    }
    if var("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
        || var("AWS_CONTAINER_CREDENTIALS_FULL_URI").is_some()
    {
        return Ok(Credentials::Delegated {
            source: "container credentials".to_string(),
        });
    }
    let explicit_profile = var("AWS_PROFILE");
    let profile = explicit_profile
        .clone()
        .unwrap_or_else(|| "default".to_string());
    let file = var("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| Path::new(&home).join(".aws/credentials")));
    let missing = "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (from your CI's \
                   secret variables), or add a profile to ~/.aws/credentials";
    let Some(file) = file else {
        return Err(missing.to_string());
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound && explicit_profile.is_none() => {
            return Err(missing.to_string());
        }
        Err(err) => return Err(format!("cannot read {}: {err}", file.display())),
    };
    let sections = parse_ini(&text);
    let source = format!("profile `{profile}` of {}", file.display());
    let Some(section) = sections.get(&profile) else {
        return Err(if explicit_profile.is_some() {
            format!(
                "AWS_PROFILE names `{profile}`, which {} does not have",
                file.display()
            )
        } else {
            missing.to_string()
        });
    };
    match (
        section.get("aws_access_key_id"),
        section.get("aws_secret_access_key"),
    ) {
        (Some(id), Some(secret)) => Ok(Credentials::Keys {
            access_key_id: id.clone(),
            secret_access_key: secret.clone(),
            session_token: section.get("aws_session_token").cloned(),
            source,
        }),
        _ => Err(format!(
            "{source} lacks aws_access_key_id or aws_secret_access_key"
        )),
    }
}

/// The region of the profile in `~/.aws/config` (`[default]` or `[profile NAME]`), which is
/// where the AWS CLI keeps it.
pub fn profile_region(env: &Env) -> Option<String> {
    let var = |name: &str| env.get(name).filter(|v| !v.trim().is_empty()).cloned();
    let file = var("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|home| Path::new(&home).join(".aws/config")))?;
    let text = std::fs::read_to_string(file).ok()?;
    let profile = var("AWS_PROFILE").unwrap_or_else(|| "default".to_string());
    let sections = parse_ini(&text);
    let section = sections
        .get(&format!("profile {profile}"))
        .or_else(|| sections.get(&profile))?;
    section.get("region").cloned()
}

/// The shared credentials file's INI dialect: `[section]`, `key = value`, `#`/`;` comments.
fn parse_ini(text: &str) -> HashMap<String, HashMap<String, String>> {
    let mut sections: HashMap<String, HashMap<String, String>> = HashMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            let name = name.trim().to_string();
            sections.entry(name.clone()).or_default();
            current = Some(name);
        } else if let (Some(section), Some((key, value))) = (&current, line.split_once('=')) {
            sections
                .entry(section.clone())
                .or_default()
                .insert(key.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    sections
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Env {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_environment_wins_and_debug_hides_the_secret() {
        let creds = find_credentials(&env(&[
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "s3cr3t"),
        ]))
        .unwrap();
        let shown = format!("{creds:?}");
        assert!(shown.contains("the environment"), "{shown}");
        assert!(
            !shown.contains("s3cr3t") && !shown.contains("AKIDEXAMPLE"),
            "{shown}"
        );
    }

    #[test]
    fn half_a_key_pair_is_an_error() {
        let err = find_credentials(&env(&[("AWS_ACCESS_KEY_ID", "x")])).unwrap_err();
        assert!(err.contains("AWS_SECRET_ACCESS_KEY is not"), "{err}");
    }

    #[test]
    fn profiles_are_read_from_the_shared_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("credentials");
        std::fs::write(
            &file,
            "# comment\n[default]\naws_access_key_id = A\naws_secret_access_key = B\n\n\
             [ci]\naws_access_key_id=C\naws_secret_access_key=D\naws_session_token=T\n",
        )
        .unwrap();
        let file = file.to_str().unwrap();
        let creds = find_credentials(&env(&[
            ("AWS_SHARED_CREDENTIALS_FILE", file),
            ("AWS_PROFILE", "ci"),
        ]))
        .unwrap();
        match creds {
            Credentials::Keys {
                access_key_id,
                session_token,
                source,
                ..
            } => {
                assert_eq!(access_key_id, "C");
                assert_eq!(session_token.as_deref(), Some("T"));
                assert!(source.contains("profile `ci`"));
            }
            other => panic!("{other:?}"),
        }
        let err = find_credentials(&env(&[
            ("AWS_SHARED_CREDENTIALS_FILE", file),
            ("AWS_PROFILE", "nope"),
        ]))
        .unwrap_err();
        assert!(err.contains("`nope`"), "{err}");
    }

    #[test]
    fn nothing_at_all_says_what_to_set() {
        let dir = tempfile::tempdir().unwrap();
        let err = find_credentials(&env(&[("HOME", dir.path().to_str().unwrap())])).unwrap_err();
        assert!(err.contains("AWS_ACCESS_KEY_ID"), "{err}");
    }

    #[test]
    fn the_region_comes_from_the_profile_in_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        std::fs::write(
            &file,
            "[default]\nregion = fr-par\n[profile ci]\nregion=nl-ams\n",
        )
        .unwrap();
        let file = file.to_str().unwrap();
        assert_eq!(
            profile_region(&env(&[("AWS_CONFIG_FILE", file)])).as_deref(),
            Some("fr-par")
        );
        assert_eq!(
            profile_region(&env(&[("AWS_CONFIG_FILE", file), ("AWS_PROFILE", "ci")])).as_deref(),
            Some("nl-ams")
        );
    }
}
