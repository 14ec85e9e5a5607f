//! The cascade (cascading kinerja): which targets support which of the supervisor's targets,
//! from the head of the agency down, and the targets that support nothing.

use std::collections::HashMap;

use actix_web::{get, web, HttpResponse};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::store::{SkpRow, TargetRow};
use super::{SkpStatus, TargetKind};
use crate::auth::caller::Caller;
use crate::authz::{authorize, performance_visibility, EmployeeVisibility, Permission};
use crate::db::schema::{employees, skp_targets, skps};
use crate::db::types::{EmployeeId, OrganizationId};
use crate::db::AnyConnection;
use crate::error::{problems, ApiResult};
use crate::extract::ValidatedQuery;
use crate::pagination::{text_and_id_key, Page, PageQuery, PageRequest};
use crate::periods;
use crate::state::AppState;

/// A target in the cascade with the targets that support it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CascadeTarget {
    pub id: String,
    pub lineage_id: String,
    pub description: String,
    pub kind: TargetKind,
    pub weight: f64,
    /// The direct reports' targets that support this one.
    #[schema(no_recursion)]
    pub supported_by: Vec<CascadeNode>,
}

/// An employee's SKP in the cascade, with the targets shown at this place in the tree.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CascadeNode {
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub position: String,
    pub skp_id: String,
    pub skp_status: SkpStatus,
    pub revision: i32,
    #[schema(no_recursion)]
    pub targets: Vec<CascadeTarget>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CascadeTree {
    pub period_id: String,
    /// The heads of the tree: employees with no supervisor (or whose supervisor has no SKP yet),
    /// or for a caller who is neither admin nor auditor, the caller.
    pub roots: Vec<CascadeNode>,
}

/// A target that supports none of the supervisor's targets.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UnlinkedTarget {
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub employee_name: String,
    pub skp_id: String,
    pub target_id: String,
    pub description: String,
    /// `no_link`, or `stale_link` when it names a target no longer in the supervisor's newest revision.
    pub reason: String,
}

struct Person {
    name: String,
    position: String,
    supervisor_id: Option<EmployeeId>,
}

/// Each employee's newest SKP revision in the period with its targets.
struct Plans {
    people: HashMap<EmployeeId, Person>,
    skp_of: HashMap<EmployeeId, SkpRow>,
    targets_of: HashMap<EmployeeId, Vec<TargetRow>>,
    /// Each supervisor's direct reports, sorted.
    reports_of: HashMap<EmployeeId, Vec<EmployeeId>>,
}

fn plans(conn: &mut AnyConnection, organization_id: &OrganizationId, period_id: &str) -> ApiResult<Plans> {
    let people: Vec<(EmployeeId, String, String, Option<EmployeeId>)> = employees::table
        .filter(employees::organization_id.eq(organization_id))
        .select((employees::id, employees::name, employees::position, employees::supervisor_id))
        .load(conn)?;
    let rows: Vec<SkpRow> = skps::table
        .filter(skps::organization_id.eq(organization_id))
        .filter(skps::period_id.eq(period_id))
        .order(skps::revision.asc())
        .select(SkpRow::as_select())
        .load(conn)?;
    let mut skp_of: HashMap<EmployeeId, SkpRow> = HashMap::new();
    for row in rows {
        skp_of.insert(row.employee_id.clone(), row); // later revisions replace earlier ones
    }
    // Every revision's targets of the period in one join (no list of ids to bind, whatever the
    // organisation's size); the newest revisions' are kept.
    let mut targets_of: HashMap<EmployeeId, Vec<TargetRow>> = HashMap::new();
    let employee_of_skp: HashMap<String, EmployeeId> =
        skp_of.values().map(|s| (s.id.clone(), s.employee_id.clone())).collect();
    let targets: Vec<TargetRow> = skp_targets::table
        .inner_join(skps::table)
        .filter(skps::organization_id.eq(organization_id))
        .filter(skps::period_id.eq(period_id))
        .order((skp_targets::skp_id.asc(), skp_targets::position.asc()))
        .select(TargetRow::as_select())
        .load(conn)?;
    for target in targets {
        if let Some(employee) = employee_of_skp.get(&target.skp_id) {
            targets_of.entry(employee.clone()).or_default().push(target);
        }
    }
    let mut reports_of: HashMap<EmployeeId, Vec<EmployeeId>> = HashMap::new();
    for (id, _, _, supervisor) in &people {
        if let Some(supervisor) = supervisor {
            reports_of.entry(supervisor.clone()).or_default().push(id.clone());
        }
    }
    reports_of.values_mut().for_each(|ids| ids.sort());
    Ok(Plans {
        reports_of,
        people: people
            .into_iter()
            .map(|(id, name, position, supervisor_id)| (id, Person { name, position, supervisor_id }))
            .collect(),
        skp_of,
        targets_of,
    })
}

impl Plans {
    fn reports_of(&self, employee_id: &EmployeeId) -> &[EmployeeId] {
        self.reports_of.get(employee_id).map(Vec::as_slice).unwrap_or_default()
    }

    /// The node of `employee_id` showing only the targets `keep` accepts; depth bounds loops.
    fn node(&self, employee_id: &EmployeeId, keep: &dyn Fn(&TargetRow) -> bool, depth: usize) -> Option<CascadeNode> {
        let skp = self.skp_of.get(employee_id)?;
        let person = self.people.get(employee_id)?;
        let targets = self
            .targets_of
            .get(employee_id)
            .map(|ts| ts.iter().filter(|t| keep(t)).map(|t| self.target(employee_id, t, depth)).collect())
            .unwrap_or_default();
        Some(CascadeNode {
            employee_id: employee_id.clone(),
            employee_name: person.name.clone(),
            position: person.position.clone(),
            skp_id: skp.id.clone(),
            skp_status: skp.status,
            revision: skp.revision,
            targets,
        })
    }

