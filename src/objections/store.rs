//! Reading and writing objections (the inbox's queries are in `inbox/store.rs`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{DeciderKind, Objection, ObjectionQuery};
use crate::authz::{EvaluationVisibility, ObjectionRef};
use crate::db::schema::{assessments, employees, objections};
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::AnyConnection;
use crate::domain::assessment::ObjectionStatus;
use crate::domain::engine::ObjectionOutcome;
use crate::domain::predikat::{predikat, Rating};
use crate::error::{ApiError, ApiResult};
use crate::versioned::Versions;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = objections)]
pub struct ObjectionRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub assessment_id: String,
    pub employee_id: EmployeeId,
    pub assessor_id: EmployeeId,
    pub decider_id: Option<EmployeeId>,
    pub decider_kind: DeciderKind,
    pub reason: String,
    pub status: ObjectionStatus,
    pub outcome: Option<ObjectionOutcome>,
    pub decision_reason: Option<String>,
    pub final_results_rating: Option<Rating>,
    pub final_behaviour_rating: Option<Rating>,
    pub decided_by: Option<EmployeeId>,
    pub filed_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub version: i32,
    pub updated_at: NaiveDateTime,
}

impl ObjectionRow {
    pub fn reference(&self) -> ObjectionRef {
        ObjectionRef {
            organization_id: self.organization_id.clone(),
            employee_id: self.employee_id.clone(),
            assessor_id: self.assessor_id.clone(),
            decider_id: self.decider_id.clone(),
        }
    }
}

/// A page of the objections `visibility` lets the caller see, filtered by `query`, by id.
pub fn list(
    conn: &mut AnyConnection,
    visibility: EvaluationVisibility,
    query: ObjectionQuery,
    after: Option<String>,
    fetch: i64,
) -> ApiResult<Vec<ObjectionRow>> {
    let mut q = objections::table.into_boxed();
    q = match visibility {
        EvaluationVisibility::Organization { organization_id, .. } => {
            q.filter(objections::organization_id.eq(organization_id))
        }
        EvaluationVisibility::Parties { organization_id, employee_id: me } => {
            q.filter(objections::organization_id.eq(organization_id)).filter(
                objections::employee_id
                    .eq(me.clone())
                    .or(objections::assessor_id.eq(me.clone()))
                    .or(objections::decider_id.eq(me)),
            )
        }
    };
    if let Some(after) = after {
        q = q.filter(objections::id.gt(after));
    }
    if let Some(v) = query.status {
        q = q.filter(objections::status.eq(v));
    }
    if let Some(v) = query.employee_id {
        q = q.filter(objections::employee_id.eq(v));
    }
    if let Some(v) = query.period_id {
        q = q.filter(
            objections::assessment_id
                .eq_any(assessments::table.filter(assessments::period_id.eq(v)).select(assessments::id)),
        );
    }
    if let Some(v) = query.updated_since {
        q = q.filter(objections::updated_at.ge(v.naive_utc()));
    }
    Ok(q.order(objections::id.asc()).limit(fetch).select(ObjectionRow::as_select()).load(conn)?)
}

/// The supervisor of an employee (the assessor, whose supervisor decides the objection).
pub fn supervisor_of(conn: &mut AnyConnection, employee_id: &EmployeeId) -> ApiResult<Option<EmployeeId>> {
    Ok(employees::table.find(employee_id).select(employees::supervisor_id).first::<Option<EmployeeId>>(conn)?)
}

/// Files an objection; the assessment shows it, so it moves too (mobile clients syncing it see it).
pub fn insert(conn: &mut AnyConnection, row: &ObjectionRow) -> ApiResult<()> {
    diesel::insert_into(objections::table).values(row).execute(conn)?;
    touch_assessment(conn, &row.assessment_id)
}

/// Moves the assessment's `updated_at`: what `updated_since` syncs on.
pub fn touch_assessment(conn: &mut AnyConnection, assessment_id: &str) -> ApiResult<()> {
    diesel::update(assessments::table.find(assessment_id))
        .set(assessments::updated_at.eq(crate::db::now()))
        .execute(conn)?;
    Ok(())
}

/// A decision on an objection.
pub struct Decided<'a> {
    pub outcome: ObjectionOutcome,
    pub reason: &'a str,
    pub results: Option<Rating>,
    pub behaviour: Option<Rating>,
    pub by: Option<&'a EmployeeId>,
    pub at: NaiveDateTime,
}

