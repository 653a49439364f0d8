//! The staging folder: atomic replacement, and unchanged files linked, not written.

use super::*;

#[test]
fn commit_replaces_the_previous_output_entirely() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    std::fs::create_dir_all(target.join("stale")).unwrap();
    std::fs::write(target.join("stale/old.html"), "old").unwrap();
    let staging = Staging::new(&target).unwrap();
    staging.write("a/index.html", b"new").unwrap();
    staging.commit().unwrap();
    assert_eq!(
        std::fs::read_to_string(target.join("a/index.html")).unwrap(),
        "new"
    );
    assert!(!target.join("stale").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, [std::ffi::OsString::from("public")]);
}

#[test]
fn dropping_without_commit_leaves_the_old_output_and_no_trace() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("index.html"), "old").unwrap();
    {
        let staging = Staging::new(&target).unwrap();
        staging.write("index.html", b"half").unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(target.join("index.html")).unwrap(),
        "old"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn unchanged_files_are_linked_from_the_previous_output_and_changed_ones_written() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    let first = Staging::new(&target).unwrap();
    first.write("same.html", b"same").unwrap();
    first.write("changed.html", b"before").unwrap();
    first.write("grown.html", b"abc").unwrap();
    first.commit().unwrap();
    let inode = |rel: &str| std::fs::metadata(target.join(rel)).unwrap().ino();
    let (same, changed) = (inode("same.html"), inode("changed.html"));

    let second = Staging::new(&target).unwrap();
    second.write("same.html", b"same").unwrap();
    second.write("changed.html", b"after!").unwrap();
    second.write("grown.html", b"abd").unwrap();
    // Until the swap, the previous output is what it was.
    assert_eq!(
        std::fs::read(target.join("changed.html")).unwrap(),
        b"before"
    );
    assert_eq!(std::fs::read(target.join("grown.html")).unwrap(), b"abc");
    second.commit().unwrap();
    assert_eq!(inode("same.html"), same, "unchanged: linked, not written");
    assert_ne!(inode("changed.html"), changed);
    assert_eq!(std::fs::read(target.join("same.html")).unwrap(), b"same");
    assert_eq!(
        std::fs::read(target.join("changed.html")).unwrap(),
        b"after!"
    );
    assert_eq!(std::fs::read(target.join("grown.html")).unwrap(), b"abd");
}

#[test]
fn a_file_written_piece_by_piece_is_linked_only_when_every_byte_is_the_same() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    let pieces = |text: &'static str| {
        move |out: &mut dyn io::Write| {
            for piece in text.split_inclusive(' ') {
                out.write_all(piece.as_bytes())?;
            }
            Ok(())
        }
    };
    let build = |text: &'static str| {
        let staging = Staging::new(&target).unwrap();
        staging.write_with("llms-full.txt", pieces(text)).unwrap();
        staging.commit().unwrap();
        let path = target.join("llms-full.txt");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        std::fs::metadata(path).unwrap().ino()
    };
    let first = build("one two three");
    assert_eq!(build("one two three"), first, "the same bytes: linked");
    for changed in ["one TWO three", "one two three four", "one two", ""] {
        let before = build("one two three");
        assert_ne!(build(changed), before, "{changed:?}: written afresh");
    }
}

#[test]
fn a_folder_carnet_did_not_write_lends_nothing() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("a.html"), "same").unwrap();
    let before = std::fs::metadata(target.join("a.html")).unwrap().ino();
    let staging = Staging::new(&target).unwrap();
    staging.write("a.html", b"same").unwrap();
    staging.commit().unwrap();
    assert_ne!(
        std::fs::metadata(target.join("a.html")).unwrap().ino(),
        before
    );
}

#[test]
fn assets_are_linked_only_when_their_bytes_are_the_same() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("public");
    let source = dir.path().join("logo.png");
    std::fs::write(&source, vec![7u8; 200_000]).unwrap();
    let first = Staging::new(&target).unwrap();
    first.copy_file("logo.png", &source).unwrap();
    first.commit().unwrap();
    let inode = || std::fs::metadata(target.join("logo.png")).unwrap().ino();
    let linked = inode();
    let again = Staging::new(&target).unwrap();
    again.copy_file("logo.png", &source).unwrap();
    again.commit().unwrap();
    assert_eq!(inode(), linked);
    let mut changed = vec![7u8; 200_000];
    changed[150_000] = 8;
    std::fs::write(&source, &changed).unwrap();
    let third = Staging::new(&target).unwrap();
    third.copy_file("logo.png", &source).unwrap();
    third.commit().unwrap();
    assert_ne!(inode(), linked);
    assert_eq!(std::fs::read(target.join("logo.png")).unwrap(), changed);
}
