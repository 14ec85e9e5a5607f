//! The two migration sets must describe the same schema: same steps, same statements, differing
//! only where the SQL dialects must.

use std::path::Path;

fn steps(backend: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

/// The PostgreSQL spelling of the few things SQLite writes differently.
fn normalise(sql: &str) -> String {
    sql.replace("DOUBLE PRECISION", "DOUBLE").replace("DEFAULT FALSE", "DEFAULT 0").replace("DEFAULT TRUE", "DEFAULT 1")
}

#[test]
fn both_backends_have_the_same_migrations() {
    let (postgres, sqlite) = (steps("postgres"), steps("sqlite"));
    assert_eq!(postgres, sqlite, "every migration needs a twin with the same name in the other folder");
    for step in postgres {
        for file in ["up.sql", "down.sql"] {
            let read = |backend: &str| {
                std::fs::read_to_string(
                    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend).join(&step).join(file),
                )
                .unwrap()
            };
            assert_eq!(
                normalise(&read("postgres")),
                normalise(&read("sqlite")),
                "{step}/{file} differs between the backends"
            );
        }
    }
}
