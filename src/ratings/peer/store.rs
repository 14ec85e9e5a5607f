//! Peer rating rows and queries: assignments, answers, and the per-group sums computed in SQL.

use std::collections::BTreeMap;

use diesel::prelude::*;

use super::{AssignedGroup, BerakhlakScores, GroupAggregate, RaterInput};
use crate::db::schema::{employees, peer_assignments, peer_ratings};
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::AnyConnection;
use crate::domain::behaviour::BerakhlakValue;
use crate::employees::EmployeeRow;
use crate::error::{ApiError, ApiResult, FieldError};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = peer_assignments)]
pub struct AssignmentRow {
    pub id: String,
    pub organization_id: OrganizationId,
    pub period_id: String,
    pub ratee_id: EmployeeId,
    pub rater_id: EmployeeId,
    pub rater_group: AssignedGroup,
    pub assigned_by: EmployeeId,
    pub created_at: chrono::NaiveDateTime,
}

/// Makes, from the one list of values (`berakhlak_values!`), what follows the seven columns: the
/// stored rating and the per-value sums of a group's ratings.
macro_rules! per_value {
    ( ; $( $(#[$value_meta:meta])* $value:ident $field:ident $name:tt, )+ ) => {
        #[derive(Debug, Clone, Queryable, Selectable, Insertable)]
        #[diesel(table_name = peer_ratings)]
        pub struct RatingRow {
            pub assignment_id: String,
            $( pub $field: i32, )+
            pub comment: Option<String>,
            pub submitted_at: chrono::NaiveDateTime,
            pub updated_at: chrono::NaiveDateTime,
        }

        impl RatingRow {
            pub fn new(
                assignment_id: String,
                scores: BerakhlakScores,
                comment: Option<String>,
                submitted_at: chrono::NaiveDateTime,
                updated_at: chrono::NaiveDateTime,
            ) -> Self {
                RatingRow { assignment_id, $( $field: scores.$field, )+ comment, submitted_at, updated_at }
            }

            pub fn scores(&self) -> BerakhlakScores {
                BerakhlakScores { $( $field: self.$field, )+ }
            }
        }

        /// The count and the per-value sums of one group's answered ratings, computed in SQL.
        #[derive(Debug, Queryable)]
        struct GroupSums {
            respondents: i64,
            $( $field: Option<i64>, )+
        }

        impl GroupSums {
            fn of(conn: &mut AnyConnection, ratee_id: &EmployeeId, period_id: &str, group: AssignedGroup) -> ApiResult<Self> {
                use diesel::dsl::{count_star, sum};
                Ok(peer_ratings::table
                    .inner_join(peer_assignments::table)
                    .filter(peer_assignments::ratee_id.eq(ratee_id))
                    .filter(peer_assignments::period_id.eq(period_id))
                    .filter(peer_assignments::rater_group.eq(group))
                    .select((count_star(), $( sum(peer_ratings::$field), )+))
                    .first(conn)?)
            }

            /// The sums of each of `ratee_ids`' groups in a period, in one grouped query whatever
            /// the number of employees.
            fn of_each(
                conn: &mut AnyConnection,
                ratee_ids: &[EmployeeId],
                period_id: &str,
            ) -> ApiResult<Vec<(EmployeeId, AssignedGroup, Self)>> {
                use diesel::dsl::{count_star, sum};
                Ok(peer_ratings::table
                    .inner_join(peer_assignments::table)
                    .filter(peer_assignments::ratee_id.eq_any(ratee_ids))
                    .filter(peer_assignments::period_id.eq(period_id))
                    .group_by((peer_assignments::ratee_id, peer_assignments::rater_group))
                    .select((
                        peer_assignments::ratee_id,
                        peer_assignments::rater_group,
                        (count_star(), $( sum(peer_ratings::$field), )+),
                    ))
                    .load(conn)?)
            }

            /// The sums in the list's order, which is `BerakhlakValue::ALL`'s.
            fn totals(&self) -> [Option<i64>; BerakhlakValue::ALL.len()] {
                [$( self.$field ),+]
            }
        }
    };
}

crate::domain::behaviour::berakhlak_values!(per_value! {});

/// Direct reports and same-unit, same-level colleagues of `ratee`: active, neither `ratee` nor
/// their supervisor.
pub fn candidates(
    conn: &mut AnyConnection,
    ratee: &EmployeeRow,
    after: Option<(String, String)>,
    fetch: i64,
) -> ApiResult<Vec<(EmployeeRow, AssignedGroup)>> {
    let mut q = employees::table
        .filter(employees::organization_id.eq(&ratee.organization_id))
        .filter(employees::active.eq(true))
        .filter(employees::id.ne(&ratee.id))
        .filter(
            employees::supervisor_id
                .eq(&ratee.id)
                .or(employees::unit_id.eq(&ratee.unit_id).and(employees::job_level.eq(&ratee.job_level))),
        )
        .into_boxed();
    // The supervisor rates in the assessment itself, not as a peer.
    if let Some(supervisor) = &ratee.supervisor_id {
        q = q.filter(employees::id.ne(supervisor));
    }
    if let Some((name, id)) = after {
        q = q.filter(employees::name.gt(name.clone()).or(employees::name.eq(name).and(employees::id.gt(id))));
    }
    let rows: Vec<EmployeeRow> = q
        .order((employees::name.asc(), employees::id.asc()))
        .limit(fetch)
        .select(EmployeeRow::as_select())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|e| {
            let group = if e.supervisor_id.as_ref() == Some(&ratee.id) {
                AssignedGroup::Subordinate
            } else {
                AssignedGroup::Peer
            };
            (e, group)
        })
        .collect())
}