    fn target(&self, employee_id: &EmployeeId, t: &TargetRow, depth: usize) -> CascadeTarget {
        let supported_by = if depth >= 32 {
            Vec::new()
        } else {
            self.reports_of(employee_id)
                .iter()
                .filter_map(|report| {
                    let lineage = t.lineage_id.clone();
                    let keep = move |r: &TargetRow| r.supports_lineage_id.as_deref() == Some(lineage.as_str());
                    self.node(report, &keep, depth + 1).filter(|n| !n.targets.is_empty())
                })
                .collect()
        };
        CascadeTarget {
            id: t.id.clone(),
            lineage_id: t.lineage_id.clone(),
            description: t.description.clone(),
            kind: t.kind,
            weight: t.weight,
            supported_by,
        }
    }

    /// Employees whose plan heads a tree: no supervisor, or a supervisor without an SKP.
    fn roots(&self) -> Vec<EmployeeId> {
        let mut roots: Vec<EmployeeId> = self
            .skp_of
            .keys()
            .filter(|id| {
                self.people.get(*id).and_then(|p| p.supervisor_id.as_ref()).is_none_or(|s| !self.skp_of.contains_key(s))
            })
            .cloned()
            .collect();
        roots.sort();
        roots
    }
}

fn period_in_scope(conn: &mut AnyConnection, caller: &Caller, period_id: &str) -> ApiResult<periods::PeriodRow> {
    let period = periods::find(conn, period_id)?;
    authorize(caller, Permission::ReadRecord { organization_id: &period.organization_id, record: "period" })?;
    Ok(period)
}

/// The cascade of a period: every SKP's targets under the supervisor's targets they support.
/// Admins and auditors get the whole organisation; anyone else their own subtree.
#[utoipa::path(
    tag = "skp",
    params(("id" = String, Path, description = "Period id")),
    responses(
        (status = 200, description = "The tree", body = CascadeTree),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/periods/{id}/cascade")]
pub async fn cascade_tree(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let tree = state
        .db
        .read(move |conn| {
            let period = period_in_scope(conn, &caller, &id)?;
            let plans = plans(conn, &period.organization_id, &period.id)?;
            let root_ids = match performance_visibility(&caller)? {
                EmployeeVisibility::Organization { .. } => plans.roots(),
                EmployeeVisibility::SelfAndReports { employee_id, .. } => vec![employee_id],
            };
            let roots = root_ids.iter().filter_map(|r| plans.node(r, &|_| true, 0)).collect();
            Ok(CascadeTree { period_id: period.id, roots })
        })
        .await?;
    Ok(HttpResponse::Ok().json(tree))
}

/// The order of the unlinked list: by employee name, then target id (the separator sorts first).
fn unlinked_key(t: &UnlinkedTarget) -> String {
    text_and_id_key(&t.employee_name, &t.target_id)
}

/// Targets that support none of the supervisor's current targets (the head of the agency, who has
/// no supervisor, is left out), by employee name. Admins and auditors see the organisation; anyone
/// else their own and their reports'.
#[utoipa::path(
    tag = "skp",
    params(("id" = String, Path, description = "Period id"), PageQuery),
    responses(
        (status = 200, description = "A page of unlinked targets", body = Page<UnlinkedTarget>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/periods/{id}/cascade/unlinked")]
pub async fn unlinked_targets(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: ValidatedQuery<PageQuery>,
) -> ApiResult<HttpResponse> {
    let page = PageRequest::new(query.0.limit, query.0.cursor.as_deref())?;
    let (after, fetch) = (page.after.clone(), page.fetch_limit() as usize);
    let items = state
        .db
        .read(move |conn| {
            let period = period_in_scope(conn, &caller, &id)?;
            let plans = plans(conn, &period.organization_id, &period.id)?;
            let me = match performance_visibility(&caller)? {
                EmployeeVisibility::Organization { .. } => None,
                EmployeeVisibility::SelfAndReports { employee_id, .. } => Some(employee_id),
            };
            let everything = me.is_none();
            let mut items = Vec::new();
            for (employee_id, targets) in &plans.targets_of {
                let Some(person) = plans.people.get(employee_id) else { continue };
                let Some(supervisor) = &person.supervisor_id else { continue };
                if !everything && me.as_ref() != Some(supervisor) && me.as_ref() != Some(employee_id) {
                    continue;
                }
                let current: Vec<&str> = plans
                    .targets_of
                    .get(supervisor)
                    .map(|ts| ts.iter().map(|t| t.lineage_id.as_str()).collect())
                    .unwrap_or_default();
                for t in targets {
                    let reason = match &t.supports_lineage_id {
                        None => "no_link",
                        Some(l) if !current.contains(&l.as_str()) => "stale_link",
                        Some(_) => continue,
                    };
                    items.push(UnlinkedTarget {
                        employee_id: employee_id.clone(),
                        employee_name: person.name.clone(),
                        skp_id: t.skp_id.clone(),
                        target_id: t.id.clone(),
                        description: t.description.clone(),
                        reason: reason.into(),
                    });
                }
            }
            // The list is derived from every plan of the period, so it is paged here, after sorting.
            let mut keyed: Vec<(String, UnlinkedTarget)> = items.into_iter().map(|t| (unlinked_key(&t), t)).collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(keyed
                .into_iter()
                .filter(|(key, _)| after.as_ref().is_none_or(|a| key > a))
                .take(fetch)
                .collect::<Vec<_>>())
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(items, |(key, _)| key.clone(), |(_, target)| target)))
}
