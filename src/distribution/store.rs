//! The organisation's rating per period, and the distribution report computed from every
//! employee's score in batches (a fixed number of queries per batch of employees).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{DistributionReportView, OrganizationRating, UnitDistributionView};
use crate::db::schema::{organization_ratings, units};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::AnyConnection;
use crate::domain::distribution::{DistributionCurve, OrgRating};
use crate::domain::engine::PredicateBasis;
use crate::domain::predikat::Predikat;
use crate::error::ApiResult;
use crate::scores::freeze::in_batches;
use crate::scores::store::Scope;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = organization_ratings)]
pub struct OrganizationRatingRow {
    pub period_id: String,
    pub organization_id: OrganizationId,
    pub rating: OrgRating,
    pub note: String,
    pub recorded_by: EmployeeId,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl From<OrganizationRatingRow> for OrganizationRating {
    fn from(row: OrganizationRatingRow) -> Self {
        OrganizationRating {
            period_id: row.period_id,
            organization_id: row.organization_id,
            rating: row.rating,
            note: row.note,
            recorded_by: row.recorded_by,
            version: row.version,
            created_at: row.created_at.and_utc(),
            updated_at: row.updated_at.and_utc(),
        }
    }
}

pub fn insert_rating(conn: &mut AnyConnection, row: &OrganizationRatingRow) -> ApiResult<()> {
    diesel::insert_into(organization_ratings::table).values(row).execute(conn)?;
    Ok(())
}

/// A new rating of the organisation for a period.
pub struct RatingChange<'a> {
    pub rating: OrgRating,
    pub note: &'a str,
    pub recorded_by: &'a EmployeeId,
    pub at: NaiveDateTime,
}

/// Records a new rating if the stored one is at `expected` (else nothing changes); the number of
/// rows changed.
pub fn update_rating(
    conn: &mut AnyConnection,
    period_id: &str,
    expected: i32,
    next: i32,
    change: RatingChange<'_>,
) -> ApiResult<usize> {
    Ok(diesel::update(organization_ratings::table.find(period_id).filter(organization_ratings::version.eq(expected)))
        .set((
            organization_ratings::rating.eq(change.rating),
            organization_ratings::note.eq(change.note),
            organization_ratings::recorded_by.eq(change.recorded_by),
            organization_ratings::version.eq(next),
            organization_ratings::updated_at.eq(change.at),
        ))
        .execute(conn)?)
}

/// The rating recorded for the period, if any.
pub fn rating_of(conn: &mut AnyConnection, period_id: &str) -> ApiResult<Option<OrganizationRating>> {
    Ok(organization_ratings::table
        .find(period_id)
        .select(OrganizationRatingRow::as_select())
        .first(conn)
        .optional()?
        .map(OrganizationRating::from))
}

/// Each unit of the organisation with its ancestors (itself first), and its code and name.
fn unit_chains(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<UnitChains> {
    let all: Vec<(UnitId, Option<UnitId>, String, String)> = units::table
        .filter(units::organization_id.eq(organization_id))
        .select((units::id, units::parent_id, units::code, units::name))
        .load(conn)?;
    let parents: HashMap<&UnitId, Option<&UnitId>> = all.iter().map(|u| (&u.0, u.1.as_ref())).collect();
    let chains = all
        .iter()
        .map(|u| {
            let mut chain = vec![u.0.clone()];
            let mut at = u.1.as_ref();
            // The tree has no cycles (units refuse one), but a bound keeps a bad row from looping.
            while let Some(parent) = at.filter(|_| chain.len() <= all.len()) {
                chain.push(parent.clone());
                at = parents.get(parent).copied().flatten();
            }
            (u.0.clone(), chain)
        })
        .collect();
    let names = all.into_iter().map(|(id, _, code, name)| (id, (code, name))).collect();
    Ok(UnitChains { chains, names })
}

struct UnitChains {
    chains: HashMap<UnitId, Vec<UnitId>>,
    names: HashMap<UnitId, (String, String)>,
}

/// The report of the scope's predicates against the curve of `rating`.
pub fn report(
    conn: &mut AnyConnection,
    scope: &Scope,
    rating: OrganizationRating,
    include_provisional: bool,
) -> ApiResult<DistributionReportView> {
    let (policy_version, policy) = crate::policies::current(conn, &scope.period.organization_id)?;
    let units = unit_chains(conn, &scope.period.organization_id)?;
    let (mut provisional, mut without_predikat) = (0u32, 0u32);
    let mut counted: Vec<(Vec<UnitId>, Predikat)> = Vec::new();
    in_batches(conn, scope, None, |_, scores| {
        for score in scores {
            match &score.explanation.predicate {
                None => without_predikat += 1,
                Some(p) if p.basis == PredicateBasis::Suggested && !include_provisional => provisional += 1,
                Some(p) => {
                    if p.basis == PredicateBasis::Suggested {
                        provisional += 1;
                    }
                    let chain =
                        units.chains.get(&score.unit_id).cloned().unwrap_or_else(|| vec![score.unit_id.clone()]);
                    counted.push((chain, p.predikat));
                }
            }
        }
        Ok(())
    })?;
    let curve: &DistributionCurve = &policy.distribution_curve;
    let checked = curve.report(rating.rating, &counted);
    let units_view: Vec<UnitDistributionView> = checked
        .units
        .into_iter()
        .map(|u| {
            let (code, name) = units.names.get(&u.unit_id).cloned().unwrap_or_default();
            UnitDistributionView { unit_id: u.unit_id, unit_code: code, unit_name: name, check: u.check }
        })
        .collect();
    Ok(DistributionReportView {
        scope: scope.view(),
        policy_version,
        counted: counted.len() as u32,
        provisional,
        without_predikat,
        fits: checked.organization.fits && units_view.iter().all(|u| u.check.fits),
        organization: checked.organization,
        units: units_view,
        organization_rating: rating,
    })
}
