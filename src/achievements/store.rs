//! Reading and writing achievements, their evidence and the evidence files (the inbox's queries
//! are in `inbox/store.rs`).

use std::collections::HashMap;

use diesel::prelude::*;

use super::{Achievement, AchievementQuery, AchievementStatus, Evidence, EvidenceKind};
use crate::authz::EmployeeVisibility;
use crate::db::schema::{
    achievement_evidence, achievements, employees, evidence_files, skp_aspects, skp_indicators, skp_targets, skps,
};
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::AnyConnection;
use crate::domain::capaian::Aspect;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{Page, PageRequest};
use crate::versioned::Versions;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = achievements)]
pub struct AchievementRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub period_id: String,
    pub sub_period_id: String,
    pub employee_id: EmployeeId,
    pub skp_id: String,
    pub target_lineage_id: String,
    pub indicator_id: String,
    pub aspect_id: String,
    pub aspect: Aspect,
    pub realised_value: f64,
    pub unit: String,
    pub note: String,
    pub status: AchievementStatus,
    pub submitted_at: chrono::NaiveDateTime,
    pub verifier_id: Option<EmployeeId>,
    pub decided_at: Option<chrono::NaiveDateTime>,
    pub rejection_reason: Option<String>,
    pub version: i32,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = achievement_evidence)]
pub struct EvidenceRow {
    pub id: String,
    pub achievement_id: String,
    pub kind: EvidenceKind,
    pub title: String,
    pub url: Option<String>,
    pub file_name: Option<String>,
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    pub sha256: Option<String>,
    pub created_by: EmployeeId,
    pub created_at: chrono::NaiveDateTime,
}

impl EvidenceRow {
    pub fn view(self) -> ApiResult<Evidence> {
        let kind = self.kind;
        Ok(Evidence {
            download_path: (kind == EvidenceKind::File)
                .then(|| format!("/api/v1/achievements/{}/evidence/{}/content", self.achievement_id, self.id)),
            id: self.id,
            kind,
            title: self.title,
            url: self.url,
            file_name: self.file_name,
            content_type: self.content_type,
            size_bytes: self.size_bytes,
            sha256: self.sha256,
            created_by: self.created_by,
            created_at: self.created_at.and_utc(),
        })
    }
}

/// The aspect an achievement is recorded for, with where it sits in the SKP.
pub struct PlannedAspect {
    pub aspect_id: String,
    pub aspect: Aspect,
    pub unit: String,
    pub indicator_id: String,
    pub target_lineage_id: String,
    pub skp: crate::skp::SkpRow,
}

pub fn planned_aspect(conn: &mut AnyConnection, indicator_id: &str, aspect: Aspect) -> ApiResult<PlannedAspect> {
    let found: Option<(String, Aspect, String, String, String, crate::skp::SkpRow)> = skp_aspects::table
        .inner_join(skp_indicators::table.inner_join(skp_targets::table.inner_join(skps::table)))
        .filter(skp_aspects::indicator_id.eq(indicator_id))
        .filter(skp_aspects::aspect.eq(aspect.as_str()))
        .select((
            skp_aspects::id,
            skp_aspects::aspect,
            skp_aspects::unit,
            skp_indicators::id,
            skp_targets::lineage_id,
            crate::skp::SkpRow::as_select(),
        ))
        .first(conn)
        .optional()?;
    let (aspect_id, aspect, unit, indicator_id, target_lineage_id, skp) =
        found.ok_or(ApiError::NotFound("indicator aspect"))?;
    Ok(PlannedAspect { aspect_id, aspect, unit, indicator_id, target_lineage_id, skp })
}

/// A page of the achievements `visibility` lets the caller see, filtered by `query`, by id.
pub fn list(
    conn: &mut AnyConnection,
    visibility: EmployeeVisibility,
    query: AchievementQuery,
    page: &PageRequest,
) -> ApiResult<Page<Achievement>> {
    let mut q = achievements::table.inner_join(employees::table).into_boxed();
    match visibility {
        EmployeeVisibility::Organization { organization_id } => {
            q = q.filter(achievements::organization_id.eq(organization_id))
        }
        EmployeeVisibility::SelfAndReports { organization_id, employee_id } => {
            q = q
                .filter(achievements::organization_id.eq(organization_id))
                .filter(employees::id.eq(employee_id.clone()).or(employees::supervisor_id.eq(employee_id)))
        }
    }
    if let Some(after) = page.after.clone() {
        q = q.filter(achievements::id.gt(after));
    }
    if let Some(v) = query.employee_id {
        q = q.filter(achievements::employee_id.eq(v));
    }
    if let Some(v) = query.period_id {
        q = q.filter(achievements::period_id.eq(v));
    }
    if let Some(v) = query.sub_period_id {
        q = q.filter(achievements::sub_period_id.eq(v));
    }
    if let Some(v) = query.skp_id {
        q = q.filter(achievements::skp_id.eq(v));
    }
    if let Some(v) = query.status {
        q = q.filter(achievements::status.eq(v.as_str()));
    }
    if let Some(v) = query.updated_since {
        q = q.filter(achievements::updated_at.ge(v.naive_utc()));
    }
    let rows =
        q.order(achievements::id.asc()).limit(page.fetch_limit()).select(AchievementRow::as_select()).load(conn)?;
    paged(conn, page, rows)
}

