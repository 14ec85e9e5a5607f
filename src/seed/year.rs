//! The demo's last year, evaluated: every person of the dinas with an approved SKP (2-3 targets
//! with quantity, quality, time and cost aspects, cascaded from the head of the dinas down),
//! verified achievements each quarter, published supervisor assessments per quarter and for the
//! year, a self-assessment, subordinates' and peers' ratings, citizens' ratings naming an officer,
//! and one objection decided `changed`. The period is left `evaluating`, so that its scores are
//! live and closing it freezes them. Every number is fixed here: the scores are the same on every
//! run and can be worked out by hand (docs/scores.sh prints them).
//!
//! The rows are written directly, as they stand at the end of the year (approved, verified,
//! published, decided): the API cannot backdate a year's work.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::assessments::{AssessmentKind, AssessmentStatus};
use crate::audit::{self, Actor, Change};
use crate::db::schema::{
    achievements, assessment_scores, assessment_training_needs, assessments, citizen_ratings, objections,
    peer_assignments, peer_ratings, periods, rating_tickets, skp_aspects, skp_indicators, skp_targets, skps,
};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::{new_id, AnyConnection};
use crate::domain::assessment::ObjectionStatus;
use crate::domain::behaviour::BerakhlakValue;
use crate::domain::engine::ObjectionOutcome;
use crate::domain::predikat::Rating;
use crate::error::{ApiError, ApiResult};
use crate::objections::DeciderKind;

/// One aspect: name, annual target, unit, and the verified realisation of each quarter.
type AspectPlan = (&'static str, f64, &'static str, [Option<f64>; 4]);

