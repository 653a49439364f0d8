//! The bucket: connecting, listing, reading and writing objects, and saying why a request failed.
//!
//! Signing, retries and XML are object_store's; this module decides the endpoint and addressing
//! style, and turns the client's errors into causes a user can act on (the credentials were
//! refused, access denied, the host cannot be reached) naming the object concerned.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::client::{HttpError, HttpErrorKind};
use object_store::path::Path as ObjectPath;
use object_store::{
    Attribute, Attributes, BackoffConfig, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions,
    PutPayload, RetryConfig,
};

use super::credentials::{Credentials, Env, profile_region};
use super::manifest::{MANIFEST_NAME, Manifest};
use super::plan::RemoteObject;
use super::target::Target;
use super::{DeployError, ErrorKind};

/// How to reach the bucket, as given on the command line.
#[derive(Clone, Debug, Default)]
pub struct Connection {
    /// `--endpoint` (else `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`); `None` is AWS itself.
    pub endpoint: Option<String>,
    /// `--region` (else `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's, `us-east-1`).
    pub region: Option<String>,
    /// `--path-style`: `ENDPOINT/BUCKET/KEY` instead of `BUCKET.ENDPOINT/KEY`.
    pub path_style: bool,
}

impl Connection {
    /// The region and endpoint after the environment's defaults, in the AWS CLI's order.
    fn resolve(&self, env: &Env) -> (String, Option<String>) {
        let var = |name: &str| env.get(name).filter(|v| !v.trim().is_empty()).cloned();
        let region = self
            .region
            .clone()
            .or_else(|| var("AWS_REGION"))
            .or_else(|| var("AWS_DEFAULT_REGION"))
            .or_else(|| profile_region(env))
            .unwrap_or_else(|| "us-east-1".to_string());
        let endpoint = self
            .endpoint
            .clone()
            .or_else(|| var("AWS_ENDPOINT_URL_S3"))
            .or_else(|| var("AWS_ENDPOINT_URL"));
        (region, endpoint)
    }
}

/// A connected bucket and prefix.
pub struct Remote {
    store: Arc<AmazonS3>,
    target: Target,
    credentials_source: String,
    /// The endpoint as users know it, for "cannot reach …".
    endpoint_label: String,
}

impl Remote {
    /// Configures the client; nothing is sent yet.
    pub fn connect(
        target: &Target,
        connection: &Connection,
        credentials: &Credentials,
        env: &Env,
    ) -> Result<Self, DeployError> {
        let (region, endpoint) = connection.resolve(env);
        let addressing = addressing(endpoint.as_deref(), &target.bucket, connection.path_style)
            .map_err(DeployError::usage)?;

        let mut builder = match credentials {
            // Web identity and container roles are configured by the environment itself.
            Credentials::Delegated { .. } => AmazonS3Builder::from_env(),
            Credentials::Keys {
                access_key_id,
                secret_access_key,
                session_token,
                ..
            } => {
                let builder = AmazonS3Builder::new()
                    .with_access_key_id(access_key_id)
                    .with_secret_access_key(secret_access_key);
                match session_token {
                    Some(token) => builder.with_token(token),
                    None => builder,
                }
            }
        };
        builder = builder
            .with_bucket_name(&target.bucket)
            .with_region(&region)
            .with_virtual_hosted_style_request(addressing.virtual_hosted)
            .with_client_options(
                ClientOptions::new()
                    .with_allow_http(addressing.plain_http)
                    .with_connect_timeout(Duration::from_secs(10))
                    .with_timeout(Duration::from_secs(120)),
            )
            // A host that is down should fail the deploy in seconds, not after object_store's
            // default three minutes; 5xx and dropped connections are still retried.
            .with_retry(RetryConfig {
                backoff: BackoffConfig::default(),
                max_retries: 4,
                retry_timeout: Duration::from_secs(60),
            });
        if let Some(url) = &addressing.endpoint {
            builder = builder.with_endpoint(url);
        }
        let store = builder
            .build()
            .map_err(|err| DeployError::usage(format!("cannot configure the S3 client: {err}")))?;
        Ok(Remote {
            store: Arc::new(store),
            target: target.clone(),
            credentials_source: credentials.source().to_string(),
            endpoint_label: endpoint
                .unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com")),
        })
    }

    /// Every object under the prefix, keyed by output-relative path.
    pub async fn list(&self) -> Result<BTreeMap<String, RemoteObject>, DeployError> {
        let prefix = self.prefix_path()?;
        let objects: Vec<_> = self
            .store
            .list(prefix.as_ref())
            .try_collect()
            .await
            .map_err(|err| self.error(self.target.to_string(), "list", &err))?;
        Ok(objects
            .into_iter()
            .filter_map(|meta| {
                let rel = self.target.relative(meta.location.as_ref())?.to_string();
                let etag = meta.e_tag.map(|e| normalize_etag(&e));
                Some((
                    rel,
                    RemoteObject {
                        size: meta.size,
                        etag,
                    },
                ))
            })
            .collect())
    }

