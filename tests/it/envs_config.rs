//! The environments file as `ecsdeck serve --config PATH` reads it: clear
//! messages for duplicate names, unknown keys, names that are not
//! URL-safe, and a clear conflict with the single-environment flags.

use clap::Parser;
use ecsdeck::config::Cli;
use ecsdeck::config::environments::load;

fn write(text: &str) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("envs-{}.toml", uuid::Uuid::new_v4()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn file_mistakes_name_the_environment_and_the_key() {
    let cases = [
        (
            "[[environments]]\nname = \"prod\"\nregion = \"us-east-1\"\n\
             [[environments]]\nname = \"prod\"\nregion = \"eu-west-1\"\n",
            "environment 2 (\"prod\"): the name \"prod\" is already used by environment 1",
        ),
        (
            "[[environments]]\nname = \"prod\"\nregion = \"us-east-1\"\nrole_ar = \"x\"\n",
            "unknown field `role_ar`",
        ),
        (
            "[[environments]]\nname = \"prod/us\"\nregion = \"us-east-1\"\n",
            "name \"prod/us\" is not URL-safe",
        ),
        (
            "[[environments]]\nname = \"prod\"\nregion = \"us-east-1\"\nprotected = \"yes\"\n",
            "invalid type",
        ),
    ];
    for (text, expected) in cases {
        let path = write(text);
        let err = load(&path).unwrap_err().to_string();
        assert!(err.contains(expected), "{text:?}: {err}");
        assert!(
            err.contains(&path.display().to_string()),
            "names the file: {err}"
        );
    }
    let missing = load(std::path::Path::new("/nonexistent/ecsdeck.toml")).unwrap_err();
    assert!(
        missing
            .to_string()
            .contains("cannot read the environments file")
    );

    let ok = write(
        "[[environments]]\nname = \"prod-us\"\nregion = \"us-east-1\"\nprotected = true\n\
         [[environments]]\nname = \"staging_eu\"\nregion = \"eu-west-1\"\nprofile = \"staging\"\n",
    );
    let envs = load(&ok).unwrap();
    assert_eq!(
        envs.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(),
        ["prod-us", "staging_eu"]
    );
}

#[test]
fn config_and_the_single_environment_flags_conflict() {
    let err = Cli::try_parse_from([
        "ecsdeck",
        "serve",
        "--config",
        "ecsdeck.toml",
        "--region",
        "us-east-1",
    ])
    .unwrap_err();
    assert_eq!(err.kind(), clap::error::ErrorKind::ArgumentConflict);
    let text = err.to_string();
    assert!(
        text.contains("--config") && text.contains("--region"),
        "{text}"
    );
}