struct TargetPlan {
    description: &'static str,
    kind: &'static str,
    perspective: Option<&'static str>,
    weight: f64,
    /// The supervisor's target it supports: (person key, target index).
    supports: Option<(&'static str, usize)>,
    aspects: &'static [AspectPlan],
}

/// (person key, approver key, targets)
type SkpPlan = (&'static str, &'static str, &'static [TargetPlan]);

const PLANS: &[SkpPlan] = &[
    (
        "kadis",
        "admin",
        &[
            TargetPlan {
                description: "Meningkatnya cakupan kepemilikan KTP-el penduduk wajib KTP",
                kind: "utama",
                perspective: Some("penerima_layanan"),
                weight: 60.0,
                supports: None,
                aspects: &[
                    ("kuantitas", 36000.0, "dokumen", [Some(8500.0), Some(9000.0), Some(9500.0), Some(9800.0)]),
                    ("kualitas", 95.0, "persen", [Some(94.0), Some(95.0), Some(96.0), Some(97.0)]),
                    ("waktu", 12.0, "bulan", [Some(3.0), Some(3.0), Some(3.0), Some(3.0)]),
                ],
            },
            TargetPlan {
                description: "Akuntabilitas anggaran pelayanan administrasi kependudukan",
                kind: "utama",
                perspective: Some("anggaran"),
                weight: 40.0,
                supports: None,
                aspects: &[
                    ("kuantitas", 4.0, "laporan", [Some(1.0), Some(1.0), Some(1.0), Some(1.0)]),
                    // Not reported by the end of the year: scores 0, "nothing recorded".
                    ("kualitas", 100.0, "persen", [None, None, None, None]),
                    (
                        "biaya",
                        2_400_000_000.0,
                        "rupiah",
                        [Some(500_000_000.0), Some(550_000_000.0), Some(600_000_000.0), Some(650_000_000.0)],
                    ),
                ],
            },
        ],
    ),
    (
        "kabid",
        "kadis",
        &[
            TargetPlan {
                description: "Perekaman KTP-el selesai tepat waktu",
                kind: "utama",
                perspective: None,
                weight: 70.0,
                supports: Some(("kadis", 0)),
                aspects: &[
                    ("kuantitas", 9000.0, "dokumen", [Some(2000.0), Some(2300.0), Some(2400.0), Some(2500.0)]),
                    ("kualitas", 98.0, "persen", [Some(96.0), Some(97.0), Some(98.0), Some(99.0)]),
                    ("waktu", 12.0, "bulan", [Some(3.0), Some(3.0), Some(3.0), Some(3.0)]),
                ],
            },
            TargetPlan {
                description: "Layanan administrasi kependudukan daring diluncurkan",
                kind: "tambahan",
                perspective: None,
                weight: 30.0,
                supports: Some(("kadis", 0)),
                aspects: &[
                    ("kuantitas", 1.0, "aplikasi", [None, None, Some(1.0), None]),
                    ("waktu", 9.0, "bulan", [Some(3.0), Some(3.0), Some(2.0), None]),
                ],
            },
        ],
    ),
    (
        "staf1",
        "kabid",
        &[
            TargetPlan {
                description: "Perekaman KTP-el",
                kind: "utama",
                perspective: None,
                weight: 50.0,
                supports: Some(("kabid", 0)),
                aspects: &[
                    ("kuantitas", 2400.0, "dokumen", [Some(600.0), Some(650.0), Some(620.0), Some(580.0)]),
                    ("kualitas", 100.0, "persen", [Some(95.0), Some(98.0), Some(100.0), Some(97.0)]),
                    ("waktu", 12.0, "bulan", [Some(3.0), Some(3.0), Some(3.0), Some(3.0)]),
                ],
            },
            TargetPlan {
                description: "Penerbitan surat keterangan pindah",
                kind: "utama",
                perspective: None,
                weight: 30.0,
                supports: Some(("kabid", 0)),
                aspects: &[
                    ("kuantitas", 400.0, "berkas", [Some(110.0), Some(105.0), Some(100.0), Some(95.0)]),
                    ("waktu", 12.0, "bulan", [Some(2.0), Some(2.0), Some(2.0), Some(2.0)]),
                ],
            },
            TargetPlan {
                description: "Sosialisasi administrasi kependudukan di kelurahan",
                kind: "tambahan",
                perspective: None,
                weight: 20.0,
                supports: None,
                aspects: &[
                    ("kuantitas", 8.0, "kegiatan", [Some(2.0), Some(3.0), Some(3.0), Some(2.0)]),
                    ("kualitas", 90.0, "persen", [Some(90.0), Some(95.0), Some(100.0), Some(95.0)]),
                ],
            },
        ],
    ),
    (
        "staf2",
        "kabid",
        &[
            TargetPlan {
                description: "Laporan analisis data kependudukan",
                kind: "utama",
                perspective: None,
                weight: 60.0,
                supports: Some(("kabid", 0)),
                aspects: &[
                    ("kuantitas", 12.0, "laporan", [Some(3.0), Some(3.0), Some(4.0), Some(4.0)]),
                    ("kualitas", 100.0, "persen", [Some(100.0), Some(100.0), Some(100.0), Some(100.0)]),
                    ("waktu", 12.0, "bulan", [Some(2.0), Some(2.0), Some(2.0), Some(2.0)]),
                ],
            },
            TargetPlan {
                description: "Kajian profil kependudukan kota",
                kind: "tambahan",
                perspective: None,
                weight: 40.0,
                supports: Some(("kabid", 1)),
                aspects: &[
                    ("kuantitas", 2.0, "kajian", [Some(1.0), Some(1.0), Some(1.0), Some(1.0)]),
                    ("kualitas", 100.0, "persen", [Some(100.0), Some(100.0), Some(100.0), Some(100.0)]),
                    (
                        "biaya",
                        50_000_000.0,
                        "rupiah",
                        [Some(10_000_000.0), Some(10_000_000.0), Some(10_000_000.0), Some(8_000_000.0)],
                    ),
                ],
            },
        ],
    ),
    (
        "staf3",
        "kabid",
        &[
            TargetPlan {
                description: "Pengelolaan arsip dokumen kependudukan",
                kind: "utama",
                perspective: None,
                weight: 60.0,
                supports: Some(("kabid", 0)),
                aspects: &[
                    ("kuantitas", 1200.0, "berkas", [Some(200.0), Some(200.0), Some(250.0), Some(250.0)]),
                    ("waktu", 12.0, "bulan", [Some(3.0), Some(3.0), Some(4.0), Some(4.0)]),
                ],
            },
            TargetPlan {
                description: "Pemutakhiran data operator layanan",
                kind: "utama",
                perspective: None,
                weight: 40.0,
                supports: Some(("kabid", 0)),
                aspects: &[
                    ("kuantitas", 4.0, "laporan", [Some(1.0), Some(1.0), Some(1.0), None]),
                    ("kualitas", 100.0, "persen", [Some(80.0), Some(85.0), Some(90.0), None]),
                ],
            },
        ],
    ),
];

/// The supervisor's assessments of the year (and, with the same ratings, of each quarter):
/// (person key, assessor key, results, behaviour, the seven BerAKHLAK scores, reason, training need).
type AssessmentPlan =
    (&'static str, &'static str, Rating, Rating, [i32; 7], Option<&'static str>, Option<&'static str>);

const ASSESSMENTS: &[AssessmentPlan] = &[
    ("kabid", "kadis", Rating::SesuaiEkspektasi, Rating::DiAtasEkspektasi, [4, 4, 4, 4, 4, 4, 4], None, None),
    (
        "staf1",
        "kabid",
        Rating::DiBawahEkspektasi,
        Rating::SesuaiEkspektasi,
        [4, 4, 3, 4, 4, 3, 4],
        Some("Dua pengaduan keterlambatan surat pindah di triwulan IV"),
        Some("Pelayanan prima"),
    ),
    ("staf2", "kabid", Rating::SesuaiEkspektasi, Rating::DiAtasEkspektasi, [5, 4, 4, 5, 4, 4, 5], None, None),
    (
        "staf3",
        "kabid",
        Rating::DiBawahEkspektasi,
        Rating::SesuaiEkspektasi,
        [3, 3, 3, 3, 3, 3, 3],
        None,
        Some("Arsip digital"),
    ),
];

/// Peer and subordinate answers: (ratee, rater, group, the score on every value).
const RATINGS: &[(&str, &str, &str, i32)] = &[
    // Three subordinates: enough to count (the policy's minimum is 3).
    ("kabid", "staf1", "subordinate", 4),
    ("kabid", "staf2", "subordinate", 5),
    ("kabid", "staf3", "subordinate", 3),
    // Two peers: fewer than the minimum, so neither shown nor counted.
    ("staf1", "staf2", "peer", 4),
    ("staf1", "staf3", "peer", 5),
];

fn at(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_hms_opt(hour, 0, 0).expect("valid time")
}

/// Loads the year `year` for the people `ids` (key → employee id); the bidang is the service unit
/// citizens rate. Returns the period id.
pub fn load(
    conn: &mut AnyConnection,
    actor: &Actor,
    organization_id: &OrganizationId,
    year: i32,
    ids: &[(&str, EmployeeId)],
    service_unit_id: &UnitId,
) -> ApiResult<String> {
    let id_of = |key: &str| -> ApiResult<EmployeeId> {
        ids.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, id)| id.clone())
            .ok_or_else(|| ApiError::internal(format!("no demo person {key}")))
    };
    let period = crate::periods::insert(conn, actor, organization_id, year, None)?;
    let quarters: Vec<(String, NaiveDate)> = period.sub_periods.iter().map(|s| (s.id.clone(), s.ends_on)).collect();
    let day = |m: u32, d: u32| NaiveDate::from_ymd_opt(year, m, d).expect("valid date");
    let next_year = |m: u32, d: u32| NaiveDate::from_ymd_opt(year + 1, m, d).expect("valid date");
    let planned = at(day(1, 10), 9);