    /// The manifest, when there is a readable one.
    pub async fn read_manifest(&self) -> Result<Option<Manifest>, DeployError> {
        let key = self.target.key(MANIFEST_NAME);
        let path = object_path(&key)?;
        match self.store.get(&path).await {
            Ok(result) => {
                let bytes = result
                    .bytes()
                    .await
                    .map_err(|err| self.error(key.clone(), "read", &err))?;
                Ok(Manifest::from_bytes(&bytes))
            }
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(self.error(key, "read", &err)),
        }
    }

    /// Uploads `bytes` at `rel` with its headers; returns the ETag the host gave it.
    pub async fn put(
        &self,
        rel: &str,
        bytes: Vec<u8>,
        content_type: &str,
        cache_control: &str,
    ) -> Result<String, DeployError> {
        let key = self.target.key(rel);
        let path = object_path(&key)?;
        let mut attributes = Attributes::new();
        attributes.insert(Attribute::ContentType, content_type.to_string().into());
        attributes.insert(Attribute::CacheControl, cache_control.to_string().into());
        let options = PutOptions {
            attributes,
            ..PutOptions::default()
        };
        let result = self
            .store
            .put_opts(&path, PutPayload::from(bytes), options)
            .await
            .map_err(|err| self.error(key, "write", &err))?;
        Ok(result.e_tag.map(|e| normalize_etag(&e)).unwrap_or_default())
    }

    /// Deletes the object at `rel`.
    pub async fn delete(&self, rel: &str) -> Result<(), DeployError> {
        let key = self.target.key(rel);
        let path = object_path(&key)?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(self.error(key, "delete", &err)),
        }
    }

    fn prefix_path(&self) -> Result<Option<ObjectPath>, DeployError> {
        if self.target.prefix.is_empty() {
            Ok(None)
        } else {
            object_path(&self.target.prefix).map(Some)
        }
    }

    /// Names the object and the cause; `action` is what was being done to it.
    fn error(&self, subject: String, action: &str, err: &object_store::Error) -> DeployError {
        let (kind, message) = classify(err);
        let message = match kind {
            ErrorKind::CredentialsRefused => format!(
                "the credentials were refused ({message}); they came from {}",
                self.credentials_source
            ),
            ErrorKind::AccessDenied => {
                format!("access denied: these credentials may not {action} it ({message})")
            }
            ErrorKind::Unreachable => {
                format!("cannot reach {}: {message}", self.endpoint_label)
            }
            ErrorKind::NoSuchBucket => {
                format!(
                    "bucket `{}` does not exist on {}",
                    self.target.bucket, self.endpoint_label
                )
            }
            _ => format!("cannot {action} it: {message}"),
        };
        DeployError {
            key: Some(subject),
            kind,
            message,
        }
    }
}

/// How requests address the bucket.
#[derive(Debug, PartialEq, Eq)]
struct Addressing {
    /// The endpoint handed to the client (with the bucket as a subdomain when virtual-hosted).
    endpoint: Option<String>,
    virtual_hosted: bool,
    plain_http: bool,
}

/// Virtual-hosted addressing (`BUCKET.host`) is what AWS and most hosts want; it cannot work for
/// an IP address or `localhost`, which therefore always get path-style addressing.
fn addressing(
    endpoint: Option<&str>,
    bucket: &str,
    path_style: bool,
) -> Result<Addressing, String> {
    let Some(endpoint) = endpoint else {
        return Ok(Addressing {
            endpoint: None,
            virtual_hosted: !path_style,
            plain_http: false,
        });
    };
    let (scheme, rest) = endpoint
        .split_once("://")
        .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
        .ok_or_else(|| format!("endpoint `{endpoint}` is not an http:// or https:// URL"))?;
    let rest = rest.trim_end_matches('/');
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    if authority.is_empty() {
        return Err(format!("endpoint `{endpoint}` has no host"));
    }
    let host = match authority.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(v6),
        None => authority.rsplit_once(':').map_or(authority, |(h, _)| h),
    };
    let literal = host == "localhost" || host.parse::<std::net::IpAddr>().is_ok();
    let virtual_hosted = !path_style && !literal;
    let url = if virtual_hosted {
        format!("{scheme}://{bucket}.{authority}{path}")
    } else {
        format!("{scheme}://{authority}{path}")
    };
    Ok(Addressing {
        endpoint: Some(url),
        virtual_hosted,
        plain_http: scheme == "http",
    })
}

/// object_store keeps a key's characters as they are with `parse`; only control characters,
/// empty segments and `.`/`..` are refused, none of which a built site has.
fn object_path(key: &str) -> Result<ObjectPath, DeployError> {
    ObjectPath::parse(key).map_err(|err| DeployError {
        key: Some(key.to_string()),
        kind: ErrorKind::Local,
        message: format!("cannot be an object key: {err}"),
    })
}

/// ETags come quoted (`"abc"`), sometimes weak (`W/"abc"`); MD5s are compared lower-case.
fn normalize_etag(etag: &str) -> String {
    etag.trim_start_matches("W/")
        .trim_matches('"')
        .to_ascii_lowercase()
}

