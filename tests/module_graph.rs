//! The module graph of `src/` has no cycles, and its layers point one way.
//!
//! Every `.rs` file under `src/` is a node (`src/skp/routes.rs` is `skp::routes`). An edge goes from
//! a file to the module where an item it names is defined: every `crate::…` and `super::…` path, and
//! every path that starts with one of the file's own child modules. A re-export (`pub use
//! store::find;` in `skp/mod.rs`) is an alias, not a dependency: `crate::skp::find` leads to
//! `skp::store`. Run `cargo test --test module_graph -- --nocapture` to see the graph's size and any
//! cycle, named file by file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, from the entry points down. A module may use its own layer (without cycles) or a
/// lower one, never a higher one. The longest listed prefix decides; anything unlisted is a
/// resource module.
const LAYERS: &[(&str, u8)] = &[
    // Entry: the command line.
    ("cli", 5),
    // The app factory, the documented route table, and the data loader the command line runs.
    ("startup", 4),
    ("openapi", 4),
    ("seed", 4),
    // Resource modules (the default): routes, request/response types, queries.
    // Shared services every resource uses.
    ("auth", 2),
    ("auth::routes", 3),
    ("auth::service_clients", 3),
    ("audit", 2),
    ("audit::routes", 3),
    ("authz", 2),
    ("browser", 2),
    ("db", 2),
    ("document_cache", 2),
    ("extract", 2),
    ("idempotency", 2),
    ("metrics", 2),
    ("pagination", 2),
    ("rate_limit", 2),
    ("request_id", 2),
    ("state", 2),
    ("versioned", 2),
    // The base: pure rules, the error type, settings and the leaf helpers.
    ("domain", 1),
    ("error", 1),
    ("config", 1),
    ("clock", 1),
    ("secrets", 1),
];
const RESOURCE_LAYER: u8 = 3;

/// Settings come from the environment in `config.rs` only.
const READS_ENVIRONMENT: &[&str] = &["config"];

fn layer(module: &str) -> u8 {
    LAYERS
        .iter()
        .filter(|(prefix, _)| module == *prefix || module.starts_with(&format!("{prefix}::")))
        .max_by_key(|(prefix, _)| prefix.len())
        .map_or(RESOURCE_LAYER, |(_, layer)| *layer)
}

