//! Frozen scores. Closing a period stores every employee's score in it (each sub-period and the
//! year) with the inputs it was computed from and the policy version, in the closing transaction.
//! A closed period's scores are served from its latest snapshot; reopening lets them be computed
//! live again, and closing again stores snapshot N + 1 while the earlier ones stay readable
//! (`?snapshot=N`).
//!
//! The inputs and the result are stored as JSON, written once and packed ([`packing`]: the text
//! comes back byte for byte): `serde_json` reads every f64 back exactly (its `float_roundtrip`
//! feature), so recomputing from the stored inputs gives the stored result byte for byte. The
//! policy is not repeated in every row: the row names its version, and policy versions are kept,
//! unchanged, in `scoring_policies`.

use std::collections::HashMap;
use std::sync::mpsc;

use diesel::prelude::*;

use super::packing;
use super::store::{self, Computed, Scope};
use super::{EmployeeScore, ScoreScope, ScoreState, SnapshotRef};
use crate::authz::EmployeeRef;
use crate::db::schema::{employees, score_snapshots, sub_periods};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::behaviour::GroupInput;
use crate::domain::engine::{
    Figures, GivenRatings, ObjectionDecision, ScoreInputs, Scorecard, TargetInput, WithheldGroup,
};
use crate::domain::skm::SkmResult;
use crate::employees::EmployeeRow;
use crate::error::{ApiError, ApiResult};
use crate::periods::{PeriodRow, PeriodStatus, SubPeriodRow};

/// How a snapshot row names the year (a sub-period's row holds the sub-period's id).
const YEAR: &str = "year";
/// Employees scored per step when freezing: each step costs the same few queries per scope, and
/// its rows (five scopes of 100 employees, 6 MB of JSON packed to about 0.6 MB) are one insert.
/// At most three steps are held at once (one read, one computed, one inserted): 200 held the
/// server at 90 MB.
const PAGE: i64 = 100;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = score_snapshots)]
// An absent SKP is a NULL, written as such (what COPY requires; the columns have no default).
#[diesel(treat_none_as_default_value = false)]
pub struct SnapshotRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub period_id: String,
    pub snapshot: i32,
    pub frozen_at: chrono::NaiveDateTime,
    pub employee_id: EmployeeId,
    pub scope: String,
    pub employee_name: String,
    pub nip: String,
    pub unit_id: UnitId,
    pub skp_id: Option<String>,
    pub skp_revision: Option<i32>,
    pub policy_version: i32,
    /// `StoredInputs` as JSON: the score's inputs but the policy, named by `policy_version`. Only
    /// in rows stored before scores were packed: see `packed_inputs`.
    pub inputs: Option<String>,
    /// `Scorecard` as JSON; only in rows stored before scores were packed.
    pub result: Option<String>,
    /// `inputs` packed ([`packing`]), as every close stores it now.
    pub packed_inputs: Option<Vec<u8>>,
    /// `result` packed.
    pub packed_result: Option<Vec<u8>>,
    /// The result's figures ([`Figures`]) as JSON in the result's own shape, what a report's row
    /// shows, read without unpacking the result; only in rows frozen since they were kept.
    pub figures: Option<String>,
}

impl SnapshotRow {
    fn inputs(&mut self) -> ApiResult<String> {
        packing::stored_text(self.inputs.take(), self.packed_inputs.take())
    }
    fn result(&mut self) -> ApiResult<String> {
        packing::stored_text(self.result.take(), self.packed_result.take())
    }
}

/// A score's inputs as stored: all of `ScoreInputs` but the policy, which `policy_version` names.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct StoredInputs {
    pub targets: Vec<TargetInput>,
    pub behaviour: Vec<GroupInput>,
    pub withheld: Vec<WithheldGroup>,
    pub citizen: Option<SkmResult>,
    pub supervisor_ratings: Option<GivenRatings>,
    pub objection: Option<ObjectionDecision>,
    /// Absent in scores stored before complaints were kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub complaints: Option<crate::domain::complaint::ComplaintFigures>,
}