/// The cause of a failed request, and the detail worth showing.
fn classify(err: &object_store::Error) -> (ErrorKind, String) {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    let mut innermost = err.to_string();
    while let Some(e) = source {
        if let Some(http) = e.downcast_ref::<HttpError>()
            && matches!(http.kind(), HttpErrorKind::Connect | HttpErrorKind::Timeout)
        {
            let mut inner: &dyn std::error::Error = http;
            while let Some(next) = inner.source() {
                inner = next;
            }
            return (ErrorKind::Unreachable, inner.to_string());
        }
        innermost = e.to_string();
        source = e.source();
    }
    let text = err.to_string();
    let code = xml_element(&text, "Code");
    let detail = match (&code, xml_element(&text, "Message")) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_string(),
        _ => innermost,
    };
    const REFUSED: [&str; 6] = [
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "InvalidToken",
        "ExpiredToken",
        "InvalidClientTokenId",
        "AuthorizationHeaderMalformed",
    ];
    let code = code.unwrap_or_default();
    if REFUSED.contains(&code) {
        (ErrorKind::CredentialsRefused, code.to_string())
    } else if code == "NoSuchBucket" {
        (ErrorKind::NoSuchBucket, detail)
    } else if matches!(err, object_store::Error::Unauthenticated { .. })
        || text.contains("401 Unauthorized")
    {
        (ErrorKind::CredentialsRefused, detail)
    } else if matches!(code, "AccessDenied" | "AllAccessDisabled")
        || matches!(err, object_store::Error::PermissionDenied { .. })
        || text.contains("403 Forbidden")
    {
        (ErrorKind::AccessDenied, detail)
    } else {
        (ErrorKind::Remote, detail)
    }
}

/// The text of the first `<name>` element of an S3 error body quoted in `text`.
fn xml_element<'a>(text: &'a str, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find("</")? + start;
    Some(text[start..end].trim()).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_get_the_bucket_as_a_subdomain_unless_path_style() {
        let a = addressing(Some("https://s3.fr-par.scw.cloud"), "docs", false).unwrap();
        assert_eq!(
            a.endpoint.as_deref(),
            Some("https://docs.s3.fr-par.scw.cloud")
        );
        assert!(a.virtual_hosted && !a.plain_http);
        let b = addressing(Some("https://minio.example.org/"), "docs", true).unwrap();
        assert_eq!(b.endpoint.as_deref(), Some("https://minio.example.org"));
        assert!(!b.virtual_hosted);
    }

    #[test]
    fn addresses_and_localhost_are_always_path_style() {
        for url in [
            "http://127.0.0.1:9000",
            "http://localhost:9000",
            "http://[::1]:9000",
        ] {
            let a = addressing(Some(url), "docs", false).unwrap();
            assert!(!a.virtual_hosted, "{url}");
            assert!(a.plain_http);
            assert_eq!(a.endpoint.as_deref(), Some(url));
        }
    }

    #[test]
    fn aws_itself_needs_no_endpoint_and_bad_ones_are_refused() {
        let a = addressing(None, "docs", false).unwrap();
        assert_eq!(a.endpoint, None);
        assert!(a.virtual_hosted);
        assert!(addressing(Some("s3.example.org"), "docs", false).is_err());
        assert!(addressing(Some("ftp://x"), "docs", false).is_err());
        assert!(addressing(Some("https://"), "docs", false).is_err());
    }

    #[test]
    fn s3_error_codes_are_read_from_the_body() {
        let body = "403 Forbidden: <?xml version=\"1.0\"?><Error><Code>AccessDenied</Code>\
                    <Message>Access Denied</Message></Error>";
        assert_eq!(xml_element(body, "Code"), Some("AccessDenied"));
        assert_eq!(xml_element(body, "Message"), Some("Access Denied"));
        assert_eq!(xml_element("no xml", "Code"), None);
    }

    #[test]
    fn the_command_line_wins_over_the_environment() {
        let env: Env = [
            ("AWS_REGION", "nl-ams"),
            ("AWS_ENDPOINT_URL", "https://env.example"),
            ("HOME", "/nonexistent"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let given = Connection {
            endpoint: Some("https://cli.example".into()),
            region: Some("fr-par".into()),
            path_style: false,
        };
        assert_eq!(
            given.resolve(&env),
            (
                "fr-par".to_string(),
                Some("https://cli.example".to_string())
            )
        );
        let defaults = Connection::default();
        assert_eq!(
            defaults.resolve(&env),
            (
                "nl-ams".to_string(),
                Some("https://env.example".to_string())
            )
        );
        let nothing: Env = [("HOME".to_string(), "/nonexistent".to_string())].into();
        assert_eq!(defaults.resolve(&nothing), ("us-east-1".to_string(), None));
    }

    #[test]
    fn etags_lose_quotes_and_weakness() {
        assert_eq!(normalize_etag("\"ABC\""), "abc");
        assert_eq!(normalize_etag("W/\"abc\""), "abc");
    }
}