pub fn insert(conn: &mut AnyConnection, row: &AchievementRow) -> ApiResult<()> {
    diesel::insert_into(achievements::table).values(row).execute(conn)?;
    Ok(())
}

/// Corrects the realised value and the note.
pub fn correct(conn: &mut AnyConnection, id: &str, realised: f64, note: &str) -> ApiResult<()> {
    diesel::update(achievements::table.find(id))
        .set((achievements::realised_value.eq(realised), achievements::note.eq(note)))
        .execute(conn)?;
    Ok(())
}

/// Sends it to the supervisor again, clearing the rejection.
pub fn resubmit(
    conn: &mut AnyConnection,
    id: &str,
    status: AchievementStatus,
    at: chrono::NaiveDateTime,
) -> ApiResult<()> {
    diesel::update(achievements::table.find(id))
        .set((
            achievements::status.eq(status),
            achievements::submitted_at.eq(at),
            achievements::rejection_reason.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The supervisor's verification or rejection.
pub fn decide(
    conn: &mut AnyConnection,
    id: &str,
    status: AchievementStatus,
    verifier: Option<&EmployeeId>,
    at: chrono::NaiveDateTime,
    reason: Option<String>,
) -> ApiResult<()> {
    diesel::update(achievements::table.find(id))
        .set((
            achievements::status.eq(status),
            achievements::verifier_id.eq(verifier),
            achievements::decided_at.eq(at),
            achievements::rejection_reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn insert_evidence(conn: &mut AnyConnection, row: &EvidenceRow) -> ApiResult<()> {
    diesel::insert_into(achievement_evidence::table).values(row).execute(conn)?;
    Ok(())
}

pub fn evidence_count(conn: &mut AnyConnection, achievement_id: &str) -> ApiResult<i64> {
    Ok(achievement_evidence::table
        .filter(achievement_evidence::achievement_id.eq(achievement_id))
        .count()
        .get_result(conn)?)
}

/// Removes a piece of evidence and its file, if it has one.
pub fn delete_evidence(conn: &mut AnyConnection, evidence_id: &str) -> ApiResult<()> {
    delete_file(conn, evidence_id)?;
    diesel::delete(achievement_evidence::table.find(evidence_id)).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut AnyConnection, id: &str) -> ApiResult<AchievementRow> {
    achievements::table
        .find(id)
        .select(AchievementRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("achievement"))
}

/// An achievement for (aspect, sub-period), if one was recorded.
pub fn find_for(conn: &mut AnyConnection, aspect_id: &str, sub_period_id: &str) -> ApiResult<Option<AchievementRow>> {
    Ok(achievements::table
        .filter(achievements::aspect_id.eq(aspect_id))
        .filter(achievements::sub_period_id.eq(sub_period_id))
        .select(AchievementRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn evidence_of(conn: &mut AnyConnection, achievement_ids: &[String]) -> ApiResult<Vec<EvidenceRow>> {
    Ok(achievement_evidence::table
        .filter(achievement_evidence::achievement_id.eq_any(achievement_ids))
        .order(achievement_evidence::id.asc())
        .select(EvidenceRow::as_select())
        .load(conn)?)
}

pub fn find_evidence(conn: &mut AnyConnection, achievement_id: &str, evidence_id: &str) -> ApiResult<EvidenceRow> {
    achievement_evidence::table
        .find(evidence_id)
        .filter(achievement_evidence::achievement_id.eq(achievement_id))
        .select(EvidenceRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("evidence"))
}

/// The achievements with their evidence and their aspects' target values, in the order given;
/// three queries however many there are.
pub fn load_many(conn: &mut AnyConnection, rows: Vec<AchievementRow>) -> ApiResult<Vec<Achievement>> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let aspect_ids: Vec<String> = rows.iter().map(|r| r.aspect_id.clone()).collect();
    let targets: HashMap<String, f64> = skp_aspects::table
        .filter(skp_aspects::id.eq_any(&aspect_ids))
        .select((skp_aspects::id, skp_aspects::target_value))
        .load::<(String, f64)>(conn)?
        .into_iter()
        .collect();
    let mut evidence: HashMap<String, Vec<Evidence>> = HashMap::new();
    for row in evidence_of(conn, &ids)? {
        evidence.entry(row.achievement_id.clone()).or_default().push(row.view()?);
    }
    rows.into_iter()
        .map(|row| {
            let (status, aspect) = (row.status, row.aspect);
            Ok(Achievement {
                target_value: targets.get(&row.aspect_id).copied().unwrap_or_default(),
                evidence: evidence.remove(&row.id).unwrap_or_default(),
                status,
                aspect,
                id: row.id,
                organization_id: row.organization_id,
                period_id: row.period_id,
                sub_period_id: row.sub_period_id,
                employee_id: row.employee_id,
                skp_id: row.skp_id,
                target_id: row.target_lineage_id,
                indicator_id: row.indicator_id,
                realised: row.realised_value,
                unit: row.unit,
                note: row.note,
                rejection_reason: row.rejection_reason,
                verifier_id: row.verifier_id,
                decided_at: row.decided_at.map(|t| t.and_utc()),
                submitted_at: row.submitted_at.and_utc(),
                version: row.version,
                created_at: row.created_at.and_utc(),
                updated_at: row.updated_at.and_utc(),
            })
        })
        .collect()
}

pub fn load(conn: &mut AnyConnection, row: AchievementRow) -> ApiResult<Achievement> {
    load_many(conn, vec![row])?.pop().ok_or(ApiError::NotFound("achievement"))
}

/// Moves the achievement to its next version if it is still at the expected one: the write of
/// every change to it (see `crate::versioned::Edit`), whatever else the change writes.
pub fn bump_version(conn: &mut AnyConnection, id: &str, version: Versions) -> ApiResult<usize> {
    Ok(diesel::update(achievements::table.find(id).filter(achievements::version.eq(version.expected)))
        .set((achievements::version.eq(version.next), achievements::updated_at.eq(crate::db::now())))
        .execute(conn)?)
}

// Evidence files. These three functions are all that knows where the bytes live: a province
// that keeps files in object storage replaces their bodies (put → upload under the evidence id,
// content → download, delete → delete) and keeps the metadata and SHA-256 in the database.

pub fn put_file(conn: &mut AnyConnection, evidence_id: &str, content: &[u8]) -> ApiResult<()> {
    diesel::insert_into(evidence_files::table)
        .values((evidence_files::evidence_id.eq(evidence_id), evidence_files::content.eq(content)))
        .execute(conn)?;
    Ok(())
}

pub fn file_content(conn: &mut AnyConnection, evidence_id: &str) -> ApiResult<Vec<u8>> {
    evidence_files::table
        .find(evidence_id)
        .select(evidence_files::content)
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("evidence"))
}

pub fn delete_file(conn: &mut AnyConnection, evidence_id: &str) -> ApiResult<()> {
    diesel::delete(evidence_files::table.find(evidence_id)).execute(conn)?;
    Ok(())
}

/// A page of achievements from rows fetched with [`PageRequest::fetch_limit`], sorted by id.
pub fn paged(conn: &mut AnyConnection, page: &PageRequest, rows: Vec<AchievementRow>) -> ApiResult<Page<Achievement>> {
    let rows = page.page(rows, |r| r.id.clone(), |r| r);
    Ok(Page { items: load_many(conn, rows.items)?, next_cursor: rows.next_cursor })
}

/// The verified realisations of `employee_ids` in a period, for the scores: one query whatever
/// the number of people, as (indicator id, aspect, sub-period id, realised value).
pub fn verified_values(
    conn: &mut AnyConnection,
    employee_ids: &[EmployeeId],
    period_id: &str,
) -> ApiResult<Vec<(String, Aspect, String, f64)>> {
    // Through the backend's own connection: a close reads a million of these.
    Ok(crate::db::on_backend!(conn, |c| {
        achievements::table
            .filter(achievements::employee_id.eq_any(employee_ids))
            .filter(achievements::period_id.eq(period_id))
            .filter(achievements::status.eq(AchievementStatus::Verified.as_str()))
            .select((
                achievements::indicator_id,
                achievements::aspect,
                achievements::sub_period_id,
                achievements::realised_value,
            ))
            .load(c)?
    }))
}
