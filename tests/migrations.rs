//! The two migration sets must describe the same schema: same steps, same statements, differing
//! only where the SQL dialects must. Value lists on text columns (`<table>_<column>_known`) are a
//! CHECK on PostgreSQL and a pair of triggers on SQLite (which cannot add a CHECK to a table):
//! both must list the same names, and those names must be the Rust enums' (see src/db/types.rs).

use std::collections::BTreeMap;

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
    sql.replace("DOUBLE PRECISION", "DOUBLE")
        .replace("BYTEA", "BLOB")
        .replace("DEFAULT FALSE", "DEFAULT 0")
        .replace("DEFAULT TRUE", "DEFAULT 1")
}

/// Steps that tune PostgreSQL's storage without changing the schema: their SQLite twin does
/// nothing, and they may only set a column's compression or storage, or a table's toast target.
const POSTGRES_STORAGE_ONLY: &[&str] =
    &["2026-11-23-000050_snapshot_compression", "2026-11-24-000100_snapshot_rows_whole"];
/// What such a step may set.
const STORAGE_SETTINGS: &[&str] = &["SET COMPRESSION", "SET STORAGE", "TOAST_TUPLE_TARGET"];

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
            if POSTGRES_STORAGE_ONLY.contains(&step.as_str()) {
                let code = |sql: &str| sql.lines().filter(|l| !l.trim_start().starts_with("--")).collect::<String>();
                assert_eq!(code(&read("sqlite")).trim(), "SELECT 1;", "{step}/{file}: the SQLite twin must do nothing");
                let statements = code(&read("postgres")).to_uppercase();
                let tuning_only = ["CREATE", "DROP", "ADD", "RENAME", "TYPE", "INSERT", "UPDATE", "DELETE"]
                    .iter()
                    .all(|word| !statements.split(|c: char| !c.is_alphanumeric()).any(|w| w == *word));
                assert!(
                    tuning_only && STORAGE_SETTINGS.iter().any(|setting| statements.contains(setting)),
                    "{step}/{file} changes more than storage"
                );
                continue;
            }
            let (postgres, postgres_counted) = split_score_input_triggers(&read("postgres"));
            let (sqlite, sqlite_counted) = split_score_input_triggers(&read("sqlite"));
            assert_eq!(postgres_counted, sqlite_counted, "{step}/{file}: the counted score inputs differ");
            let (postgres, postgres_known) = split_known_values(&postgres);
            let (sqlite, sqlite_known) = split_known_values(&sqlite);
            assert_eq!(normalise(&postgres), normalise(&sqlite), "{step}/{file} differs between the backends");
            assert_eq!(postgres_known, sqlite_known, "{step}/{file}: the value lists differ between the backends");
        }
    }
}

/// The tables whose changes count for a live score, by kind and table (`input:skps`: counted in
/// `score_input_changes`; `context:periods`: in `score_context_changes`): the column naming the
/// employee or the organisation, or empty where the counting is dropped.
type CountedInputs = BTreeMap<String, String>;