    // The plans, cascaded: a target's lineage is what its supporters name.
    let mut lineages: Vec<(&str, usize, String)> = Vec::new();
    for (key, approver, targets) in PLANS {
        let employee_id = id_of(key)?;
        let skp_id = new_id();
        diesel::insert_into(skps::table)
            .values((
                skps::id.eq(&skp_id),
                skps::organization_id.eq(organization_id),
                skps::period_id.eq(&period.id),
                skps::employee_id.eq(&employee_id),
                skps::revision.eq(1),
                skps::status.eq("approved"),
                skps::resources.eq("Perangkat perekaman KTP-el, ruang layanan, anggaran DPA dinas"),
                skps::accountability.eq("Laporan bulanan kepada atasan langsung"),
                skps::consequences.eq("Sesuai PP 30/2019 dan PermenPANRB 6/2022"),
                skps::approver_id.eq(Some(id_of(approver)?)),
                skps::submitted_at.eq(Some(at(day(1, 8), 9))),
                skps::decided_at.eq(Some(planned)),
                skps::version.eq(3),
                skps::created_at.eq(at(day(1, 5), 9)),
                skps::updated_at.eq(planned),
            ))
            .execute(conn)?;
        for (position, target) in targets.iter().enumerate() {
            let (target_id, lineage_id, indicator_id) = (new_id(), new_id(), new_id());
            let supports = match target.supports {
                Some((who, index)) => lineages.iter().find(|(k, i, _)| *k == who && *i == index).map(|l| l.2.clone()),
                None => None,
            };
            diesel::insert_into(skp_targets::table)
                .values((
                    skp_targets::id.eq(&target_id),
                    skp_targets::skp_id.eq(&skp_id),
                    skp_targets::lineage_id.eq(&lineage_id),
                    skp_targets::position.eq(position as i32),
                    skp_targets::description.eq(target.description),
                    skp_targets::kind.eq(target.kind),
                    skp_targets::perspective.eq(target.perspective),
                    skp_targets::weight.eq(target.weight),
                    skp_targets::supports_lineage_id.eq(supports),
                ))
                .execute(conn)?;
            lineages.push((key, position, lineage_id.clone()));
            diesel::insert_into(skp_indicators::table)
                .values((
                    skp_indicators::id.eq(&indicator_id),
                    skp_indicators::target_id.eq(&target_id),
                    skp_indicators::position.eq(0),
                    skp_indicators::description.eq(format!("Indikator: {}", target.description)),
                ))
                .execute(conn)?;
            for (aspect, target_value, unit, realised) in target.aspects {
                let aspect_id = new_id();
                diesel::insert_into(skp_aspects::table)
                    .values((
                        skp_aspects::id.eq(&aspect_id),
                        skp_aspects::indicator_id.eq(&indicator_id),
                        skp_aspects::aspect.eq(*aspect),
                        skp_aspects::target_value.eq(*target_value),
                        skp_aspects::unit.eq(*unit),
                    ))
                    .execute(conn)?;
                for ((sub_period_id, ends_on), value) in quarters.iter().zip(realised) {
                    let Some(value) = value else { continue };
                    let submitted = at(*ends_on, 10) + chrono::Duration::days(3);
                    let verified = submitted + chrono::Duration::days(4);
                    diesel::insert_into(achievements::table)
                        .values((
                            achievements::id.eq(new_id()),
                            achievements::organization_id.eq(organization_id),
                            achievements::period_id.eq(&period.id),
                            achievements::sub_period_id.eq(sub_period_id),
                            achievements::employee_id.eq(&employee_id),
                            achievements::skp_id.eq(&skp_id),
                            achievements::target_lineage_id.eq(&lineage_id),
                            achievements::indicator_id.eq(&indicator_id),
                            achievements::aspect_id.eq(&aspect_id),
                            achievements::aspect.eq(*aspect),
                            achievements::realised_value.eq(*value),
                            achievements::unit.eq(*unit),
                            achievements::note.eq(format!("Realisasi {aspect} triwulan")),
                            achievements::status.eq("verified"),
                            achievements::submitted_at.eq(submitted),
                            achievements::verifier_id.eq(Some(id_of(approver)?)),
                            achievements::decided_at.eq(Some(verified)),
                            achievements::version.eq(2),
                            achievements::created_at.eq(submitted),
                            achievements::updated_at.eq(verified),
                        ))
                        .execute(conn)?;
                }
            }
        }
    }