/// Checks every proposed rater, reporting all problems at once. Someone of another organisation
/// gets the same answer as someone who does not exist.
pub fn check_raters(conn: &mut AnyConnection, ratee: &EmployeeRow, raters: &[RaterInput]) -> ApiResult<()> {
    let mut errors = Vec::new();
    for (i, rater) in raters.iter().enumerate() {
        let field = format!("raters[{i}].rater_id");
        if rater.rater_id == ratee.id {
            errors.push(FieldError::new(field, "self_rating", "nobody rates themselves"));
            continue;
        }
        let found = employees::table.find(&rater.rater_id).select(EmployeeRow::as_select()).first(conn).optional()?;
        let Some(row) = found.filter(|r| r.organization_id == ratee.organization_id) else {
            errors.push(FieldError::new(field, "unknown_employee", "no such employee in this organisation"));
            continue;
        };
        let reports_to_ratee = row.supervisor_id.as_ref() == Some(&ratee.id);
        let fits = row.active
            && match rater.group {
                // The supervisor rates in the assessment itself, with their own weight.
                AssignedGroup::Peer => {
                    row.job_level == ratee.job_level
                        && !reports_to_ratee
                        && ratee.supervisor_id.as_ref() != Some(&row.id)
                }
                AssignedGroup::Subordinate => reports_to_ratee,
            };
        if !fits {
            let why = match rater.group {
                AssignedGroup::Peer => {
                    "a peer must be an active colleague at the same job level, not the employee's supervisor or report"
                }
                AssignedGroup::Subordinate => "a subordinate must report directly to the rated employee",
            };
            errors.push(FieldError::new(format!("raters[{i}]"), "not_eligible", why));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Whether `rater_id` is already assigned to rate `ratee_id` in the period.
pub fn is_assigned(
    conn: &mut AnyConnection,
    period_id: &str,
    ratee_id: &EmployeeId,
    rater_id: &EmployeeId,
) -> ApiResult<bool> {
    let count: i64 = peer_assignments::table
        .filter(peer_assignments::period_id.eq(period_id))
        .filter(peer_assignments::ratee_id.eq(ratee_id))
        .filter(peer_assignments::rater_id.eq(rater_id))
        .count()
        .get_result(conn)?;
    Ok(count > 0)
}

pub fn insert_assignment(conn: &mut AnyConnection, row: &AssignmentRow) -> ApiResult<()> {
    diesel::insert_into(peer_assignments::table).values(row).execute(conn)?;
    Ok(())
}

/// An assignment by id.
pub fn find_assignment(conn: &mut AnyConnection, id: &str) -> ApiResult<Option<AssignmentRow>> {
    Ok(peer_assignments::table.find(id).select(AssignmentRow::as_select()).first(conn).optional()?)
}

/// A rater's assignments for a period with the rated employee's name and the rater's answer, by name.
pub fn assignments_of_rater(
    conn: &mut AnyConnection,
    rater_id: &EmployeeId,
    period_id: &str,
    after: Option<(String, String)>,
    fetch: i64,
) -> ApiResult<Vec<(AssignmentRow, String, Option<RatingRow>)>> {
    let mut q = peer_assignments::table
        .inner_join(employees::table.on(employees::id.eq(peer_assignments::ratee_id)))
        .left_join(peer_ratings::table)
        .filter(peer_assignments::rater_id.eq(rater_id))
        .filter(peer_assignments::period_id.eq(period_id))
        .into_boxed();
    if let Some((name, id)) = after {
        q = q.filter(employees::name.gt(name.clone()).or(employees::name.eq(name).and(peer_assignments::id.gt(id))));
    }
    Ok(q.order((employees::name.asc(), peer_assignments::id.asc()))
        .limit(fetch)
        .select((AssignmentRow::as_select(), employees::name, Option::<RatingRow>::as_select()))
        .load(conn)?)
}

/// When the answer to an assignment was first submitted, if it was.
pub fn first_submitted(conn: &mut AnyConnection, assignment_id: &str) -> ApiResult<Option<chrono::NaiveDateTime>> {
    Ok(peer_ratings::table.find(assignment_id).select(peer_ratings::submitted_at).first(conn).optional()?)
}

/// Stores an answer in place of any earlier one: replacing the row is one portable upsert.
pub fn replace_rating(conn: &mut AnyConnection, row: &RatingRow) -> ApiResult<()> {
    diesel::delete(peer_ratings::table.find(&row.assignment_id)).execute(conn)?;
    diesel::insert_into(peer_ratings::table).values(row).execute(conn)?;
    Ok(())
}

/// How many raters of a group are assigned to an employee in a period.
pub fn assigned(
    conn: &mut AnyConnection,
    ratee_id: &EmployeeId,
    period_id: &str,
    group: AssignedGroup,
) -> ApiResult<i64> {
    Ok(peer_assignments::table
        .filter(peer_assignments::ratee_id.eq(ratee_id))
        .filter(peer_assignments::period_id.eq(period_id))
        .filter(peer_assignments::rater_group.eq(group))
        .count()
        .get_result(conn)?)
}

/// How many raters of a group have answered for an employee in a period.
pub fn answered(
    conn: &mut AnyConnection,
    ratee_id: &EmployeeId,
    period_id: &str,
    group: AssignedGroup,
) -> ApiResult<i64> {
    Ok(peer_ratings::table
        .inner_join(peer_assignments::table)
        .filter(peer_assignments::ratee_id.eq(ratee_id))
        .filter(peer_assignments::period_id.eq(period_id))
        .filter(peer_assignments::rater_group.eq(group))
        .count()
        .get_result(conn)?)
}

impl GroupSums {
    /// The mean per value.
    fn means(&self) -> BTreeMap<BerakhlakValue, f64> {
        BerakhlakValue::ALL
            .into_iter()
            .zip(self.totals())
            .map(|(value, total)| (value, total.unwrap_or(0) as f64 / self.respondents.max(1) as f64))
            .collect()
    }
}

/// One rated employee's answers from one group: who, which group, how many answered, mean per value.
pub type GroupAnswers = (EmployeeId, AssignedGroup, i64, BTreeMap<BerakhlakValue, f64>);

/// The answers to each of `ratee_ids` in a period per rater group: how many answered and the mean
/// per value, in one grouped query whatever the number of employees.
pub fn answers_of(conn: &mut AnyConnection, ratee_ids: &[EmployeeId], period_id: &str) -> ApiResult<Vec<GroupAnswers>> {
    Ok(GroupSums::of_each(conn, ratee_ids, period_id)?
        .into_iter()
        .map(|(ratee, group, sums)| (ratee, group, sums.respondents, sums.means()))
        .collect())
}

/// One group's aggregate for an employee in a period; nothing of the answers before the
/// assessment is `open` or below `minimum` answers.
pub fn group_aggregate(
    conn: &mut AnyConnection,
    ratee_id: &EmployeeId,
    period_id: &str,
    group: AssignedGroup,
    minimum: i64,
    open: bool,
) -> ApiResult<GroupAggregate> {
    let sums = GroupSums::of(conn, ratee_id, period_id, group)?;
    let respondents = sums.respondents;
    let assigned = assigned(conn, ratee_id, period_id, group)?;
    // Below the minimum nothing of the answers is shown, not even how many came in, so that no
    // single answer (or the moment it was given) can be told apart.
    let enough_responses = open && respondents >= minimum && respondents > 0;
    let means = enough_responses.then(|| sums.means());
    Ok(GroupAggregate {
        group: group.rater_group(),
        assigned,
        min_respondents: minimum,
        enough_responses,
        respondents: enough_responses.then_some(respondents),
        means,
    })
}