/// Records the decision at the version read (see `crate::versioned::Edit`).
pub fn decide(conn: &mut AnyConnection, id: &str, version: Versions, decided: Decided<'_>) -> ApiResult<usize> {
    Ok(diesel::update(objections::table.find(id).filter(objections::version.eq(version.expected)))
        .set((
            objections::status.eq(ObjectionStatus::Decided),
            objections::outcome.eq(Some(decided.outcome)),
            objections::decision_reason.eq(Some(decided.reason)),
            objections::final_results_rating.eq(decided.results),
            objections::final_behaviour_rating.eq(decided.behaviour),
            objections::decided_by.eq(decided.by),
            objections::decided_at.eq(Some(decided.at)),
            objections::version.eq(version.next),
            objections::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> ApiResult<ObjectionRow> {
    objections::table
        .find(id)
        .select(ObjectionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or(ApiError::NotFound("objection"))
}

pub fn for_assessment(conn: &mut AnyConnection, assessment_id: &str) -> ApiResult<Option<ObjectionRow>> {
    Ok(objections::table
        .filter(objections::assessment_id.eq(assessment_id))
        .select(ObjectionRow::as_select())
        .first(conn)
        .optional()?)
}

/// The objections with their assessment's scope and original ratings: two queries.
pub fn load(conn: &mut AnyConnection, rows: Vec<ObjectionRow>) -> ApiResult<Vec<Objection>> {
    let ids: Vec<String> = rows.iter().map(|r| r.assessment_id.clone()).collect();
    type Scope = (String, String, Option<String>, Option<Rating>, Option<Rating>);
    let scopes: Vec<Scope> = assessments::table
        .filter(assessments::id.eq_any(&ids))
        .select((
            assessments::id,
            assessments::period_id,
            assessments::sub_period_id,
            assessments::results_rating,
            assessments::behaviour_rating,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|row| {
            let (_, period_id, sub_period_id, results, behaviour) =
                scopes.iter().find(|s| s.0 == row.assessment_id).cloned().ok_or(ApiError::NotFound("assessment"))?;
            let (final_results_rating, final_behaviour_rating) = (row.final_results_rating, row.final_behaviour_rating);
            Ok(Objection {
                status: row.status,
                decider_kind: row.decider_kind,
                outcome: row.outcome,
                original_results_rating: results,
                original_behaviour_rating: behaviour,
                final_predikat: final_results_rating.zip(final_behaviour_rating).map(|(r, b)| predikat(r, b)),
                final_results_rating,
                final_behaviour_rating,
                period_id,
                sub_period_id,
                id: row.id,
                organization_id: row.organization_id,
                assessment_id: row.assessment_id,
                employee_id: row.employee_id,
                assessor_id: row.assessor_id,
                decider_id: row.decider_id,
                reason: row.reason,
                decision_reason: row.decision_reason,
                decided_by: row.decided_by,
                filed_at: row.filed_at.and_utc(),
                decided_at: row.decided_at.map(|t| t.and_utc()),
                version: row.version,
                updated_at: row.updated_at.and_utc(),
            })
        })
        .collect()
}

pub fn load_one(conn: &mut AnyConnection, row: ObjectionRow) -> ApiResult<Objection> {
    load(conn, vec![row])?.pop().ok_or(ApiError::NotFound("objection"))
}

/// The objection as it is now, after a write.
pub fn reload(conn: &mut AnyConnection, id: &str) -> ApiResult<Objection> {
    let row = find(conn, id)?;
    load_one(conn, row)
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection;
    use diesel::prelude::*;

    use crate::db::AnyConnection;

    /// The table without the migrations' CHECKs, so that a name the code does not know can be
    /// stored (as a row written by a newer version, or by hand, would be).
    fn unchecked(decider_kind: &str, status: &str, outcome: &str, rating: &str) -> AnyConnection {
        let mut conn = SqliteConnection::establish(":memory:").unwrap();
        conn.batch_execute(&format!(
            "CREATE TABLE objections (id TEXT PRIMARY KEY, organization_id TEXT NOT NULL, assessment_id TEXT NOT NULL,
                employee_id TEXT NOT NULL, assessor_id TEXT NOT NULL, decider_id TEXT, decider_kind TEXT NOT NULL,
                reason TEXT NOT NULL, status TEXT NOT NULL, outcome TEXT, decision_reason TEXT,
                final_results_rating TEXT, final_behaviour_rating TEXT, decided_by TEXT, filed_at TIMESTAMP NOT NULL,
                decided_at TIMESTAMP, version INTEGER NOT NULL, updated_at TIMESTAMP NOT NULL);
             INSERT INTO objections VALUES ('x', 'o', 'a', 'e', 's', NULL, '{decider_kind}', 'r', '{status}',
                '{outcome}', NULL, '{rating}', NULL, NULL, '2026-01-01 00:00:00', NULL, 1, '2026-01-01 00:00:00');"
        ))
        .unwrap();
        AnyConnection::Sqlite(conn)
    }

    #[test]
    fn an_unknown_stored_status_outcome_kind_or_rating_is_an_error_never_a_default() {
        let row = super::find(&mut unchecked("admin", "decided", "changed", "di_atas_ekspektasi"), "x").unwrap();
        assert_eq!(row.outcome, Some(crate::domain::engine::ObjectionOutcome::Changed));
        for (conn, named) in [
            (unchecked("admin", "withdrawn", "changed", "di_atas_ekspektasi"), ("ObjectionStatus", "withdrawn")),
            (unchecked("admin", "decided", "overruled", "di_atas_ekspektasi"), ("ObjectionOutcome", "overruled")),
            (unchecked("court", "decided", "changed", "di_atas_ekspektasi"), ("DeciderKind", "court")),
            (unchecked("admin", "decided", "changed", "istimewa"), ("Rating", "istimewa")),
        ] {
            let err = super::find(&mut { conn }, "x").unwrap_err();
            let (type_name, value) = named;
            let err = format!("{err:?}");
            assert!(err.contains(&format!("unknown {type_name} value")) && err.contains(value), "{err}");
        }
    }
}