    // The supervisors' assessments: each quarter, then the year (published in January).
    let mut year_assessment_of_staf1 = None;
    for (key, assessor, results, behaviour, scores, reason, training) in ASSESSMENTS {
        let scopes = quarters
            .iter()
            .map(|(id, ends)| (Some(id.clone()), *ends + chrono::Duration::days(10)))
            .chain([(None, next_year(1, 10))]);
        for (sub_period_id, published) in scopes {
            let year_assessment = sub_period_id.is_none();
            let id = publish(
                conn,
                organization_id,
                &period.id,
                sub_period_id,
                &id_of(key)?,
                &id_of(assessor)?,
                AssessmentKind::Supervisor,
                (*results, *behaviour),
                scores,
                // The reason explains the year's rating, the one that differs from the suggestion.
                if year_assessment { *reason } else { None },
                at(published, 14),
            )?;
            if year_assessment {
                if let Some(topic) = training {
                    diesel::insert_into(assessment_training_needs::table)
                        .values((
                            assessment_training_needs::id.eq(new_id()),
                            assessment_training_needs::assessment_id.eq(&id),
                            assessment_training_needs::position.eq(0),
                            assessment_training_needs::topic.eq(*topic),
                            assessment_training_needs::note.eq("Diklat teknis tahun berikutnya"),
                        ))
                        .execute(conn)?;
                }
                if *key == "staf1" {
                    year_assessment_of_staf1 = Some(id);
                }
            }
        }
    }
    // Staf1 assesses themself for the year, above expectations on everything.
    let staf1 = id_of("staf1")?;
    publish(
        conn,
        organization_id,
        &period.id,
        None,
        &staf1,
        &staf1,
        AssessmentKind::SelfAssessment,
        (Rating::DiAtasEkspektasi, Rating::DiAtasEkspektasi),
        &[5; 7],
        None,
        at(next_year(1, 8), 10),
    )?;
    // Staf1 objects to the year's results rating; the head of the dinas changes it.
    let assessment_id = year_assessment_of_staf1.ok_or_else(|| ApiError::internal("staf1 was not assessed"))?;
    diesel::insert_into(objections::table)
        .values((
            objections::id.eq(new_id()),
            objections::organization_id.eq(organization_id),
            objections::assessment_id.eq(&assessment_id),
            objections::employee_id.eq(&staf1),
            objections::assessor_id.eq(id_of("kabid")?),
            objections::decider_id.eq(Some(id_of("kadis")?)),
            objections::decider_kind.eq(DeciderKind::Superior),
            objections::reason.eq("Seluruh target utama tercapai dan terverifikasi; pengaduan sudah ditindaklanjuti"),
            objections::status.eq(ObjectionStatus::Decided),
            objections::outcome.eq(Some(ObjectionOutcome::Changed)),
            objections::decision_reason
                .eq(Some("Bukti dukung menunjukkan target utama tercapai; rating hasil kerja diubah")),
            objections::final_results_rating.eq(Some(Rating::SesuaiEkspektasi)),
            objections::final_behaviour_rating.eq(Some(Rating::SesuaiEkspektasi)),
            objections::decided_by.eq(Some(id_of("kadis")?)),
            objections::filed_at.eq(at(next_year(1, 15), 9)),
            objections::decided_at.eq(Some(at(next_year(1, 22), 11))),
            objections::version.eq(2),
            objections::updated_at.eq(at(next_year(1, 22), 11)),
        ))
        .execute(conn)?;