/// Takes the triggers that count score inputs out of a migration, which each dialect writes its
/// own way: PostgreSQL's one row trigger per table (`<table>_score_<kind>`, calling
/// `score_<kind>_changed_<column>()`, a function of the same file) and SQLite's four per table
/// (`<table>_score_<kind>_insert|update|move|delete`, each counting `NEW.<column>` or
/// `OLD.<column>`), and their drops; the kind is `input` or `context`. Returns the rest of the
/// file and the counted tables.
fn split_score_input_triggers(sql: &str) -> (String, CountedInputs) {
    let (mut rest, mut counted) = (String::new(), CountedInputs::new());
    let mut sqlite_events: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut lines = sql.lines();
    while let Some(line) = lines.next() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            // PostgreSQL's functions, up to the line closing their body.
            ["CREATE", "FUNCTION", ..] => {
                let mut last = line;
                while !last.trim_end().ends_with("$$;") {
                    last = lines.next().expect("a function's body ends with $$;");
                }
            }
            ["DROP", "FUNCTION", ..] => {}
            ["CREATE", "TRIGGER", name, "AFTER", "INSERT", "OR", "UPDATE", "OR", "DELETE", "ON", table] => {
                let kind = kind_of(name, table, "");
                let body = lines.next().expect("FOR EACH ROW EXECUTE FUNCTION …");
                let column = body
                    .trim()
                    .strip_prefix(&format!("FOR EACH ROW EXECUTE FUNCTION score_{kind}_changed_"))
                    .and_then(|f| f.strip_suffix("();"))
                    .unwrap_or_else(|| panic!("{name}: {body}"));
                counted.insert(format!("{kind}:{table}"), column.to_string());
            }
            ["DROP", "TRIGGER", name, "ON", table] => {
                let table = table.trim_end_matches(';');
                counted.insert(format!("{}:{table}", kind_of(name, table, "")), String::new());
            }
            ["CREATE", "TRIGGER", name, "AFTER", ..] if name.contains("_score_") => {
                let on = words.iter().position(|w| *w == "ON").expect("… ON <table>");
                let table = words[on + 1];
                let (_, event) = name
                    .strip_prefix(&format!("{table}_score_"))
                    .and_then(|rest| rest.split_once('_'))
                    .expect("<table>_score_<kind>_<event>");
                let kind = kind_of(name, table, event);
                let table = format!("{kind}:{table}");
                assert_eq!(lines.next().map(str::trim), Some("BEGIN"), "{name}");
                let count = lines.next().expect("the counting statement");
                assert_eq!(lines.next().map(str::trim), Some("END;"), "{name}");
                let counter = format!("INSERT INTO score_{kind}_changes ");
                assert!(count.trim_start().starts_with(&counter), "{name} counts in another table: {count}");
                let side = if matches!(event, "insert" | "update") { "NEW" } else { "OLD" };
                let column = count
                    .split_once(&format!("SELECT {side}."))
                    .and_then(|(_, c)| c.split_once(", 1 WHERE "))
                    .map(|(c, _)| c.to_string())
                    .unwrap_or_else(|| panic!("{name} counts {side}.<column>: {count}"));
                if let Some(other) = counted.insert(table.clone(), column.clone()) {
                    assert_eq!(other, column, "{table}: its triggers count different columns");
                }
                sqlite_events.entry(table).or_default().push(event.to_string());
            }
            ["DROP", "TRIGGER", name] if name.contains("_score_") => {
                let name = name.trim_end_matches(';');
                let (table, rest) = name.split_once("_score_").unwrap();
                let (_, event) = rest.split_once('_').expect("<table>_score_<kind>_<event>");
                let table = format!("{}:{table}", kind_of(name, table, event));
                counted.insert(table.clone(), String::new());
                sqlite_events.entry(table).or_default().push(event.to_string());
            }
            _ => {
                rest.push_str(line);
                rest.push('\n');
            }
        }
    }
    for (table, mut events) in sqlite_events {
        events.sort_unstable();
        assert_eq!(events, ["delete", "insert", "move", "update"], "{table} needs a trigger for every change");
    }
    (rest, counted)
}

/// The kind of counting trigger `name` (`<table>_score_<kind>`, then `_<event>` on SQLite), which
/// must be one of the two counters.
fn kind_of<'a>(name: &'a str, table: &str, event: &str) -> &'a str {
    let kind = name
        .strip_prefix(&format!("{table}_score_"))
        .map(|rest| if event.is_empty() { rest } else { rest.strip_suffix(&format!("_{event}")).unwrap_or("") })
        .unwrap_or("");
    assert!(matches!(kind, "input" | "context"), "{name}: not a score counter's trigger on {table}");
    kind
}

/// A value list: (table, column) → the names it allows; an empty list where it is dropped.
type KnownValues = BTreeMap<String, (String, String, Vec<String>)>;

