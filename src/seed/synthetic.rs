//! A synthetic organisation for benchmarks (`kinerja seed --synthetic N`): N employees in a
//! province-like unit tree, last year's period evaluated with everything a score reads, written
//! with multi-row inserts so that 20,000 employees load in minutes on either database. Clearly
//! labelled (SINTETIS) and refused on an organisation that already has employees unless asked.
//!
//! The tree: one root; a dinas per 500 employees, each with 4 bidang of 3 seksi and 3 UPT
//! (front-line service units). Heads: a JPT per dinas, an administrator per bidang, a pengawas per
//! seksi and UPT; the staff share the seksi and UPT, reporting to their head. Every employee but
//! the admin has an approved SKP of 3-8 targets (one indicator each, two or three aspects) with
//! verified achievements every quarter; everyone with a supervisor is assessed each quarter and for
//! the year; staff have 3-5 peers of their unit rating them; the UPT's officers have 12 citizen
//! ratings each. The numbers vary by employee, reproducibly (the same N gives the same data but
//! for the ids).

use std::time::Instant;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use diesel::connection::SimpleConnection;

use crate::audit::{self, Actor, Change};
use crate::db::{new_id, AnyConnection, Database};
use crate::error::{ApiError, ApiResult};
use crate::periods::SubPeriod;

const EMPLOYEES_PER_DINAS: u32 = 500;
const BIDANG_PER_DINAS: usize = 4;
const SEKSI_PER_BIDANG: usize = 3;
const UPT_PER_DINAS: usize = 3;
const CITIZEN_RATINGS_PER_OFFICER: u32 = 12;
/// Employees whose plans, achievements and assessments are written per round of inserts.
const EMPLOYEES_PER_ROUND: usize = 250;
/// Rows per INSERT statement.
const ROWS_PER_STATEMENT: usize = 500;

const TARGETS: &[&str] = &[
    "Meningkatnya kualitas pelayanan administrasi",
    "Tersusunnya laporan kinerja tepat waktu",
    "Terlaksananya pembinaan teknis",
    "Meningkatnya cakupan layanan kepada masyarakat",
    "Tertibnya pengelolaan arsip dan data",
    "Terlaksananya monitoring dan evaluasi program",
    "Meningkatnya akurasi data kependudukan",
    "Terselesaikannya pengaduan masyarakat",
    "Tersedianya rekomendasi kebijakan",
    "Terkelolanya anggaran sesuai rencana",
];

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub employees: u32,
    pub org_code: String,
    /// Add to an organisation that already has employees (never the default).
    pub allow_non_empty: bool,
    /// The password of every synthetic account (else one is generated and printed).
    pub password: Option<String>,
}

/// What was written.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Counts {
    pub units: u64,
    pub employees: u64,
    pub skps: u64,
    pub targets: u64,
    pub aspects: u64,
    pub achievements: u64,
    pub assessments: u64,
    pub peer_ratings: u64,
    pub citizen_ratings: u64,
}

/// Loads the synthetic organisation and returns a report to print.
pub fn synthetic(db: &Database, options: Options) -> Result<String, String> {
    if options.employees == 0 {
        return Err("--synthetic needs at least one employee".into());
    }
    let started = Instant::now();
    let (password, generated) = match options.password.clone() {
        Some(p) => (p, false),
        None => (crate::secrets::random_token()[..16].to_string(), true),
    };
    crate::auth::password::check_strength(&password).map_err(|e| format!("KINERJA_DEMO_PASSWORD {e}"))?;
    let hash = crate::auth::password::hash(&password);
    let year = crate::clock::Clock::System.now().year() - 1;
    let opts = options.clone();
    let (org_id, admin_nip, first_staff_nip, counts) =
        db.write_blocking(move |conn| load(conn, &opts, year, &hash)).map_err(ApiError::describe)?;
    let mut report = String::new();
    report.push_str("==================================================================\n");
    report.push_str("  SYNTHETIC DATA LOADED - for benchmarks, never for production\n");
    report.push_str("==================================================================\n");
    report.push_str(&format!("organisation: code {} (id {org_id})\n", options.org_code));
    report.push_str(&format!("period {year}: evaluating, every score computable; close it to freeze them\n"));
    report.push_str(&format!("written in {:.1} s: {}\n", started.elapsed().as_secs_f64(), summary(&counts)));
    report.push_str(&format!("admin: NIP {admin_nip}; a staff member: NIP {first_staff_nip}\n"));
    if generated {
        report.push_str(&format!("password for every synthetic account: {password}\n"));
    } else {
        report.push_str("password for every synthetic account: the value of KINERJA_DEMO_PASSWORD\n");
    }
    Ok(report)
}

