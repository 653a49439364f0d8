//! Deploys that cannot go through say why (credentials, permissions, an unreachable host, a
//! folder that is no built site), and one killed halfway is finished by the next.

use std::process::{Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

use super::harness::*;
use crate::common::*;

#[test]
fn wrong_credentials_fail_naming_the_cause() {
    // This server checks signatures against its own (empty) set of users.
    let Some(server) = S3Server::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]) else {
        return;
    };
    let site = Site::new(1);
    let (output, _, stderr) = run(deploy_command(&server, &site, &[]));
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the credentials were refused"), "{stderr}");
    assert!(
        stderr.contains("s3://site/docs/"),
        "names what it was doing: {stderr}"
    );
    assert!(stderr.contains("from the environment"), "{stderr}");
}

/// Creates a user without any permission on a server that lets exactly three requests through
/// unchecked (these three), and returns its key pair.
fn user_without_permissions(server: &S3Server) -> (String, String) {
    // Unsigned IAM calls: moto routes by the service named in the Authorization header.
    let iam = |action: &str| {
        carnet::net::install_tls_provider();
        reqwest::blocking::Client::new()
            .post(format!("{}/", server.endpoint))
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-1/iam/aws4_request, \
                 SignedHeaders=host, Signature=0",
            )
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body(format!(
                "Action={action}&UserName=reader&Version=2010-05-08"
            ))
            .send()
            .and_then(|r| r.error_for_status())
            .expect("IAM call")
            .text()
            .expect("IAM answer")
    };
    iam("CreateUser");
    let answer = iam("CreateAccessKey");
    let element = |name: &str| {
        let start = answer.find(&format!("<{name}>")).expect(name) + name.len() + 2;
        let end = answer[start..].find('<').expect(name) + start;
        answer[start..end].to_string()
    };
    server.create_bucket(BUCKET);
    (element("AccessKeyId"), element("SecretAccessKey"))
}

#[test]
fn valid_credentials_without_permission_fail_with_access_denied() {
    let Some(server) = S3Server::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "3")]) else {
        return;
    };
    let (key_id, secret) = user_without_permissions(&server);
    let site = Site::new(1);
    // At the bucket's root: moto checks signatures of prefixed listings differently from AWS.
    let mut cmd = Command::cargo_bin("carnet").expect("binary built");
    cmd.args(["deploy", "s3://site"])
        .arg(site.path())
        .args(["--endpoint", &server.endpoint]);
    with_test_credentials(&mut cmd, site.path());
    cmd.env("AWS_ACCESS_KEY_ID", &key_id)
        .env("AWS_SECRET_ACCESS_KEY", &secret);
    let (output, stdout, stderr) = run(cmd);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("s3://site/: access denied"), "{stderr}");
    assert!(!stderr.contains(&secret) && !stdout.contains(&secret));
}

#[test]
fn an_unreachable_host_and_missing_credentials_are_named() {
    let site = Site::new(1);
    // A port nothing listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    let mut cmd = Command::cargo_bin("carnet").expect("binary built");
    cmd.args(["deploy", "s3://site/docs"])
        .arg(site.path())
        .args(["--endpoint", &format!("http://127.0.0.1:{port}")]);
    with_test_credentials(&mut cmd, site.path());
    let (output, _, stderr) = run(cmd);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot reach http://127.0.0.1:{port}")),
        "{stderr}"
    );

    let mut cmd = Command::cargo_bin("carnet").expect("binary built");
    cmd.args(["deploy", "s3://site/docs"]).arg(site.path());
    with_test_credentials(&mut cmd, site.path());
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    let (output, _, stderr) = run(cmd);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("no credentials"), "{stderr}");
}

#[test]
fn a_folder_that_is_not_a_built_site_is_refused() {
    let tmp = site_with(&[("README.md", "# Pas construit\n")]);
    let mut cmd = Command::cargo_bin("carnet").expect("binary built");
    cmd.args(["deploy", "s3://site/docs"]).arg(tmp.path());
    with_test_credentials(&mut cmd, tmp.path());
    let (output, _, stderr) = run(cmd);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("run `carnet build` first"), "{stderr}");
}

/// Starts a deploy that freezes after `n` uploads, waits until the bucket shows them, and kills
/// it: a deploy killed halfway, at a known point.
fn deploy_killed_after(server: &S3Server, bucket: &Bucket, site: &Site, n: usize) {
    let before = bucket.listing();
    let mut cmd = StdCommand::new(assert_cmd::cargo::cargo_bin("carnet"));
    cmd.arg("deploy")
        .arg(format!("s3://{BUCKET}/{PREFIX}"))
        .arg(site.path())
        .args(["--endpoint", &server.endpoint])
        .env("CARNET_TEST_PAUSE_AFTER_UPLOADS", n.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", site.path())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", SECRET);
    let mut child = cmd.spawn().expect("start carnet deploy");
    let started = Instant::now();
    loop {
        let listing = bucket.listing();
        let changed = listing
            .iter()
            .filter(|(k, etag)| before.get(*k) != Some(*etag))
            .count();
        if changed >= n {
            break;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the deploy ended ({status}) before it was killed");
        }
        assert!(started.elapsed() < Duration::from_secs(60), "no progress");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().expect("kill the deploy");
    let _ = child.wait();
}

#[test]
fn a_deploy_killed_halfway_is_finished_by_the_next_one() {
    let Some((server, bucket, site)) = setup(30) else {
        return;
    };
    let expected = site.expected_listing();

    // Killed during the first deploy: some objects, no manifest.
    deploy_killed_after(&server, &bucket, &site, 5);
    let partial = bucket.listing();
    assert!(
        !partial.contains_key(MANIFEST),
        "manifest written before the uploads"
    );
    assert!(partial.len() < expected.len(), "{} objects", partial.len());

    let (uploaded, _) = deploy_ok(&server, &site, &[]);
    assert!(uploaded <= expected.len() - 5, "{uploaded} uploaded again");
    assert_eq!(without_manifest(bucket.listing()), expected);

    // Killed while replacing every page: the manifest left behind describes the old site.
    for i in 0..30 {
        let path = site.path().join(format!("guide/page-{i:03}.md"));
        std::fs::write(path, format!("# Page {i}\n\nVersion deux.\n")).unwrap();
    }
    site.build();
    let old_listing = without_manifest(bucket.listing());
    let changed = site
        .expected_listing()
        .iter()
        .filter(|(key, md5)| old_listing.get(*key) != Some(md5))
        .count();
    let manifest_before = bucket.get(MANIFEST).0;
    deploy_killed_after(&server, &bucket, &site, 4);
    assert_eq!(
        bucket.get(MANIFEST).0,
        manifest_before,
        "manifest rewritten too early"
    );
    assert_ne!(without_manifest(bucket.listing()), site.expected_listing());

    let (uploaded, _) = deploy_ok(&server, &site, &[]);
    assert!(
        uploaded <= changed - 4,
        "{uploaded} of {changed} uploaded again"
    );
    // Every file of the new site is there; what remains of the old one (a search shard whose
    // words are gone) waits for `--delete`, and no current file refers to it.
    let mut listing = without_manifest(bucket.listing());
    let stale: Vec<String> = listing
        .keys()
        .filter(|k| !site.expected_listing().contains_key(*k))
        .cloned()
        .collect();
    assert!(stale.iter().all(|k| k.contains("/search/t/")), "{stale:?}");
    for key in &stale {
        listing.remove(key);
    }
    assert_eq!(listing, site.expected_listing());
    let (again, _) = deploy_ok(&server, &site, &[]);
    assert_eq!(again, 0);
}
