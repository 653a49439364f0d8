//! What a deploy publishes: everything the first time with the right headers, only what changed
//! afterwards, stale objects only with `--delete`, nothing with `--dry-run`.

use super::harness::*;

#[test]
fn first_deploy_uploads_everything_with_the_right_headers() {
    let Some((server, bucket, site)) = setup(3) else {
        return;
    };
    let (uploaded, _) = deploy_ok(&server, &site, &[]);
    let expected = site.expected_listing();
    assert_eq!(uploaded, expected.len());

    let listing = bucket.listing();
    assert!(listing.contains_key(MANIFEST), "{listing:?}");
    assert_eq!(without_manifest(listing), expected);

    let (html, content_type, cache) = bucket.get("docs/index.html");
    assert_eq!(html, std::fs::read(site.out().join("index.html")).unwrap());
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert_eq!(cache, "public, max-age=300");

    let css = expected
        .keys()
        .find(|k| k.starts_with("docs/assets/style.") && k.ends_with(".css"))
        .expect("hashed stylesheet");
    let (_, content_type, cache) = bucket.get(css);
    assert_eq!(content_type, "text/css; charset=utf-8");
    assert_eq!(cache, "public, max-age=31536000, immutable");

    let (_, content_type, cache) = bucket.get("docs/images/logo.png");
    assert_eq!(content_type, "image/png");
    assert_eq!(cache, "public, max-age=300");
}

#[test]
fn a_second_deploy_uploads_nothing() {
    let Some((server, bucket, site)) = setup(3) else {
        return;
    };
    deploy_ok(&server, &site, &[]);
    let before = bucket.listing();
    let writes = server.writes();
    assert!(writes > 0, "the request log is read");
    let (uploaded, stderr) = deploy_ok(&server, &site, &[]);
    assert_eq!(uploaded, 0, "{stderr}");
    assert_eq!(bucket.listing(), before);
    assert_eq!(
        server.writes(),
        writes,
        "not even the manifest is rewritten"
    );
}

#[test]
fn one_edited_page_uploads_that_page_and_only_the_search_files_it_changed() {
    let Some((server, bucket, site)) = setup(3) else {
        return;
    };
    deploy_ok(&server, &site, &[]);
    let search_files = site
        .expected_listing()
        .keys()
        .filter(|k| k.contains("/search/"))
        .count();
    site.edit("guide/page-001.md", "Un texte tout neuf.");
    let (_, stderr) = deploy_ok(&server, &site, &[]);
    let uploads: Vec<&str> = stderr
        .lines()
        .filter_map(|l| l.strip_prefix("uploaded  "))
        .collect();
    let mut pages: Vec<&str> = uploads
        .iter()
        .filter(|u| !u.starts_with("search/"))
        .map(|u| u.split(' ').next().unwrap_or(u))
        .collect();
    pages.sort_unstable();
    // The page's HTML and Markdown, and llms-full.txt, which holds every page's Markdown.
    assert_eq!(
        pages,
        [
            "guide/page-001.md",
            "guide/page-001/index.html",
            "llms-full.txt"
        ],
        "{stderr}"
    );
    // The index: its metadata, the page's own text, the shards of the words that changed.
    let search: Vec<&&str> = uploads
        .iter()
        .filter(|u| u.starts_with("search/"))
        .collect();
    assert!(
        search.iter().any(|u| u.starts_with("search/meta.js")),
        "{stderr}"
    );
    assert!(search.len() < search_files, "{search:?} of {search_files}");
    assert_eq!(without_manifest(bucket.listing()), site.expected_listing());
}

#[test]
fn delete_removes_stale_objects_only_when_asked() {
    let Some((server, bucket, site)) = setup(3) else {
        return;
    };
    deploy_ok(&server, &site, &[]);
    std::fs::remove_file(site.path().join("guide/page-002.md")).unwrap();
    site.build();
    let stale = "docs/guide/page-002/index.html";

    deploy_ok(&server, &site, &[]);
    assert!(
        bucket.listing().contains_key(stale),
        "kept without --delete"
    );

    let (_, stderr) = deploy_ok(&server, &site, &["--delete"]);
    assert!(
        stderr.contains("deleted   guide/page-002/index.html"),
        "{stderr}"
    );
    let listing = bucket.listing();
    assert!(listing.contains_key(MANIFEST), "the manifest is not stale");
    assert_eq!(without_manifest(listing), site.expected_listing());
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let Some((server, bucket, site)) = setup(3) else {
        return;
    };
    // On an empty bucket: everything is planned, nothing is sent.
    let (output, stdout, _) = run(deploy_command(&server, &site, &["--dry-run"]));
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout.contains("upload  new"), "{stdout}");
    assert!(bucket.listing().is_empty());

    deploy_ok(&server, &site, &[]);
    site.edit("guide/page-000.md", "Changé.");
    std::fs::remove_file(site.path().join("guide/page-001.md")).unwrap();
    site.build();
    let before = bucket.listing();
    let (output, stdout, stderr) = run(deploy_command(&server, &site, &["--dry-run", "--delete"]));
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(
        stdout.contains("upload  changed") && stdout.contains("docs/guide/page-000/index.html"),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("delete") && l.ends_with("docs/guide/page-001/index.html")),
        "{stdout}"
    );
    assert!(stdout.contains("skip"), "{stdout}");
    let uploads = stdout.lines().filter(|l| l.starts_with("upload  ")).count();
    assert!(
        stdout.contains(&format!("upload {uploads} (")),
        "totals agree with the lines: {stdout}"
    );
    assert_eq!(bucket.listing(), before, "a dry run changed the bucket");
}