impl StoredInputs {
    fn of(inputs: ScoreInputs) -> Self {
        let ScoreInputs { targets, behaviour, withheld, citizen, supervisor_ratings, objection, complaints, .. } =
            inputs;
        StoredInputs { targets, behaviour, withheld, citizen, supervisor_ratings, objection, complaints }
    }

    /// The whole inputs again, with the policy of the version they were computed with.
    pub fn with_policy(self, policy_version: i32, policy: crate::domain::policy::ScoringPolicy) -> ScoreInputs {
        let StoredInputs { targets, behaviour, withheld, citizen, supervisor_ratings, objection, complaints } = self;
        ScoreInputs {
            targets,
            behaviour,
            withheld,
            citizen,
            supervisor_ratings,
            objection,
            policy_version,
            policy,
            complaints,
        }
    }
}

/// What a close stored.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Frozen {
    pub snapshot: i32,
    pub scores: usize,
}

fn scope_key(scope: &Scope) -> String {
    scope.sub_period.as_ref().map_or_else(|| YEAR.to_string(), |s| s.id.clone())
}

/// The year and each of its sub-periods.
fn every_scope(
    conn: &mut AnyConnection,
    period: &PeriodRow,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiResult<Vec<Scope>> {
    let subs: Vec<SubPeriodRow> = sub_periods::table
        .filter(sub_periods::period_id.eq(&period.id))
        .order(sub_periods::seq.asc())
        .select(SubPeriodRow::as_select())
        .load(conn)?;
    let sub_period_count = subs.len() as u32;
    let scope = |sub_period| Scope { period: period.clone(), sub_period, sub_period_count, now };
    Ok(std::iter::once(scope(None)).chain(subs.into_iter().map(|s| scope(Some(s)))).collect())
}

/// Stores every score of `period` (every employee of its organisation, the year and each
/// sub-period) as the period's next snapshot. Runs inside the transaction that closes it.
///
/// A page of employees goes through three steps: its inputs are read, its scores computed and
/// serialised (pure CPU, about as long as the database's part), its rows inserted. The connection
/// reads and inserts while a second thread computes, so the service's work and the database's
/// overlap instead of taking turns; at most three pages are held at once.
pub fn freeze(conn: &mut AnyConnection, period: &PeriodRow) -> ApiResult<Frozen> {
    let snapshot = latest(conn, &period.id)?.map_or(1, |n| n + 1);
    let frozen_at = now();
    // A closing period's assessment is open whatever the date: the snapshot's time serves as now.
    let scopes = every_scope(conn, period, frozen_at.and_utc())?;
    let stamp = Stamp { period, snapshot, frozen_at };
    let count = std::thread::scope(|threads| -> ApiResult<usize> {
        let (pages, to_compute) = mpsc::sync_channel::<Page>(1);
        let (computed, to_insert) = mpsc::sync_channel::<ApiResult<Vec<SnapshotRow>>>(1);
        let scopes = &scopes;
        let stamp = &stamp;
        threads.spawn(move || {
            for page in to_compute {
                // The receiver is gone only when the connection's side failed: stop.
                if computed.send(page.rows(scopes, stamp)).is_err() {
                    break;
                }
            }
        });
        let mut count = 0;
        let mut insert_next = |conn: &mut AnyConnection| -> ApiResult<()> {
            let rows = to_insert.recv().map_err(ApiError::internal)??;
            count += rows.len();
            insert_all(conn, &rows)
        };
        let mut after: Option<EmployeeId> = None;
        let mut in_flight = 0;
        while let Some(page) = Page::load(conn, period, scopes, after.as_ref())? {
            after = page.people.last().map(|p| p.id.clone());
            pages.send(page).map_err(ApiError::internal)?;
            in_flight += 1;
            // One page computing, the next read: insert the oldest before reading another.
            if in_flight == 2 {
                insert_next(conn)?;
                in_flight -= 1;
            }
        }
        drop(pages);
        for _ in 0..in_flight {
            insert_next(conn)?;
        }
        Ok(count)
    })?;
    refresh_statistics(conn)?;
    Ok(Frozen { snapshot, scores: count })
}

/// What every row of one close shares.
struct Stamp<'a> {
    period: &'a PeriodRow,
    snapshot: i32,
    frozen_at: chrono::NaiveDateTime,
}