/// Takes the value-list statements out of a migration: PostgreSQL's
/// `ALTER TABLE t ADD CONSTRAINT t_c_known CHECK (c IN ('a', 'b'));` and SQLite's
/// `CREATE TRIGGER t_c_known_insert|update … WHEN NEW.c NOT IN ('a', 'b') BEGIN … END;` (both
/// triggers required), and their drops. Returns the rest of the file and the lists by name.
fn split_known_values(sql: &str) -> (String, KnownValues) {
    let values = |list: &str| -> Vec<String> {
        let list = list.trim().trim_end_matches(';').trim_end_matches(')').trim_end_matches(')');
        list.split(", ").map(|v| v.trim_matches('\'').to_string()).collect()
    };
    let (mut rest, mut known) = (String::new(), KnownValues::new());
    // The events of the triggers created and of those dropped (a list replaced has both).
    let mut triggers: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut dropped: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    let mut lines = sql.lines();
    while let Some(line) = lines.next() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["ALTER", "TABLE", table, "ADD", "CONSTRAINT", name, "CHECK", column, "IN", ..] => {
                let list = line.split_once(" IN (").unwrap().1;
                let column = column.trim_start_matches('(');
                known.insert(name.to_string(), (table.to_string(), column.to_string(), values(list)));
            }
            ["ALTER", "TABLE", table, "DROP", "CONSTRAINT", name] => {
                known.insert(name.trim_end_matches(';').to_string(), (table.to_string(), String::new(), vec![]));
            }
            ["CREATE", "TRIGGER", trigger, "BEFORE", ..]
                if trigger.ends_with("_known_insert") || trigger.ends_with("_known_update") =>
            {
                let (name, event) = trigger.rsplit_once('_').unwrap();
                let table = words[words.len() - 1];
                let when = lines.next().expect("WHEN line");
                let body = lines.next().expect("BEGIN line");
                assert!(
                    body.contains(&format!("RAISE(ABORT, 'CHECK constraint failed: {name}')")),
                    "{trigger}: {body}"
                );
                let (column, list) =
                    when.trim_start_matches("WHEN NEW.").split_once(" NOT IN (").expect("WHEN NEW.c NOT IN (…)");
                let entry = (table.to_string(), column.to_string(), values(list));
                // A list dropped earlier in the file is being replaced: only a pair must agree.
                if let Some(other) = known.insert(name.to_string(), entry.clone()).filter(|o| !o.2.is_empty()) {
                    assert_eq!(other, entry, "{name}: the insert and update triggers differ");
                }
                triggers.entry(name.to_string()).or_default().push(if event == "insert" { "insert" } else { "update" });
            }
            ["DROP", "TRIGGER", trigger] => {
                let trigger = trigger.trim_end_matches(';');
                let (name, event) = trigger.rsplit_once('_').unwrap();
                let table = known.get(name).map(|k| k.0.clone());
                known.insert(name.to_string(), (table.unwrap_or_default(), String::new(), vec![]));
                dropped.entry(name.to_string()).or_default().push(if event == "insert" { "insert" } else { "update" });
            }
            [] => {} // blank lines separate statements differently on the two sides
            _ => {
                rest.push_str(line);
                rest.push('\n');
            }
        }
    }
    for (name, mut events) in triggers.into_iter().chain(dropped) {
        events.sort_unstable();
        assert_eq!(events, ["insert", "update"], "{name} needs a trigger for INSERT and one for UPDATE");
    }
    // A dropped list names no table on SQLite (DROP TRIGGER does not say); compare names only.
    for entry in known.values_mut() {
        if entry.2.is_empty() {
            entry.0.clear();
        }
    }
    (rest, known)
}