    for (ratee, rater, group, score) in RATINGS {
        let assignment_id = new_id();
        let assigned_by = if *group == "subordinate" { id_of("kadis")? } else { id_of("kabid")? };
        diesel::insert_into(peer_assignments::table)
            .values((
                peer_assignments::id.eq(&assignment_id),
                peer_assignments::organization_id.eq(organization_id),
                peer_assignments::period_id.eq(&period.id),
                peer_assignments::ratee_id.eq(id_of(ratee)?),
                peer_assignments::rater_id.eq(id_of(rater)?),
                peer_assignments::rater_group.eq(*group),
                peer_assignments::assigned_by.eq(assigned_by),
                peer_assignments::created_at.eq(at(day(11, 3), 9)),
            ))
            .execute(conn)?;
        diesel::insert_into(peer_ratings::table)
            .values((
                peer_ratings::assignment_id.eq(&assignment_id),
                peer_ratings::berorientasi_pelayanan.eq(score),
                peer_ratings::akuntabel.eq(score),
                peer_ratings::kompeten.eq(score),
                peer_ratings::harmonis.eq(score),
                peer_ratings::loyal.eq(score),
                peer_ratings::adaptif.eq(score),
                peer_ratings::kolaboratif.eq(score),
                peer_ratings::submitted_at.eq(at(day(11, 20), 10)),
                peer_ratings::updated_at.eq(at(day(11, 20), 10)),
            ))
            .execute(conn)?;
    }