struct Module {
    /// The source with comments and string literals blanked out.
    code: String,
    /// Names declared with `mod NAME;` in this file.
    children: BTreeSet<String>,
    /// Names re-exported from a child with `pub use CHILD::…`, and the child module they come from.
    reexports: BTreeMap<String, String>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `skp/routes.rs` → `skp::routes`; `skp/mod.rs` → `skp`; `lib.rs` and `main.rs` are the roots.
fn module_name(src: &Path, file: &Path) -> Option<String> {
    let relative = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = relative.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    if parts == ["lib"] || parts == ["main"] || parts.first().is_some_and(|p| p == "bin") {
        return None;
    }
    Some(parts.join("::"))
}

/// Blanks out comments, string and character literals (keeping line breaks), so that only code
/// is searched for paths.
fn strip(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !is_ident(chars.get(i.wrapping_sub(1))) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                if chars[j] == '\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                } else if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' && (chars.get(i + 2) == Some(&'\'') || (next == Some('\\'))) {
            // A character literal ('x' or '\n', '\u{…}'); a lifetime has no closing quote.
            let mut j = i + 1;
            if chars[j] == '\\' {
                j += 1;
            }
            j += 1;
            while j < chars.len() && chars[j] != '\'' {
                j += 1;
            }
            out.push_str("' '");
            i = j + 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// Reads a path starting at `start` (`a::b::{c, d::e}`), expanding groups: every full path named.
fn read_paths(code: &[char], start: usize) -> Vec<Vec<String>> {
    let mut i = start;
    let mut prefix: Vec<String> = Vec::new();
    loop {
        while code.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if code.get(i) == Some(&'{') {
            // A group: split at top-level commas and read each part.
            let mut depth = 0;
            let mut part_start = i + 1;
            let mut paths = Vec::new();
            let mut j = i;
            while j < code.len() {
                match code[j] {
                    '{' => depth += 1,
                    '}' | ',' if depth == 1 => {
                        for tail in read_paths(code, part_start) {
                            paths.push(prefix.iter().cloned().chain(tail).collect());
                        }
                        part_start = j + 1;
                        if code[j] == '}' {
                            break;
                        }
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
                j += 1;
            }
            if paths.is_empty() {
                paths.push(prefix);
            }
            return paths;
        }
        let ident_start = i;
        while is_ident(code.get(i)) {
            i += 1;
        }
        if i == ident_start {
            return vec![prefix];
        }
        prefix.push(code[ident_start..i].iter().collect());
        if code.get(i) == Some(&':') && code.get(i + 1) == Some(&':') {
            i += 2;
        } else {
            return vec![prefix];
        }
    }
}

/// The spans of inline modules (`mod tests { … }`), as positions of their braces.
fn inline_modules(code: &[char]) -> Vec<(usize, usize)> {
    let text: String = code.iter().collect();
    let mut spans = Vec::new();
    for (at, _) in text.match_indices("mod ") {
        let start = text[..at].chars().count();
        if start > 0 && is_ident(code.get(start - 1)) {
            continue;
        }
        let mut i = start + 4;
        while is_ident(code.get(i)) || code.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        if code.get(i) != Some(&'{') {
            continue;
        }
        let open = i;
        let mut depth = 0;
        while i < code.len() {
            match code[i] {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
        spans.push((open, i));
    }
    spans
}

/// Every path in `code` that starts with `crate`, `super` or one of `children`, made absolute
/// from `module`.
fn absolute_paths(module: &str, code: &str, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let here: Vec<String> = module.split("::").map(str::to_string).collect();
    let inline = inline_modules(&chars);
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_ident(Some(&chars[i])) || (i > 0 && (is_ident(chars.get(i - 1)) || chars[i - 1] == ':')) {
            i += 1;
            continue;
        }
        let mut end = i;
        while is_ident(chars.get(end)) {
            end += 1;
        }
        let word: String = chars[i..end].iter().collect();
        let starts_path = chars.get(end) == Some(&':') && chars.get(end + 1) == Some(&':');
        if starts_path && (word == "crate" || word == "super" || children.contains(&word)) {
            for path in read_paths(&chars, i) {
                let mut absolute: Vec<String> = Vec::new();
                let mut rest = path.as_slice();
                match rest.first().map(String::as_str) {
                    Some("crate") => rest = &rest[1..],
                    Some("super") => {
                        absolute = here.clone();
                        // Inside `mod tests { … }`, the first `super` is the file's own module.
                        let mut nested = inline.iter().filter(|(from, to)| *from < i && i < *to).count();
                        while rest.first().is_some_and(|s| s == "super") {
                            if nested > 0 {
                                nested -= 1;
                            } else {
                                absolute.pop();
                            }
                            rest = &rest[1..];
                        }
                    }
                    _ => absolute = here.clone(),
                }
                absolute.extend(rest.iter().filter(|s| *s != "self").cloned());
                found.push(absolute);
            }
        }
        i = end;
    }
    found
}

/// The module that defines what `path` names: the longest prefix that is a file, followed
/// through re-exports.
fn resolve(modules: &BTreeMap<String, Module>, path: &[String]) -> Option<String> {
    let mut best = None;
    for n in (1..=path.len()).rev() {
        let candidate = path[..n].join("::");
        if modules.contains_key(&candidate) {
            best = Some((candidate, n));
            break;
        }
    }
    let (module, n) = best?;
    // `crate::skp::find`, re-exported from `skp::store`, is defined there.
    match path.get(n).and_then(|item| modules[&module].reexports.get(item)) {
        Some(child) if modules.contains_key(&format!("{module}::{child}")) => Some(format!("{module}::{child}")),
        _ => Some(module),
    }
}

fn load() -> BTreeMap<String, Module> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut modules = BTreeMap::new();
    for file in files {
        let Some(name) = module_name(&src, &file) else { continue };
        let code = strip(&std::fs::read_to_string(&file).unwrap());
        let mut children = BTreeSet::new();
        let mut reexports = BTreeMap::new();
        for line in code.lines().map(str::trim) {
            let decl = line.trim_start_matches("pub ").trim_start_matches("pub(crate) ");
            if let Some(child) = decl.strip_prefix("mod ").and_then(|rest| rest.strip_suffix(';')) {
                children.insert(child.trim().to_string());
            }
        }
        let chars: Vec<char> = code.chars().collect();
        for (at, _) in code.match_indices("pub use ") {
            let start = code[..at].chars().count() + "pub use ".len();
            for path in read_paths(&chars, start) {
                if let (Some(first), Some(last)) = (path.first(), path.last()) {
                    if children.contains(first) && path.len() > 1 {
                        reexports.insert(last.clone(), first.clone());
                    }
                }
            }
        }
        modules.insert(name, Module { code, children, reexports });
    }
    modules
}

/// Edges from each module to the modules it uses, with the re-exports themselves left out.
fn graph(modules: &BTreeMap<String, Module>) -> BTreeMap<String, BTreeSet<String>> {
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, module) in modules {
        let mut code = module.code.clone();
        // `pub use child::x;` only names `x` here; it is not a use of the child.
        let lines: Vec<String> = code
            .lines()
            .map(|line| {
                let t = line.trim_start();
                let is_reexport = t.starts_with("pub use ")
                    && module.children.iter().any(|c| t["pub use ".len()..].starts_with(&format!("{c}::")));
                if is_reexport {
                    String::new()
                } else {
                    line.to_string()
                }
            })
            .collect();
        code = lines.join("\n");
        let targets = edges.entry(name.clone()).or_default();
        for path in absolute_paths(name, &code, &module.children) {
            if let Some(target) = resolve(modules, &path) {
                if &target != name {
                    targets.insert(target);
                }
            }
        }
    }
    edges
}

/// The strongly connected components with more than one module (Tarjan).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        s.index.insert(v, s.next);
        s.low.insert(v, s.next);
        s.next += 1;
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.edges.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.found
}

/// One concrete circle through `component`, e.g. `a -> b -> a`.
fn circle(edges: &BTreeMap<String, BTreeSet<String>>, component: &[String]) -> String {
    let members: BTreeSet<&String> = component.iter().collect();
    let start = &component[0];
    // Breadth-first from the start's successors back to the start, inside the component.
    let mut previous: BTreeMap<&String, &String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(v) = queue.pop_front() {
        for w in edges[v].iter().filter(|w| members.contains(w)) {
            if w == start {
                let mut path = vec![start.clone(), v.clone()];
                let mut at = v;
                while at != start {
                    at = previous[at];
                    path.push(at.clone());
                }
                path.reverse();
                return path.join(" -> ");
            }
            if !previous.contains_key(w) && w != start {
                previous.insert(w, v);
                queue.push_back(w);
            }
        }
    }
    component.join(", ")
}

#[test]
fn the_module_graph_has_no_cycles() {
    let modules = load();
    let edges = graph(&modules);
    let found = cycles(&edges);
    let edge_count: usize = edges.values().map(BTreeSet::len).sum();
    println!("module graph: {} modules, {} edges, {} cycle(s)", edges.len(), edge_count, found.len());
    for component in &found {
        println!("cycle among {} modules: {}", component.len(), circle(&edges, component));
    }
    assert!(found.is_empty(), "the module graph has cycles (see above)");
}

#[test]
fn layers_point_one_way() {
    let modules = load();
    let edges = graph(&modules);
    let upward: Vec<String> = edges
        .iter()
        .flat_map(|(from, targets)| targets.iter().map(move |to| (from, to)))
        .filter(|(from, to)| layer(from) < layer(to))
        .map(|(from, to)| format!("{from} (layer {}) -> {to} (layer {})", layer(from), layer(to)))
        .collect();
    for edge in &upward {
        println!("upward: {edge}");
    }
    assert!(upward.is_empty(), "{} edge(s) point up the layers:\n{}", upward.len(), upward.join("\n"));
}

#[test]
fn only_config_reads_the_environment() {
    let readers: Vec<String> = load()
        .into_iter()
        .filter(|(name, module)| !READS_ENVIRONMENT.contains(&name.as_str()) && module.code.contains("env::var"))
        .map(|(name, _)| name)
        .collect();
    assert!(readers.is_empty(), "settings read outside config.rs: {readers:?}");
}

/// Modules that may answer 412 themselves: the error type, the one helper of a versioned change,
/// and the two writes that are no `UPDATE` of a record (a policy change inserts a new version; an
/// organisation's rating is created or replaced, `If-Match` only for the latter).
const OWN_PRECONDITION: &[&str] = &["error", "versioned", "policies::routes", "distribution::routes"];

/// A change to a versioned record goes through `versioned::Edit` (If-Match, one row at the
/// expected version, audit, ETag): no route writes that shape out again.
#[test]
fn versioned_writes_go_through_one_helper() {
    let writers: Vec<String> = load()
        .into_iter()
        .filter(|(name, module)| {
            !OWN_PRECONDITION.contains(&name.as_str()) && module.code.contains("ApiError::PreconditionFailed")
        })
        .map(|(name, _)| name)
        .collect();
    assert!(writers.is_empty(), "versioned writes outside versioned::Edit: {writers:?}");
}

/// A resource's handlers (`routes.rs`) hold no query: they name no diesel item and no table of
/// the schema; the queries, versioned `UPDATE`s included, are functions of the module's `store.rs`.
#[test]
fn route_files_hold_no_queries() {
    let modules = load();
    let edges = graph(&modules);
    let with_queries: Vec<String> = modules
        .iter()
        .filter(|(name, _)| name.as_str() == "routes" || name.ends_with("::routes"))
        .filter(|(name, module)| {
            module.code.contains("diesel") || edges.get(*name).is_some_and(|to| to.contains("db::schema"))
        })
        .map(|(name, _)| name.clone())
        .collect();
    let checked = modules.keys().filter(|name| name.ends_with("::routes")).count();
    println!("route files checked for queries: {checked}");
    assert!(checked > 20, "the route files were not found ({checked})");
    assert!(with_queries.is_empty(), "queries in route files (move them to the module's store.rs): {with_queries:?}");
}

/// The parser itself: a path in a group, a re-export, and a child module are all seen.
#[test]
fn paths_are_read_through_groups_and_children() {
    let children = BTreeSet::from(["store".to_string()]);
    let code = strip("use crate::{a::{b, c::D}, e};\n// crate::ignored::x\nlet s = \"crate::no\"; store::find(); super::X; mod tests { use super::Y; }");
    let mut paths: Vec<String> = absolute_paths("skp::routes", &code, &children).iter().map(|p| p.join("::")).collect();
    paths.sort();
    assert_eq!(paths, ["a::b", "a::c::D", "e", "skp::X", "skp::routes::Y", "skp::routes::store::find"]);
}