/// A page of employees with everything their scores read, for every scope.
struct Page {
    people: Vec<EmployeeRow>,
    inputs: store::PeriodInputs,
    /// In the order of the scopes.
    dated: Vec<store::ScopeInputs>,
}

impl Page {
    /// The page of employees after `after`; `None` past the last.
    fn load(
        conn: &mut AnyConnection,
        period: &PeriodRow,
        scopes: &[Scope],
        after: Option<&EmployeeId>,
    ) -> ApiResult<Option<Page>> {
        let mut q = employees::table.filter(employees::organization_id.eq(&period.organization_id)).into_boxed();
        if let Some(after) = after {
            q = q.filter(employees::id.gt(after.clone()));
        }
        let people: Vec<EmployeeRow> =
            q.order(employees::id.asc()).limit(PAGE).select(EmployeeRow::as_select()).load(conn)?;
        let Some(first) = scopes.first() else { return Ok(None) };
        // What the scopes read of this page is loaded once for all of them.
        let Some(inputs) = store::period_inputs(conn, first, &people)? else { return Ok(None) };
        let ids: Vec<EmployeeId> = people.iter().map(|p| p.id.clone()).collect();
        let dated =
            scopes.iter().map(|scope| store::scope_inputs(conn, &inputs, scope, &ids)).collect::<ApiResult<_>>()?;
        Ok(Some(Page { people, inputs, dated }))
    }

    /// The page's snapshot rows, every scope of every employee: no database.
    fn rows(self, scopes: &[Scope], stamp: &Stamp<'_>) -> ApiResult<Vec<SnapshotRow>> {
        let Page { people, inputs, dated } = self;
        let mut rows = Vec::with_capacity(people.len() * scopes.len());
        for (scope, dated) in scopes.iter().zip(dated) {
            let key = scope_key(scope);
            for computed in store::computed_from(&inputs, dated, scope, people.clone())? {
                rows.push(row(stamp, &key, computed)?);
            }
        }
        Ok(rows)
    }
}

/// A close adds a whole organisation's scores at once (100,000 rows for 20,000 employees): without
/// fresh statistics PostgreSQL's planner still believes the table nearly empty and reads a report's
/// page of snapshots by scanning every row of the period (70 ms a page instead of 5, measured on
/// 20,000 employees), until autovacuum gets to it. Only the key columns, not the large JSON.
/// SQLite's planner needs no statistics for these lookups.
fn refresh_statistics(conn: &mut AnyConnection) -> ApiResult<()> {
    if let AnyConnection::Postgresql(pg) = conn {
        diesel::sql_query("ANALYZE score_snapshots (period_id, snapshot, scope, employee_id)").execute(pg)?;
    }
    Ok(())
}

fn row(stamp: &Stamp<'_>, scope: &str, computed: Computed) -> ApiResult<SnapshotRow> {
    let Stamp { period, snapshot, frozen_at } = *stamp;
    let Computed { score, inputs } = computed;
    Ok(SnapshotRow {
        id: new_id(),
        organization_id: period.organization_id.clone(),
        period_id: period.id.clone(),
        snapshot,
        frozen_at,
        employee_id: score.employee_id,
        scope: scope.to_string(),
        employee_name: score.employee_name,
        nip: score.nip,
        unit_id: score.unit_id,
        skp_id: score.skp_id,
        skp_revision: score.skp_revision,
        policy_version: inputs.policy_version,
        inputs: None,
        result: None,
        packed_inputs: Some(packing::pack_json(&StoredInputs::of(inputs))?),
        packed_result: Some(packing::pack_json(&score.explanation)?),
        figures: Some(serde_json::to_string(&Figures::of(&score.explanation)).map_err(ApiError::internal)?),
    })
}