/// The value lists written inline, `CHECK (c IN ('a', 'b'))` in a `CREATE TABLE` or an
/// `ALTER TABLE … ADD COLUMN` (on either backend), as (table, column, names). Other CHECKs (ranges,
/// comparisons) are no value lists and are left out.
fn inline_value_lists(sql: &str) -> Vec<(String, String, Vec<String>)> {
    let mut lists = Vec::new();
    for (at, _) in sql.match_indices("CHECK (") {
        let line_start = sql[..at].rfind('\n').map_or(0, |i| i + 1);
        if sql[line_start..at].contains("ADD CONSTRAINT") {
            continue; // a named list, read by `split_known_values`
        }
        let rest = &sql[at + "CHECK (".len()..];
        let column: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let Some(list) = rest[column.len()..].strip_prefix(" IN (") else { continue };
        let list = &list[..list.find(')').expect("a value list ends with )")];
        let table = ["CREATE TABLE ", "ALTER TABLE "]
            .iter()
            .filter_map(|keyword| sql[..at].rfind(keyword).map(|i| i + keyword.len()))
            .max()
            .map(|i| sql[i..].split_whitespace().next().unwrap().to_string())
            .expect("a CHECK inside a table");
        let names = list.split(',').map(|v| v.trim().trim_matches('\'').to_string()).collect();
        lists.push((table, column, names));
    }
    lists
}

/// The value lists in force after all migrations of `backend`, by (table, column): the named
/// ones (`<table>_<column>_known`) and the inline ones, a table dropped or renamed taking its
/// lists with it.
fn value_lists_in_force(backend: &str) -> BTreeMap<(String, String), Vec<String>> {
    let mut named = KnownValues::new();
    let mut inline: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for step in steps(backend) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend).join(&step).join("up.sql");
        let sql = std::fs::read_to_string(path).unwrap();
        for line in sql.lines() {
            match line.split_whitespace().collect::<Vec<_>>().as_slice() {
                ["DROP", "TABLE", table] => {
                    let table = table.trim_end_matches(';');
                    inline.retain(|(t, _), _| t != table);
                    named.retain(|_, (t, _, _)| t != table);
                }
                ["ALTER", "TABLE", from, "RENAME", "TO", to] => {
                    let to = to.trim_end_matches(';');
                    for key in inline.keys().filter(|(t, _)| t == from).cloned().collect::<Vec<_>>() {
                        let names = inline.remove(&key).unwrap();
                        inline.insert((to.to_string(), key.1), names);
                    }
                    for (t, _, _) in named.values_mut().filter(|(t, _, _)| t == from) {
                        *t = to.to_string();
                    }
                }
                _ => {}
            }
        }
        for (table, column, names) in inline_value_lists(&sql) {
            inline.insert((table, column), names);
        }
        for (name, entry) in split_known_values(&sql).1 {
            if entry.2.is_empty() {
                named.remove(&name);
            } else {
                named.insert(name, entry);
            }
        }
    }
    for (name, (table, column, names)) in named {
        assert_eq!(name, format!("{table}_{column}_known"), "a value list is named <table>_<column>_known");
        let twice = inline.insert((table, column), names);
        assert!(twice.is_none(), "{name}: the column has an inline list too");
    }
    inline
}

/// Every combination of `names`, sorted and joined as the service stores a set of them.
fn stored_sets(names: &[&str], separator: &str) -> Vec<String> {
    let mut names = names.to_vec();
    names.sort_unstable();
    let mut sets = vec![String::new()];
    for size in 1..=names.len() {
        let mut chosen: Vec<usize> = (0..size).collect();
        loop {
            sets.push(chosen.iter().map(|&i| names[i]).collect::<Vec<_>>().join(separator));
            let Some(i) = (0..size).rev().find(|&i| chosen[i] < names.len() - size + i) else { break };
            chosen[i] += 1;
            for j in i + 1..size {
                chosen[j] = chosen[j - 1] + 1;
            }
        }
    }
    sets
}