fn summary(c: &Counts) -> String {
    format!(
        "{} units, {} employees, {} SKPs, {} targets, {} aspects, {} achievements, {} assessments, {} peer ratings, {} citizen ratings",
        c.units, c.employees, c.skps, c.targets, c.aspects, c.achievements, c.assessments, c.peer_ratings, c.citizen_ratings
    )
}

/// A small deterministic generator (SplitMix64), so the same N gives the same shape.
struct Dice(u64);

impl Dice {
    fn of(seed: u64) -> Self {
        Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A whole number in `low..=high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low + 1)
    }
    /// A fraction in `low..high`, in hundredths.
    fn fraction(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * (self.next() % 100) as f64 / 100.0
    }
}

/// Rows of one table waiting to be written, many per statement.
struct Rows {
    table: &'static str,
    columns: &'static str,
    pending: Vec<String>,
    written: u64,
}

impl Rows {
    fn new(table: &'static str, columns: &'static str) -> Self {
        Rows { table, columns, pending: Vec::new(), written: 0 }
    }

    fn push(&mut self, values: String) {
        self.pending.push(values);
    }

    fn flush(&mut self, conn: &mut AnyConnection) -> ApiResult<()> {
        for chunk in self.pending.chunks(ROWS_PER_STATEMENT) {
            // Only values generated here are written (numbers, ids, fixed texts), quoted by `q`.
            conn.batch_execute(&format!(
                "INSERT INTO {} ({}) VALUES ({})",
                self.table,
                self.columns,
                chunk.join("), (")
            ))?;
        }
        self.written += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }
}

fn q(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

fn q_opt(text: Option<&str>) -> String {
    text.map_or_else(|| "NULL".into(), q)
}

/// A timestamp as both backends store it (diesel's text form on SQLite).
fn ts(at: NaiveDateTime) -> String {
    format!("'{}'", at.format("%Y-%m-%d %H:%M:%S"))
}

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_hms_opt(hour, 0, 0).expect("a valid hour")
}

/// One generated person.
struct Person {
    id: String,
    unit: usize,
    supervisor: Option<usize>,
}

struct Unit {
    id: String,
    service: bool,
}

/// A dinas's unit, its bidang, and its leaves (seksi then UPT) each with its bidang's place
/// (`None` for a UPT, which reports to the dinas).
type Dinas = (usize, Vec<usize>, Vec<(usize, Option<usize>)>);

/// A NIP that passes the checks: birth dates from 1960 on (the demo's are later), service from
/// 1990, the sequence number cycling.
fn nip(i: u32) -> String {
    let birth = NaiveDate::from_ymd_opt(1960, 1, 1).expect("a valid date") + Duration::days(i64::from(i / 999));
    format!("{}1990{:02}{}{:03}", birth.format("%Y%m%d"), 1 + i % 12, 1 + i % 2, 1 + i % 999)
}

fn load(
    conn: &mut AnyConnection,
    options: &Options,
    year: i32,
    hash: &str,
) -> ApiResult<(String, String, String, Counts)> {
    use diesel::prelude::*;

    use crate::db::schema::{employees, periods};

    let actor = Actor::cli("seed --synthetic");
    let n = options.employees;
    let org = match crate::organizations::find_by_code(conn, &options.org_code)? {
        Some(org) => {
            let existing: i64 =
                employees::table.filter(employees::organization_id.eq(&org.id)).count().get_result(conn)?;
            if existing > 0 && !options.allow_non_empty {
                return Err(ApiError::conflict(
                    "not_empty",
                    format!(
                        "organisation {} already has {existing} employees; synthetic data goes into an empty one (or pass --allow-non-empty)",
                        options.org_code
                    ),
                ));
            }
            org
        }
        None => crate::organizations::create(
            conn,
            &actor,
            &options.org_code,
            &format!("SINTETIS - Pemerintah Provinsi Contoh ({n} pegawai, data buatan untuk uji beban)"),
        )?,
    };
    let org_id = org.id.to_string();
    let created = at(NaiveDate::from_ymd_opt(year, 1, 2).expect("a valid date"), 8);
    let o = q(&org_id);

    // The unit tree.
    let dinas_count = n.div_ceil(EMPLOYEES_PER_DINAS) as usize;
    let mut units: Vec<Unit> = Vec::new();
    let mut unit_rows = Rows::new(
        "units",
        "id, organization_id, parent_id, code, name, kind, is_service_unit, version, created_at, updated_at",
    );
    let mut add_unit =
        |units: &mut Vec<Unit>, parent: Option<usize>, code: String, name: String, kind: &str, service: bool| {
            let id = new_id();
            let parent_id = parent.map(|p| units[p].id.clone());
            unit_rows.push(format!(
                "{}, {o}, {}, {}, {}, {}, {}, 1, {}, {}",
                q(&id),
                q_opt(parent_id.as_deref()),
                q(&code),
                q(&name),
                q(kind),
                if service { "TRUE" } else { "FALSE" },
                ts(created),
                ts(created)
            ));
            units.push(Unit { id, service });
            units.len() - 1
        };
    let root = add_unit(&mut units, None, "sintetis".into(), "Pemerintah Provinsi Sintetis".into(), "pemda", false);
    let mut tree: Vec<Dinas> = Vec::new();
    for d in 1..=dinas_count {
        let dinas =
            add_unit(&mut units, Some(root), format!("dinas-{d:03}"), format!("Dinas Sintetis {d}"), "dinas", false);
        let mut bidang = Vec::new();
        let mut leaves = Vec::new();
        for b in 1..=BIDANG_PER_DINAS {
            let unit = add_unit(
                &mut units,
                Some(dinas),
                format!("dinas-{d:03}-bidang-{b}"),
                format!("Bidang {b} Dinas Sintetis {d}"),
                "bidang",
                false,
            );
            bidang.push(unit);
            for s in 1..=SEKSI_PER_BIDANG {
                let seksi = add_unit(
                    &mut units,
                    Some(unit),
                    format!("dinas-{d:03}-bidang-{b}-seksi-{s}"),
                    format!("Seksi {s} Bidang {b} Dinas Sintetis {d}"),
                    "seksi",
                    false,
                );
                leaves.push((seksi, Some(bidang.len() - 1)));
            }
        }
        for u in 1..=UPT_PER_DINAS {
            let upt = add_unit(
                &mut units,
                Some(dinas),
                format!("dinas-{d:03}-upt-{u}"),
                format!("UPT Pelayanan {u} Dinas Sintetis {d}"),
                "upt",
                true,
            );
            leaves.push((upt, None));
        }
        tree.push((dinas, bidang, leaves));
    }
    unit_rows.flush(conn)?;

    // The people, heads before the people they supervise: the admin, the JPTs, the bidang
    // heads, the seksi and UPT heads, then the staff round the seksi and UPT.
    let mut people: Vec<Person> = vec![Person { id: new_id(), unit: root, supervisor: None }];
    let mut levels: Vec<&str> = vec!["fungsional"];
    let full = |people: &Vec<Person>| people.len() as u32 >= n;
    let mut dinas_head = Vec::new();
    for (dinas, _, _) in &tree {
        if full(&people) {
            break;
        }
        dinas_head.push(people.len());
        people.push(Person { id: new_id(), unit: *dinas, supervisor: None });
        levels.push("jpt");
    }
    let mut bidang_head: Vec<Vec<usize>> = vec![Vec::new(); tree.len()];
    for (d, (_, bidang, _)) in tree.iter().enumerate() {
        for unit in bidang {
            if full(&people) {
                break;
            }
            bidang_head[d].push(people.len());
            people.push(Person { id: new_id(), unit: *unit, supervisor: dinas_head.get(d).copied() });
            levels.push("administrator");
        }
    }
    let mut leaf_heads: Vec<(usize, usize)> = Vec::new();
    for (d, (_, _, leaves)) in tree.iter().enumerate() {
        for (unit, bidang) in leaves {
            if full(&people) {
                break;
            }
            let supervisor = match bidang {
                Some(b) => bidang_head[d].get(*b).copied(),
                None => dinas_head.get(d).copied(),
            };
            leaf_heads.push((*unit, people.len()));
            people.push(Person { id: new_id(), unit: *unit, supervisor });
            levels.push("pengawas");
        }
    }
    let mut leaf_staff: Vec<Vec<usize>> = vec![Vec::new(); leaf_heads.len()];
    let mut next_leaf = 0;
    while !full(&people) && !leaf_heads.is_empty() {
        let (unit, head) = leaf_heads[next_leaf];
        leaf_staff[next_leaf].push(people.len());
        people.push(Person { id: new_id(), unit, supervisor: Some(head) });
        levels.push(if people.len().is_multiple_of(3) { "fungsional" } else { "pelaksana" });
        next_leaf = (next_leaf + 1) % leaf_heads.len();
    }
    let mut employee_rows = Rows::new(
        "employees",
        "id, organization_id, unit_id, supervisor_id, nip, name, position, job_level, roles, password_hash, active, version, created_at, updated_at",
    );
    for (i, person) in people.iter().enumerate() {
        let (position, roles) = match levels[i] {
            "jpt" => ("Kepala Dinas", ""),
            "administrator" => ("Kepala Bidang", ""),
            "pengawas" => ("Kepala Seksi / UPT", ""),
            "fungsional" if i == 0 => ("Pranata Komputer (admin kinerja)", "admin"),
            "fungsional" => ("Analis Kebijakan", ""),
            _ => ("Pengadministrasi Umum", ""),
        };
        employee_rows.push(format!(
            "{}, {o}, {}, {}, {}, {}, {}, {}, {}, {}, TRUE, 1, {}, {}",
            q(&person.id),
            q(&units[person.unit].id),
            q_opt(person.supervisor.map(|s| people[s].id.as_str())),
            q(&nip(i as u32)),
            q(&format!("Pegawai Sintetis {:05}", i + 1)),
            q(position),
            q(levels[i]),
            q(roles),
            q(hash),
            ts(created),
            ts(created)
        ));
    }
    employee_rows.flush(conn)?;

    // Last year's period, with its sub-periods from the policy (quarters by default).
    let period = crate::periods::insert(conn, &actor, &org.id, year, None)?;
    let p = q(&period.id);
    let subs: Vec<SubPeriod> = period.sub_periods.clone();
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).expect("a valid date");
    let next_year = |m: u32, d: u32| NaiveDate::from_ymd_opt(year + 1, m, d).expect("a valid date");

    let mut skps = Rows::new(
        "skps",
        "id, organization_id, period_id, employee_id, revision, status, resources, accountability, consequences, approver_id, return_comment, submitted_at, decided_at, version, created_at, updated_at",
    );
    let mut targets = Rows::new(
        "skp_targets",
        "id, skp_id, lineage_id, position, description, kind, perspective, weight, supports_lineage_id",
    );
    let mut indicators = Rows::new("skp_indicators", "id, target_id, position, description");
    let mut aspects = Rows::new("skp_aspects", "id, indicator_id, aspect, target_value, unit");
    let mut achievements = Rows::new(
        "achievements",
        "id, organization_id, period_id, sub_period_id, employee_id, skp_id, target_lineage_id, indicator_id, aspect_id, aspect, realised_value, unit, note, status, submitted_at, verifier_id, decided_at, rejection_reason, version, created_at, updated_at",
    );
    let mut assessments = Rows::new(
        "assessments",
        "id, organization_id, period_id, sub_period_id, employee_id, author_id, kind, status, results_rating, behaviour_rating, comment, reason, coaching, recognition, published_at, version, created_at, updated_at",
    );
    let mut scores = Rows::new("assessment_scores", "assessment_id, berakhlak_value, score");
    let planned = at(day(1, 10), 9);
    let admin = 0;
    for round in people.iter().enumerate().skip(1).collect::<Vec<_>>().chunks(EMPLOYEES_PER_ROUND) {
        for (i, person) in round {
            let mut dice = Dice::of(*i as u64);
            let skp_id = new_id();
            let approver = person.supervisor.map(|s| people[s].id.as_str());
            skps.push(format!(
                "{}, {o}, {p}, {}, 1, 'approved', 'Anggaran DPA unit, perangkat kerja', 'Laporan bulanan kepada atasan langsung', 'Sesuai PP 30/2019 dan PermenPANRB 6/2022', {}, NULL, {}, {}, 3, {}, {}",
                q(&skp_id),
                q(&person.id),
                q_opt(approver),
                ts(at(day(1, 8), 9)),
                ts(planned),
                ts(at(day(1, 5), 9)),
                ts(planned)
            ));
            let verifier = q(&people[person.supervisor.unwrap_or(admin)].id);
            let count = dice.between(3, 8) as usize;
            for position in 0..count {
                // Whole weights summing to 100.
                let weight = 100 / count + usize::from(position < 100 % count);
                let (target_id, lineage_id, indicator_id) = (new_id(), new_id(), new_id());
                let description = TARGETS[(i + position) % TARGETS.len()];
                targets.push(format!(
                    "{}, {}, {}, {position}, {}, 'utama', NULL, {weight}, NULL",
                    q(&target_id),
                    q(&skp_id),
                    q(&lineage_id),
                    q(description)
                ));
                indicators.push(format!(
                    "{}, {}, 0, {}",
                    q(&indicator_id),
                    q(&target_id),
                    q(&format!("Indikator: {description}"))
                ));
                let quantity = 12.0 * dice.between(1, 20) as f64;
                let mut planned_aspects = vec![("kuantitas", quantity, "dokumen"), ("kualitas", 100.0, "persen")];
                if dice.between(0, 1) == 1 {
                    planned_aspects.push(("waktu", 12.0, "bulan"));
                }
                for (aspect, target_value, unit) in planned_aspects {
                    let aspect_id = new_id();
                    aspects.push(format!(
                        "{}, {}, {}, {target_value}, {}",
                        q(&aspect_id),
                        q(&indicator_id),
                        q(aspect),
                        q(unit)
                    ));
                    for sub in &subs {
                        let realised = match aspect {
                            "kuantitas" => (quantity / subs.len() as f64 * dice.fraction(0.7, 1.3)).round(),
                            "kualitas" => dice.between(70, 100) as f64,
                            _ => 12.0 / subs.len() as f64,
                        };
                        let submitted = at(sub.ends_on, 10) + Duration::days(3);
                        let verified = submitted + Duration::days(4);
                        achievements.push(format!(
                            "{}, {o}, {p}, {}, {}, {}, {}, {}, {}, {}, {realised}, {}, 'Realisasi triwulan', 'verified', {}, {verifier}, {}, NULL, 2, {}, {}",
                            q(&new_id()),
                            q(&sub.id),
                            q(&person.id),
                            q(&skp_id),
                            q(&lineage_id),
                            q(&indicator_id),
                            q(&aspect_id),
                            q(aspect),
                            q(unit),
                            ts(submitted),
                            ts(verified),
                            ts(submitted),
                            ts(verified)
                        ));
                    }
                }
            }
            // The supervisor's assessments: each sub-period, then the year (published in January).
            let Some(assessor) = person.supervisor else { continue };
            let scopes = subs
                .iter()
                .map(|s| (Some(s.id.as_str()), s.ends_on + Duration::days(10)))
                .chain([(None, next_year(1, 10))]);
            for (sub_period_id, published) in scopes {
                let rating = |roll: u64| match roll {
                    0..=14 => "di_atas_ekspektasi",
                    15..=89 => "sesuai_ekspektasi",
                    _ => "di_bawah_ekspektasi",
                };
                let (results, behaviour) = (rating(dice.between(0, 99)), rating(dice.between(0, 99)));
                let id = new_id();
                let published = at(published, 14);
                assessments.push(format!(
                    "{}, {o}, {p}, {}, {}, {}, 'supervisor', 'published', {}, {}, 'Evaluasi berdasarkan capaian dan perilaku kerja', NULL, NULL, NULL, {}, 3, {}, {}",
                    q(&id),
                    q_opt(sub_period_id),
                    q(&person.id),
                    q(&people[assessor].id),
                    q(results),
                    q(behaviour),
                    ts(published),
                    ts(published - Duration::days(2)),
                    ts(published)
                ));
                for value in crate::domain::behaviour::BerakhlakValue::ALL {
                    scores.push(format!("{}, {}, {}", q(&id), q(value.as_str()), dice.between(3, 5)));
                }
            }
        }
        for rows in
            [&mut skps, &mut targets, &mut indicators, &mut aspects, &mut achievements, &mut assessments, &mut scores]
        {
            rows.flush(conn)?;
        }
    }

    // Peers: 3-5 colleagues of the same seksi or UPT rate each of its staff.
    let mut assignments = Rows::new(
        "peer_assignments",
        "id, organization_id, period_id, ratee_id, rater_id, rater_group, assigned_by, created_at",
    );
    let mut peer_ratings = Rows::new(
        "peer_ratings",
        "assignment_id, berorientasi_pelayanan, akuntabel, kompeten, harmonis, loyal, adaptif, kolaboratif, comment, submitted_at, updated_at",
    );
    for staff in &leaf_staff {
        for (k, &ratee) in staff.iter().enumerate() {
            let mut dice = Dice::of(ratee as u64 ^ 0xBEEF);
            let wanted = (dice.between(3, 5) as usize).min(staff.len().saturating_sub(1));
            for step in 1..=wanted {
                let rater = staff[(k + step) % staff.len()];
                let id = new_id();
                let assigned_by = q(&people[people[ratee].supervisor.unwrap_or(admin)].id);
                assignments.push(format!(
                    "{}, {o}, {p}, {}, {}, 'peer', {assigned_by}, {}",
                    q(&id),
                    q(&people[ratee].id),
                    q(&people[rater].id),
                    ts(at(day(11, 3), 9))
                ));
                let s: Vec<String> = (0..7).map(|_| dice.between(3, 5).to_string()).collect();
                peer_ratings.push(format!(
                    "{}, {}, NULL, {}, {}",
                    q(&id),
                    s.join(", "),
                    ts(at(day(11, 20), 10)),
                    ts(at(day(11, 20), 10))
                ));
            }
        }
        if assignments.pending.len() >= 5_000 {
            assignments.flush(conn)?;
            peer_ratings.flush(conn)?;
        }
    }
    assignments.flush(conn)?;
    peer_ratings.flush(conn)?;

    // Citizens rate the officers of the UPT (the front line), through the year.
    let mut tickets = Rows::new(
        "rating_tickets",
        "id, organization_id, unit_id, officer_id, issued_by, reference, token_hash, expires_at, used_at, created_at",
    );
    let mut ratings = Rows::new(
        "citizen_ratings",
        "id, organization_id, unit_id, officer_id, ticket_id, persyaratan, prosedur, waktu_penyelesaian, biaya_tarif, produk_layanan, kompetensi_pelaksana, perilaku_pelaksana, penanganan_pengaduan, sarana_prasarana, comment, submitted_at",
    );
    for (leaf, (unit, head)) in leaf_heads.iter().enumerate() {
        if !units[*unit].service {
            continue;
        }
        for &officer in std::iter::once(head).chain(&leaf_staff[leaf]) {
            let mut dice = Dice::of(officer as u64 ^ 0xC171);
            for r in 0..CITIZEN_RATINGS_PER_OFFICER {
                let ticket_id = new_id();
                let when = at(day(1 + r % 12, 1 + (dice.between(0, 27) as u32)), 9 + r % 7);
                tickets.push(format!(
                    "{}, {o}, {}, {}, 'seed --synthetic', NULL, {}, {}, {}, {}",
                    q(&ticket_id),
                    q(&units[*unit].id),
                    q(&people[officer].id),
                    q(&crate::secrets::sha256_hex(&ticket_id)),
                    ts(when + Duration::days(7)),
                    ts(when),
                    ts(when)
                ));
                let s: Vec<String> = (0..9).map(|_| dice.between(2, 4).to_string()).collect();
                ratings.push(format!(
                    "{}, {o}, {}, {}, {}, {}, NULL, {}",
                    q(&new_id()),
                    q(&units[*unit].id),
                    q(&people[officer].id),
                    q(&ticket_id),
                    s.join(", "),
                    ts(when)
                ));
            }
        }
        if tickets.pending.len() >= 5_000 {
            tickets.flush(conn)?;
            ratings.flush(conn)?;
        }
    }
    tickets.flush(conn)?;
    ratings.flush(conn)?;

    // The year was planned, run and is now being evaluated.
    diesel::update(periods::table.find(&period.id))
        .set((periods::status.eq("evaluating"), periods::version.eq(period.version + 2)))
        .execute(conn)?;
    let counts = Counts {
        units: unit_rows.written,
        employees: employee_rows.written,
        skps: skps.written,
        targets: targets.written,
        aspects: aspects.written,
        achievements: achievements.written,
        assessments: assessments.written,
        peer_ratings: peer_ratings.written,
        citizen_ratings: ratings.written,
    };
    audit::record(conn, &actor, &org.id, Change::new("seed.synthetic", "period", &period.id).after(&counts))?;
    // Planner statistics for the bulk-loaded tables (autovacuum may be off, or not yet run): without
    // them PostgreSQL guesses thousands of rows per SKP and joins its aspects by a full scan.
    conn.batch_execute("ANALYZE")?;
    let first_staff = leaf_staff.iter().flatten().next().copied().unwrap_or(admin);
    Ok((org_id, nip(0), nip(first_staff as u32), counts))
}