fn insert_all(conn: &mut AnyConnection, rows: &[SnapshotRow]) -> ApiResult<()> {
    match conn {
        // COPY in PostgreSQL's binary format: no statement to parse and no 15,000 parameters to
        // bind per page (together a third of the inserts' time as multi-row INSERTs).
        AnyConnection::Postgresql(pg) => {
            diesel::copy_from(score_snapshots::table).from_insertable(rows).execute(pg)?;
        }
        // Many rows a statement (the shared connection type has no batch insert: SQLite's own
        // does); 15 columns × 1,000 rows stays under its limit on bound values.
        AnyConnection::Sqlite(lite) => {
            for chunk in rows.chunks(1000) {
                diesel::insert_into(score_snapshots::table).values(chunk).execute(lite)?;
            }
        }
    }
    Ok(())
}

/// The period's latest snapshot, if it was ever closed.
pub fn latest(conn: &mut AnyConnection, period_id: &str) -> ApiResult<Option<i32>> {
    Ok(score_snapshots::table
        .filter(score_snapshots::period_id.eq(period_id))
        .select(diesel::dsl::max(score_snapshots::snapshot))
        .first::<Option<i32>>(conn)?)
}

/// What serving a kept frozen score of `employee_id` in `period_id` depends on now, in one
/// statement: the employee's reference (who may read it), the period's status and its latest
/// snapshot. `None` when either is unknown or they are of different organisations.
pub fn frozen_state(
    conn: &mut AnyConnection,
    employee_id: &EmployeeId,
    period_id: &str,
) -> ApiResult<Option<(EmployeeRef, PeriodStatus, Option<i32>)>> {
    use crate::db::schema::periods;
    type Found = ((EmployeeId, OrganizationId, Option<EmployeeId>), PeriodStatus, Option<i32>);
    macro_rules! state {
        () => {
            employees::table
                .inner_join(periods::table.on(periods::organization_id.eq(employees::organization_id)))
                .filter(employees::id.eq(employee_id))
                .filter(periods::id.eq(period_id))
                .select((
                    (employees::id, employees::organization_id, employees::supervisor_id),
                    periods::status,
                    score_snapshots::table
                        .filter(score_snapshots::period_id.eq(periods::id))
                        .select(diesel::dsl::max(score_snapshots::snapshot))
                        .single_value(),
                ))
        };
    }
    // Through the backend's own connection, as `skp::store::find_document` does.
    let found: Option<Found> = crate::db::on_backend!(conn, |c| state!().first(c).optional()?);
    Ok(found.map(|((id, organization_id, supervisor_id), status, latest)| {
        (EmployeeRef { id, organization_id, supervisor_id }, status, latest)
    }))
}

/// The snapshots stored of one employee's score in `scope`, oldest first.
pub fn snapshots_of(conn: &mut AnyConnection, scope: &Scope, employee_id: &EmployeeId) -> ApiResult<Vec<SnapshotRef>> {
    let rows: Vec<(i32, chrono::NaiveDateTime)> = score_snapshots::table
        .filter(score_snapshots::employee_id.eq(employee_id))
        .filter(score_snapshots::period_id.eq(&scope.period.id))
        .filter(score_snapshots::scope.eq(scope_key(scope)))
        .order(score_snapshots::snapshot.asc())
        .select((score_snapshots::snapshot, score_snapshots::frozen_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|(snapshot, at)| SnapshotRef { snapshot, frozen_at: at.and_utc() }).collect())
}

/// A stored score's row as read back but for its id and its JSON (result, figures, inputs).
#[derive(Queryable, Selectable)]
#[diesel(table_name = score_snapshots)]
struct StoredScore {
    employee_id: EmployeeId,
    employee_name: String,
    nip: String,
    unit_id: UnitId,
    skp_id: Option<String>,
    skp_revision: Option<i32>,
    snapshot: i32,
    frozen_at: chrono::NaiveDateTime,
}

