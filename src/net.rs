//! The one HTTP and TLS stack of carnet: reqwest on rustls, with ring as rustls's crypto
//! provider. object_store (deploys) needs reqwest; external link checks use its blocking client
//! rather than a second HTTP client with its own TLS stack and root certificates.

/// Installs ring as rustls's crypto provider, before any client is made. reqwest is built
/// without a bundled provider so that the whole binary uses one; a second call finds it
/// installed, which is fine.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
