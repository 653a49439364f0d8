//! GitBook input that cannot be rendered right: errors naming the file and line, and no output.

use crate::common::*;
use carnet::diagnostic::Severity;

fn include_error(files: &[(&str, &str)]) -> (String, usize) {
    let built = build_tmp(site_with(files));
    let errors = built.errors();
    assert_eq!(errors.len(), 1, "{}", list(&errors));
    assert_eq!(errors[0].code, "include-failed");
    assert!(!built.report.written, "a failed build writes nothing");
    let location = errors[0].location.as_ref().expect("located");
    assert_eq!(location.file.to_str(), Some("README.md"));
    (errors[0].message.clone(), location.line)
}

#[test]
fn a_missing_include_is_an_error() {
    let (message, line) = include_error(&[(
        "README.md",
        "# Home\n\n{% include \".gitbook/includes/absent.md\" %}\n",
    )]);
    assert!(
        message.contains("`.gitbook/includes/absent.md` does not exist"),
        "{message}"
    );
    assert_eq!(line, 3);
}

#[test]
fn an_include_outside_the_site_is_an_error() {
    let (message, _) = include_error(&[(
        "README.md",
        "# Home\n\n{% include \"../../etc/passwd\" %}\n",
    )]);
    assert!(message.contains("outside the site"), "{message}");
}

#[test]
fn an_include_cycle_is_an_error() {
    let (message, line) = include_error(&[
        (
            "README.md",
            "# Home\n\n{% include \".gitbook/includes/a.md\" %}\n",
        ),
        (".gitbook/includes/a.md", "A {% include \"b.md\" %}\n"),
        (".gitbook/includes/b.md", "B {% include \"a.md\" %}\n"),
    ]);
    assert!(message.contains("include cycle: .gitbook/includes/a.md → .gitbook/includes/b.md → .gitbook/includes/a.md"), "{message}");

    assert_eq!(line, 3);
}

#[test]
fn a_remote_include_is_only_a_warning() {
    let built = build_tmp(site_with(&[(
        "README.md",
        "{% include \"https://app.gitbook.com/s/x/~/reusable/y/\" %}\n",
    )]));
    built.assert_no_errors();
    let warnings = built.with_code("include-remote");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].severity, Severity::Warning);
}