/// What a served score carries of its explanation: all of it ([`Scorecard`], one score's read)
/// or only its figures ([`Figures`], a report's rows), read from a stored score as such.
pub trait Explanation: serde::de::DeserializeOwned {
    /// True when a stored row's figures hold all of it (read instead of the whole result).
    const IN_FIGURES: bool;
    fn of(card: Scorecard) -> Self;
    fn policy_version(&self) -> i32;
}

impl Explanation for Scorecard {
    const IN_FIGURES: bool = false;
    fn of(card: Scorecard) -> Self {
        card
    }
    fn policy_version(&self) -> i32 {
        self.policy_version
    }
}

impl Explanation for Figures {
    const IN_FIGURES: bool = true;
    fn of(card: Scorecard) -> Self {
        Figures::of(&card)
    }
    fn policy_version(&self) -> i32 {
        self.policy_version
    }
}

/// A score as served, with its explanation or only its figures.
pub struct Served<E> {
    pub state: ScoreState,
    pub snapshot: Option<i32>,
    pub frozen_at: Option<chrono::DateTime<chrono::Utc>>,
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub nip: String,
    pub unit_id: UnitId,
    pub skp_id: Option<String>,
    pub skp_revision: Option<i32>,
    pub explanation: E,
}

impl<E: Explanation> Served<E> {
    fn of(score: EmployeeScore) -> Self {
        Served {
            state: score.state,
            snapshot: score.snapshot,
            frozen_at: score.frozen_at,
            employee_id: score.employee_id,
            employee_name: score.employee_name,
            nip: score.nip,
            unit_id: score.unit_id,
            skp_id: score.skp_id,
            skp_revision: score.skp_revision,
            explanation: E::of(score.explanation),
        }
    }
}

impl Served<Scorecard> {
    fn into_score(self, scope: ScoreScope) -> EmployeeScore {
        EmployeeScore {
            state: self.state,
            snapshot: self.snapshot,
            frozen_at: self.frozen_at,
            snapshots: Vec::new(),
            employee_id: self.employee_id,
            employee_name: self.employee_name,
            nip: self.nip,
            unit_id: self.unit_id,
            scope,
            skp_id: self.skp_id,
            skp_revision: self.skp_revision,
            explanation: self.explanation,
        }
    }
}

/// A stored score with its stored inputs' JSON, when asked for.
type StoredWithInputs<E> = (Served<E>, Option<String>);