/// Every CHECK that lists names, in every migration, on both backends (inline in a table or
/// named `<table>_<column>_known`), is exactly the names of the Rust enum stored in that column;
/// a list with no enum here fails too.
#[test]
fn the_value_lists_are_the_enums_of_the_code() {
    use kinerja::achievements::EvidenceKind;
    use kinerja::assessments::{AssessmentKind, AssessmentStatus};
    use kinerja::audit::ActorKind;
    use kinerja::auth::caller::{Role, Scope};
    use kinerja::complaints::{ComplaintChannel, ComplaintStatus};
    use kinerja::domain::achievement::AchievementStatus;
    use kinerja::domain::assessment::ObjectionStatus;
    use kinerja::domain::behaviour::BerakhlakValue;
    use kinerja::domain::capaian::Aspect;
    use kinerja::domain::distribution::OrgRating;
    use kinerja::domain::engine::ObjectionOutcome;
    use kinerja::domain::policy::EvaluationFrequency;
    use kinerja::domain::predikat::Rating;
    use kinerja::domain::recommendation::RecommendationKind;
    use kinerja::domain::time_zone::OrgTimeZone;
    use kinerja::employees::JobLevel;
    use kinerja::objections::DeciderKind;
    use kinerja::periods::PeriodStatus;
    use kinerja::ratings::peer::AssignedGroup;
    use kinerja::recommendations::Decision;
    use kinerja::skp::{Perspective, SkpStatus, TargetKind};
    use kinerja::templates::ProposalStatus;
    use kinerja::units::UnitKind;

    fn names<T: Copy>(all: &[T], name: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|v| name(*v).to_string()).collect()
    }
    let roles: Vec<&str> = Role::ALL.iter().filter(|r| **r != Role::Pegawai).map(|r| r.as_str()).collect();
    let scopes: Vec<&str> = Scope::ALL.iter().map(|s| s.as_str()).collect();
    let ratings = names(&Rating::ALL, Rating::as_str);
    let expected: Vec<(&str, &str, Vec<String>)> = vec![
        ("organizations", "time_zone", names(&OrgTimeZone::ALL, OrgTimeZone::as_str)),
        ("template_proposals", "status", names(&ProposalStatus::ALL, ProposalStatus::as_str)),
        ("complaints", "channel", names(&ComplaintChannel::ALL, ComplaintChannel::as_str)),
        ("complaints", "status", names(&ComplaintStatus::ALL, ComplaintStatus::as_str)),
        ("units", "kind", names(&UnitKind::ALL, UnitKind::as_str)),
        ("employees", "job_level", names(&JobLevel::ALL, JobLevel::as_str)),
        ("employees", "roles", stored_sets(&roles, ",")),
        ("service_clients", "scopes", stored_sets(&scopes, " ")),
        ("audit_events", "actor_kind", names(&ActorKind::ALL, ActorKind::as_str)),
        ("periods", "frequency", names(&EvaluationFrequency::ALL, EvaluationFrequency::as_str)),
        ("periods", "status", names(&PeriodStatus::ALL, PeriodStatus::as_str)),
        ("skps", "status", names(&SkpStatus::ALL, SkpStatus::as_str)),
        ("skp_targets", "kind", names(&TargetKind::ALL, TargetKind::as_str)),
        ("skp_targets", "perspective", names(&Perspective::ALL, Perspective::as_str)),
        ("skp_aspects", "aspect", names(&Aspect::ALL, Aspect::as_str)),
        ("peer_assignments", "rater_group", names(&AssignedGroup::ALL, AssignedGroup::as_str)),
        ("achievements", "status", names(&AchievementStatus::ALL, AchievementStatus::as_str)),
        ("achievements", "aspect", names(&Aspect::ALL, Aspect::as_str)),
        ("achievement_evidence", "kind", names(&EvidenceKind::ALL, EvidenceKind::as_str)),
        ("assessments", "kind", names(&AssessmentKind::ALL, AssessmentKind::as_str)),
        ("assessments", "status", names(&AssessmentStatus::ALL, AssessmentStatus::as_str)),
        ("assessments", "results_rating", ratings.clone()),
        ("assessments", "behaviour_rating", ratings.clone()),
        ("assessment_scores", "berakhlak_value", names(&BerakhlakValue::ALL, BerakhlakValue::as_str)),
        ("objections", "decider_kind", names(&DeciderKind::ALL, DeciderKind::as_str)),
        ("objections", "status", names(&ObjectionStatus::ALL, ObjectionStatus::as_str)),
        ("objections", "outcome", names(&ObjectionOutcome::ALL, ObjectionOutcome::as_str)),
        ("objections", "final_results_rating", ratings.clone()),
        ("objections", "final_behaviour_rating", ratings.clone()),
        ("organization_ratings", "rating", names(&OrgRating::ALL, OrgRating::as_str)),
        ("recommendation_decisions", "kind", names(&RecommendationKind::ALL, RecommendationKind::as_str)),
        ("recommendation_decisions", "decision", names(&Decision::ALL, Decision::as_str)),
        (
            "webhook_deliveries",
            "status",
            names(&kinerja::webhooks::DeliveryStatus::ALL, kinerja::webhooks::DeliveryStatus::as_str),
        ),
    ];
    let postgres = value_lists_in_force("postgres");
    assert_eq!(postgres, value_lists_in_force("sqlite"), "the backends' value lists differ");
    let mut in_force = postgres;
    for (table, column, mut names) in expected {
        let mut listed = in_force
            .remove(&(table.to_string(), column.to_string()))
            .unwrap_or_else(|| panic!("no value list for {table}.{column} in the migrations"));
        names.sort();
        listed.sort();
        assert_eq!(listed, names, "{table}.{column}: the migrations and the code disagree");
    }
    assert!(in_force.is_empty(), "value lists with no enum checked here: {:?}", in_force.keys().collect::<Vec<_>>());
}

