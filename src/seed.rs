//! The demo data set (`kinerja seed --demo`): a small, clearly labelled organisation to try the
//! API with. Its accounts share one password, from KINERJA_DEMO_PASSWORD or generated and printed.
//! This year's period is open for planning; last year's is evaluated (`year`).

pub mod synthetic;
mod year;

use crate::audit::Actor;
use crate::auth::caller::Role;
use crate::clock::Clock;
use crate::db::types::{EmployeeId, UnitId};
use crate::db::Database;
use crate::employees::{self, JobLevel, NewEmployee};
use crate::error::ApiError;
use crate::organizations;
use crate::units::{self, UnitInput, UnitKind};

pub const DEMO_ORG_CODE: &str = "demo";

/// (key, NIP, name, position, job level, unit key, supervisor key, roles)
type DemoPerson = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    JobLevel,
    &'static str,
    Option<&'static str>,
    &'static [Role],
);

const PEOPLE: &[DemoPerson] = &[
    (
        "admin",
        "197801152003121001",
        "Admin Demo",
        "Pranata Komputer (admin kinerja)",
        JobLevel::Fungsional,
        "demo",
        None,
        &[Role::Admin],
    ),
    (
        "kadis",
        "197005202000031002",
        "Dr. Hendra Wijaya",
        "Kepala Dinas Kependudukan dan Pencatatan Sipil",
        JobLevel::Jpt,
        "disdukcapil",
        None,
        &[],
    ),
    (
        "kabid",
        "198203112006042003",
        "Rina Kusumawati",
        "Kepala Bidang Pelayanan Pendaftaran Penduduk",
        JobLevel::Administrator,
        "bid-pelayanan",
        Some("kadis"),
        &[],
    ),
    (
        "staf1",
        "199002142015031004",
        "Agus Prasetyo",
        "Pengadministrasi Kependudukan",
        JobLevel::Pelaksana,
        "bid-pelayanan",
        Some("kabid"),
        &[],
    ),
    (
        "staf2",
        "199207302019022005",
        "Dewi Lestari",
        "Analis Kependudukan",
        JobLevel::Fungsional,
        "bid-pelayanan",
        Some("kabid"),
        &[],
    ),
    (
        "staf3",
        "199405052020121006",
        "Yusuf Maulana",
        "Operator Layanan Operasional",
        JobLevel::Pelaksana,
        "bid-pelayanan",
        Some("kabid"),
        &[],
    ),
    // Joined this year: the three Pranata Komputer (IT staff) of the bidang, for the indicator
    // templates of their position (docs/issue11.sh); no record in last year's period.
    (
        "pk1",
        "199508172019031008",
        "Rudi Hartono",
        "Pranata Komputer",
        JobLevel::Fungsional,
        "bid-pelayanan",
        Some("kabid"),
        &[],
    ),
    (
        "pk2",
        "199611232020122009",
        "Sari Wulandari",
        "Pranata Komputer",
        JobLevel::Fungsional,
        "bid-pelayanan",
        Some("kabid"),
        &[],
    ),
    (
        "pk3",
        "199703092021031010",
        "Bayu Nugroho",
        "Pranata Komputer",
        JobLevel::Fungsional,
        "bid-pelayanan",
        Some("kabid"),
        &[],
    ),
    (
        "auditor",
        "198511112010011007",
        "Auditor Inspektorat Demo",
        "Auditor Ahli Muda",
        JobLevel::Fungsional,
        "demo",
        None,
        &[Role::Auditor],
    ),
];