#[test]
fn markdown_and_llms_files_go_up_with_their_types_and_the_plan_file_stays_home() {
    let Some((server, bucket, site)) = setup(2) else {
        return;
    };
    assert!(site.out().join(carnet::render::PLAN_FILE).is_file());
    deploy_ok(&server, &site, &[]);
    let (markdown, content_type, cache) = bucket.get("docs/guide/page-001.md");
    assert!(markdown.starts_with(b"# Page 1"));
    assert_eq!(content_type, "text/markdown; charset=utf-8");
    assert_eq!(cache, "public, max-age=300");
    for file in ["docs/llms.txt", "docs/llms-full.txt"] {
        assert_eq!(bucket.get(file).1, "text/plain; charset=utf-8", "{file}");
    }
    let listing = bucket.listing();
    assert!(
        !listing.contains_key(&format!("{PREFIX}/{}", carnet::render::PLAN_FILE)),
        "{listing:?}"
    );
}

/// The lines of a dry run's plan that upload, in order, as their keys.
fn planned_uploads(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|l| l.starts_with("upload  "))
        .filter_map(|l| l.split_whitespace().last())
        .map(str::to_string)
        .collect()
}

/// A site of two spaces (the root and `api/`), whose `api/nav.json` lists the space's pages.
fn two_spaces() -> Site {
    Site::with(&[
        ("SUMMARY.md", "* [Accueil](README.md)\n"),
        ("README.md", "# Accueil\n\n![logo](images/logo.png)\n"),
        ("images/logo.png", "png"),
        (
            "api/SUMMARY.md",
            "* [API](README.md)\n* [Points](points.md)\n",
        ),
        ("api/README.md", "# API\n"),
        ("api/points.md", "# Points\n"),
    ])
}

#[test]
fn every_spaces_navigation_goes_up_after_the_assets_as_its_plan_file_says() {
    let Some(server) = S3Server::start(&[]) else {
        return;
    };
    server.create_bucket(BUCKET);
    let site = two_spaces();
    let (output, stdout, stderr) = run(deploy_command(&server, &site, &["--dry-run"]));
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let order = planned_uploads(&stdout);
    let at = |key: &str| {
        order
            .iter()
            .position(|k| k == key)
            .unwrap_or_else(|| panic!("{key} not planned: {order:?}"))
    };
    let nav = at("docs/api/nav.json");
    assert!(nav > at("docs/images/logo.png"), "{order:?}");
    assert!(at("docs/api.md") > at("docs/images/logo.png"), "{order:?}");
    // Pages and what lists them go up together, after every asset.
    assert!(nav > at("docs/search/meta.js"), "{order:?}");
}

#[test]
fn an_output_without_a_plan_file_is_published_by_file_names() {
    let Some(server) = S3Server::start(&[]) else {
        return;
    };
    server.create_bucket(BUCKET);
    let bucket = Bucket::new(&server);
    let site = two_spaces();
    std::fs::remove_file(site.out().join(carnet::render::PLAN_FILE)).expect("plan file");
    let (output, stdout, _) = run(deploy_command(&server, &site, &["--dry-run"]));
    assert_eq!(output.status.code(), Some(0));
    let order = planned_uploads(&stdout);
    let at = |key: &str| order.iter().position(|k| k == key).expect(key);
    // By name, only the top-level nav.json is known to list pages (as before plan files).
    assert!(at("docs/api/nav.json") < at("docs/index.html"), "{order:?}");
    assert!(at("docs/api.md") > at("docs/images/logo.png"), "{order:?}");
    deploy_ok(&server, &site, &[]);
    assert_eq!(without_manifest(bucket.listing()), site.expected_listing());
    assert_eq!(bucket.get("docs/api.md").1, "text/markdown; charset=utf-8");
    assert_eq!(bucket.get("docs/llms.txt").1, "text/plain; charset=utf-8");
}