/// The reader finds every form of list, so that the test above cannot pass by reading none.
#[test]
fn the_value_list_reader_finds_inline_and_named_lists() {
    let sql = "CREATE TABLE t (\n    a TEXT NOT NULL CHECK (a IN ('x', 'y')),\n    n INTEGER CHECK (n BETWEEN 1 AND 5),\n    \
               b TEXT\n        CHECK (b IN ('p',\n        'q'))\n);\nALTER TABLE u ADD COLUMN c TEXT CHECK (c IN ('z'));\n\
               ALTER TABLE t ADD CONSTRAINT t_d_known CHECK (d IN ('k'));\n";
    let strings = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        inline_value_lists(sql),
        vec![
            ("t".to_string(), "a".to_string(), strings(&["x", "y"])),
            ("t".to_string(), "b".to_string(), strings(&["p", "q"])),
            ("u".to_string(), "c".to_string(), strings(&["z"])),
        ]
    );
    assert_eq!(split_known_values(sql).1["t_d_known"], ("t".to_string(), "d".to_string(), strings(&["k"])));
    for backend in ["postgres", "sqlite"] {
        let in_force = value_lists_in_force(backend);
        let list = |table: &str, column: &str| in_force.get(&(table.to_string(), column.to_string())).cloned();
        assert_eq!(list("assessments", "status"), Some(strings(&["draft", "published"])), "{backend}");
        // Named, on a table rebuilt by 000023, and inline in an ALTER TABLE … ADD COLUMN.
        assert!(list("audit_events", "actor_kind").is_some(), "{backend}");
        assert!(list("organizations", "time_zone").is_some(), "{backend}");
    }
}

/// The score columns are the domain's lists, in their order: the nine SKM elements in
/// `citizen_ratings`, the seven BerAKHLAK values in `peer_ratings` (the code derives its fields,
/// rows and sums from the same lists, so a column added or renamed in one place only fails here).
#[test]
fn the_score_columns_are_the_domain_lists() {
    use kinerja::domain::behaviour::BerakhlakValue;
    use kinerja::domain::skm::SkmElement;

    let sql: String = steps("postgres")
        .iter()
        .map(|step| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations/postgres").join(step).join("up.sql");
            std::fs::read_to_string(path).unwrap()
        })
        .collect();
    let integer_columns = |table: &str| -> Vec<String> {
        let body = sql.split(&format!("CREATE TABLE {table} (")).nth(1).expect("the table is created");
        let body = body.split("\n);").next().unwrap();
        body.lines()
            .filter(|line| line.contains(" INTEGER NOT NULL"))
            .map(|line| line.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    let skm: Vec<&str> = SkmElement::ALL.iter().map(|e| e.as_str()).collect();
    assert_eq!(integer_columns("citizen_ratings"), skm);
    let berakhlak: Vec<&str> = BerakhlakValue::ALL.iter().map(|v| v.as_str()).collect();
    assert_eq!(integer_columns("peer_ratings"), berakhlak);
}