/// Loads the demo organisation; its users get `password` (KINERJA_DEMO_PASSWORD), or a generated one.
pub fn demo(db: &Database, password: Option<String>) -> Result<String, String> {
    let (password, generated) = match password {
        Some(p) => (p, false),
        None => (crate::secrets::random_token()[..16].to_string(), true),
    };
    crate::auth::password::check_strength(&password).map_err(|e| format!("KINERJA_DEMO_PASSWORD {e}"))?;
    let hash = crate::auth::password::hash(&password);
    let actor = Actor::cli("seed --demo");
    let (org, year) = db
        .write_blocking(move |conn| {
            if organizations::find_by_code(conn, DEMO_ORG_CODE)?.is_some() {
                return Err(ApiError::conflict("already_seeded", "the demo organisation (code demo) already exists"));
            }
            let org = organizations::create(
                conn,
                &actor,
                DEMO_ORG_CODE,
                "DEMO - Pemerintah Kota Contoh (data contoh, bukan data nyata)",
            )?;
            let unit = |code: &str, name: &str, kind, parent: Option<UnitId>, service| UnitInput {
                parent_id: parent,
                code: code.into(),
                name: name.into(),
                kind,
                is_service_unit: service,
            };
            let root = units::insert(
                conn,
                &actor,
                &org.id,
                unit(DEMO_ORG_CODE, "Pemerintah Kota Contoh (DEMO)", UnitKind::Pemda, None, false),
            )?;
            let dinas = units::insert(
                conn,
                &actor,
                &org.id,
                unit(
                    "disdukcapil",
                    "Dinas Kependudukan dan Pencatatan Sipil",
                    UnitKind::Dinas,
                    Some(root.id.clone()),
                    true,
                ),
            )?;
            let bidang = units::insert(
                conn,
                &actor,
                &org.id,
                unit(
                    "bid-pelayanan",
                    "Bidang Pelayanan Pendaftaran Penduduk",
                    UnitKind::Bidang,
                    Some(dinas.id.clone()),
                    true,
                ),
            )?;
            let unit_id = |key: &str| match key {
                "disdukcapil" => dinas.id.clone(),
                "bid-pelayanan" => bidang.id.clone(),
                _ => root.id.clone(),
            };
            let mut ids: Vec<(&str, EmployeeId)> = Vec::new();
            for (key, nip, name, position, level, unit_key, supervisor, roles) in PEOPLE {
                let supervisor_id =
                    supervisor.and_then(|s| ids.iter().find(|(k, _)| *k == s).map(|(_, id)| id.clone()));
                let input = NewEmployee {
                    nip: nip.to_string(),
                    name: name.to_string(),
                    position: position.to_string(),
                    job_level: *level,
                    unit_id: unit_id(unit_key),
                    supervisor_id,
                    roles: roles.to_vec(),
                    password: None,
                };
                let employee = employees::insert(conn, &actor, Clock::System, &org.id, input, Some(hash.clone()))?;
                ids.push((key, employee.id));
            }
            let year = chrono::Datelike::year(&Clock::System.now());
            year::load(conn, &actor, &org.id, year - 1, &ids, &bidang.id)?;
            crate::periods::insert(conn, &actor, &org.id, year, None)?;
            Ok((org, year))
        })
        .map_err(ApiError::describe)?;

    let mut report = String::new();
    report.push_str("==================================================================\n");
    report.push_str("  DEMO DATA LOADED - for trying kinerja out, never for production\n");
    report.push_str("==================================================================\n");
    report.push_str(&format!("organisation: {} (code {DEMO_ORG_CODE}, id {})\n", org.name, org.id));
    report.push_str(&format!("period {year}: open for planning (kabid heads the bidang and supervises staf1-3 and the Pranata Komputer pk1-3; kadis supervises kabid)\n"));
    report.push_str(&format!(
        "period {}: evaluating, with approved SKPs, verified achievements, assessments, ratings and an objection: every score can be read (docs/scores.sh)\n",
        year - 1
    ));
    report.push_str("accounts (log in with POST /api/v1/auth/token, grant_type password):\n");
    for (key, nip, name, _, _, _, _, roles) in PEOPLE {
        let roles: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        report.push_str(&format!(
            "  {key:<8} NIP {nip}  {name}{}\n",
            if roles.is_empty() { String::new() } else { format!(" [{}]", roles.join(",")) }
        ));
    }
    if generated {
        report.push_str(&format!("password for every demo account: {password}\n"));
        report.push_str("(generated; set KINERJA_DEMO_PASSWORD to choose one)\n");
    } else {
        report.push_str("password for every demo account: the value of KINERJA_DEMO_PASSWORD\n");
    }
    Ok(report)
}