    // Twelve citizens served by staf1 at the bidang rate the service (February to June).
    for n in 0..12u32 {
        let (ticket_id, when) = (new_id(), at(day(2 + n % 5, 3 + n), 10));
        diesel::insert_into(rating_tickets::table)
            .values((
                rating_tickets::id.eq(&ticket_id),
                rating_tickets::organization_id.eq(organization_id),
                rating_tickets::unit_id.eq(service_unit_id),
                rating_tickets::officer_id.eq(Some(&staf1)),
                rating_tickets::issued_by.eq("seed --demo"),
                rating_tickets::reference.eq(Some(format!("DEMO-LOKET-{year}-{n:02}"))),
                rating_tickets::token_hash.eq(crate::secrets::sha256_hex(&format!("demo-{year}-{n}-{ticket_id}"))),
                rating_tickets::expires_at.eq(when + chrono::Duration::days(7)),
                rating_tickets::used_at.eq(Some(when)),
                rating_tickets::created_at.eq(when),
            ))
            .execute(conn)?;
        // Mostly 4 (good), a few 3; waiting time is the weak point.
        let good = if n % 4 == 3 { 3 } else { 4 };
        diesel::insert_into(citizen_ratings::table)
            .values((
                citizen_ratings::id.eq(new_id()),
                citizen_ratings::organization_id.eq(organization_id),
                citizen_ratings::unit_id.eq(service_unit_id),
                citizen_ratings::officer_id.eq(Some(&staf1)),
                citizen_ratings::ticket_id.eq(&ticket_id),
                citizen_ratings::persyaratan.eq(4),
                citizen_ratings::prosedur.eq(good),
                citizen_ratings::waktu_penyelesaian.eq(3),
                citizen_ratings::biaya_tarif.eq(4),
                citizen_ratings::produk_layanan.eq(good),
                citizen_ratings::kompetensi_pelaksana.eq(4),
                citizen_ratings::perilaku_pelaksana.eq(4),
                citizen_ratings::penanganan_pengaduan.eq(good),
                citizen_ratings::sarana_prasarana.eq(3),
                citizen_ratings::submitted_at.eq(when),
            ))
            .execute(conn)?;
    }

    // The year was planned, run and is now being evaluated.
    diesel::update(periods::table.find(&period.id))
        .set((periods::status.eq("evaluating"), periods::version.eq(period.version + 2)))
        .execute(conn)?;
    let summary = serde_json::json!({
        "year": year, "status": "evaluating", "skps": PLANS.len(),
        "assessed": ASSESSMENTS.len(), "peer_ratings": RATINGS.len(), "citizen_ratings": 12, "objections": 1,
    });
    audit::record(conn, actor, organization_id, Change::new("seed.demo_year", "period", &period.id).after(&summary))?;
    Ok(period.id)
}

/// Writes one published assessment with its seven scores; returns its id.
#[allow(clippy::too_many_arguments)]
fn publish(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    period_id: &str,
    sub_period_id: Option<String>,
    employee_id: &EmployeeId,
    author_id: &EmployeeId,
    kind: AssessmentKind,
    (results, behaviour): (Rating, Rating),
    scores: &[i32; 7],
    reason: Option<&str>,
    published_at: NaiveDateTime,
) -> ApiResult<String> {
    let id = new_id();
    diesel::insert_into(assessments::table)
        .values((
            assessments::id.eq(&id),
            assessments::organization_id.eq(organization_id),
            assessments::period_id.eq(period_id),
            assessments::sub_period_id.eq(sub_period_id),
            assessments::employee_id.eq(employee_id),
            assessments::author_id.eq(author_id),
            assessments::kind.eq(kind),
            assessments::status.eq(AssessmentStatus::Published),
            assessments::results_rating.eq(Some(results)),
            assessments::behaviour_rating.eq(Some(behaviour)),
            assessments::comment.eq("Evaluasi kinerja berdasarkan capaian dan perilaku kerja"),
            assessments::reason.eq(reason),
            assessments::published_at.eq(Some(published_at)),
            assessments::version.eq(3),
            assessments::created_at.eq(published_at - chrono::Duration::days(2)),
            assessments::updated_at.eq(published_at),
        ))
        .execute(conn)?;
    for (value, score) in BerakhlakValue::ALL.into_iter().zip(scores) {
        diesel::insert_into(assessment_scores::table)
            .values((
                assessment_scores::assessment_id.eq(&id),
                assessment_scores::berakhlak_value.eq(value),
                assessment_scores::score.eq(*score),
            ))
            .execute(conn)?;
    }
    Ok(id)
}