/// The stored scores of `employee_ids` in snapshot `snapshot` for `scope`, each with its stored
/// inputs (as JSON) when `with_inputs`: one query, which reads the inputs (a third of a row) only
/// then, and of the result only the figures when they are all `E` reads and the row has them (a
/// tenth of the result, and no unpacking).
fn stored<E: Explanation>(
    conn: &mut AnyConnection,
    scope: &Scope,
    snapshot: i32,
    employee_ids: &[EmployeeId],
    with_inputs: bool,
) -> ApiResult<HashMap<EmployeeId, StoredWithInputs<E>>> {
    use diesel::dsl::{case_when, not};
    use diesel::sql_types::Bool;
    let (figures_only, inputs_too) = (E::IN_FIGURES.into_sql::<Bool>(), with_inputs.into_sql::<Bool>());
    let whole_result = not(figures_only).or(score_snapshots::figures.is_null());
    type Row = (StoredScore, Option<String>, Option<String>, Option<Vec<u8>>, Option<String>, Option<Vec<u8>>);
    let rows: Vec<Row> = score_snapshots::table
        .filter(score_snapshots::period_id.eq(&scope.period.id))
        .filter(score_snapshots::snapshot.eq(snapshot))
        .filter(score_snapshots::scope.eq(scope_key(scope)))
        .filter(score_snapshots::employee_id.eq_any(employee_ids))
        .select((
            StoredScore::as_select(),
            case_when(figures_only, score_snapshots::figures),
            case_when(whole_result, score_snapshots::result),
            case_when(whole_result, score_snapshots::packed_result),
            case_when(inputs_too, score_snapshots::inputs),
            case_when(inputs_too, score_snapshots::packed_inputs),
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(row, figures, result, packed_result, inputs, packed_inputs)| {
            let explanation: E = match figures {
                Some(figures) => serde_json::from_str(&figures),
                None => serde_json::from_str(&packing::stored_text(result, packed_result)?),
            }
            .map_err(ApiError::internal)?;
            let inputs = with_inputs.then(|| packing::stored_text(inputs, packed_inputs)).transpose()?;
            let score = Served {
                state: ScoreState::Frozen,
                snapshot: Some(row.snapshot),
                frozen_at: Some(row.frozen_at.and_utc()),
                employee_id: row.employee_id.clone(),
                employee_name: row.employee_name,
                nip: row.nip,
                unit_id: row.unit_id,
                skp_id: row.skp_id,
                skp_revision: row.skp_revision,
                explanation,
            };
            Ok((row.employee_id, (score, inputs)))
        })
        .collect()
}

/// The scores of `people` in `scope` as they are served: snapshot `requested` if named, else the
/// latest snapshot when the period is closed, else computed now. Whoever has no stored score in
/// the snapshot (added after the close) is computed now, and says so.
pub fn served(
    conn: &mut AnyConnection,
    scope: &Scope,
    people: Vec<EmployeeRow>,
    requested: Option<i32>,
) -> ApiResult<Vec<EmployeeScore>> {
    let view = scope.view();
    Ok(served_as::<Scorecard>(conn, scope, people, requested, false)?
        .into_iter()
        .map(|(score, _)| score.into_score(view.clone()))
        .collect())
}

/// As [`served`], with all of each explanation or only its figures (`E`), and each score with
/// the inputs it was computed from (the stored ones when frozen) when `with_inputs`: what a
/// report needs for the score to be computed again from it alone.
pub fn served_as<E: Explanation>(
    conn: &mut AnyConnection,
    scope: &Scope,
    people: Vec<EmployeeRow>,
    requested: Option<i32>,
    with_inputs: bool,
) -> ApiResult<Vec<(Served<E>, Option<ScoreInputs>)>> {
    let live = |conn: &mut AnyConnection, people: Vec<EmployeeRow>| -> ApiResult<Vec<_>> {
        Ok(store::computed(conn, scope, people)?
            .into_iter()
            .map(|c| (Served::of(c.score), with_inputs.then_some(c.inputs)))
            .collect())
    };
    // An open period's score is live unless a snapshot is asked for: no need to look for one.
    let snapshot = match requested {
        Some(n) if latest(conn, &scope.period.id)?.is_some_and(|latest| n <= latest) => Some(n),
        Some(_) => return Err(ApiError::NotFound("score snapshot")),
        None if scope.period.status == PeriodStatus::Closed => latest(conn, &scope.period.id)?,
        None => None,
    };
    let Some(snapshot) = snapshot else { return live(conn, people) };
    let ids: Vec<EmployeeId> = people.iter().map(|p| p.id.clone()).collect();
    let mut frozen = stored::<E>(conn, scope, snapshot, &ids, with_inputs)?;
    let missing: Vec<EmployeeRow> = people.iter().filter(|p| !frozen.contains_key(&p.id)).cloned().collect();
    let mut computed: HashMap<EmployeeId, (Served<E>, Option<ScoreInputs>)> =
        live(conn, missing)?.into_iter().map(|s| (s.0.employee_id.clone(), s)).collect();
    // Stored inputs name their policy version: each version is read once.
    let mut policies = HashMap::new();
    people
        .iter()
        .map(|p| match frozen.remove(&p.id) {
            Some((score, Some(inputs))) => {
                let version = score.explanation.policy_version();
                let policy = match policies.entry(version) {
                    std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
                    std::collections::hash_map::Entry::Vacant(new) => {
                        new.insert(crate::policies::find_version(conn, &scope.period.organization_id, version)?.policy)
                    }
                };
                let stored: StoredInputs = serde_json::from_str(&inputs).map_err(ApiError::internal)?;
                Ok((score, Some(stored.with_policy(version, policy.clone()))))
            }
            Some((score, _)) => Ok((score, None)),
            None => computed.remove(&p.id).ok_or_else(|| ApiError::internal("no score computed")),
        })
        .collect()
}

/// What recomputing the stored scores found.
#[derive(Debug, Clone, Default)]
pub struct Recomputed {
    /// How many stored scores were recomputed.
    pub checked: usize,
    /// Each stored score whose recomputation differs (period, snapshot, scope, employee).
    pub differing: Vec<String>,
}

/// Recomputes every frozen score of the organisation from its stored inputs and the policy version
/// they name, and compares the result with the stored one, byte for byte.
pub fn recompute(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<Recomputed> {
    let rows: Vec<SnapshotRow> = score_snapshots::table
        .filter(score_snapshots::organization_id.eq(organization_id))
        .order((score_snapshots::period_id.asc(), score_snapshots::snapshot.asc(), score_snapshots::id.asc()))
        .select(SnapshotRow::as_select())
        .load(conn)?;
    let mut found = Recomputed::default();
    let mut policies = HashMap::new();
    for mut row in rows {
        let policy = match policies.entry(row.policy_version) {
            std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
            std::collections::hash_map::Entry::Vacant(new) => {
                new.insert(crate::policies::find_version(conn, organization_id, row.policy_version)?.policy)
            }
        };
        let stored: StoredInputs = serde_json::from_str(&row.inputs()?).map_err(ApiError::internal)?;
        let inputs = stored.with_policy(row.policy_version, policy.clone());
        let again = crate::domain::engine::compute(&inputs).map_err(ApiError::internal)?;
        // The figures kept beside the result are the result's own (a report reads them alone).
        let figures = serde_json::to_string(&Figures::of(&again)).map_err(ApiError::internal)?;
        if serde_json::to_string(&again).map_err(ApiError::internal)? != row.result()?
            || row.figures.as_ref().is_some_and(|stored| *stored != figures)
        {
            found.differing.push(format!("{} #{} {} {}", row.period_id, row.snapshot, row.scope, row.employee_id));
        }
        found.checked += 1;
    }
    Ok(found)
}

/// Employees scored per query batch when a whole organisation or unit is scored.
pub const BATCH: i64 = 200;

/// Scores every employee of the scope's organisation (only those of `unit_ids` when given), in
/// batches of [`BATCH`] by id, each batch served as [`served`] serves it (the latest snapshot of a
/// closed period, else computed now) in a fixed number of queries; `visit` gets each batch.
pub fn in_batches(
    conn: &mut AnyConnection,
    scope: &Scope,
    unit_ids: Option<&[UnitId]>,
    mut visit: impl FnMut(&mut AnyConnection, Vec<EmployeeScore>) -> ApiResult<()>,
) -> ApiResult<()> {
    let mut after: Option<String> = None;
    loop {
        let mut q =
            employees::table.filter(employees::organization_id.eq(scope.period.organization_id.clone())).into_boxed();
        if let Some(unit_ids) = unit_ids {
            q = q.filter(employees::unit_id.eq_any(unit_ids.to_vec()));
        }
        if let Some(after) = &after {
            q = q.filter(employees::id.gt(after.clone()));
        }
        let people: Vec<EmployeeRow> =
            q.order(employees::id.asc()).limit(BATCH).select(EmployeeRow::as_select()).load(conn)?;
        let full = people.len() as i64 == BATCH;
        after = people.last().map(|p| p.id.to_string());
        let scores = served(conn, scope, people, None)?;
        visit(conn, scores)?;
        if !full {
            return Ok(());
        }
    }
}
