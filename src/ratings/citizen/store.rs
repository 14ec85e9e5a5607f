//! Citizen rating rows and queries: tickets, ratings, and the element sums the index is made of,
//! computed in SQL.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::domain::time_zone::OrgTimeZone;

use super::{SkmScores, SkmSubject};
use crate::audit::NewEvent;
use crate::db::schema::{
    citizen_ratings, employees, organizations, rating_tickets, service_clients, sub_periods, units,
};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::{AnyConnection, Prepared};
use crate::domain::skm::{skm_index, SkmResult};
use crate::error::ApiResult;
use crate::periods::PeriodStatus;
use diesel::sql_types::{Nullable, Text, Timestamp};

/// A new ticket as stored: the token only as its hash.
pub struct NewTicketRow<'a> {
    pub id: &'a str,
    pub organization_id: &'a OrganizationId,
    pub unit_id: &'a UnitId,
    pub officer_id: Option<&'a EmployeeId>,
    pub issued_by: &'a str,
    pub reference: Option<&'a str>,
    pub token_hash: String,
    pub expires_at: NaiveDateTime,
    /// When it was issued (the service's clock).
    pub issued_at: NaiveDateTime,
}

/// A citizen's rating as stored.
pub struct NewRatingRow<'a> {
    pub id: &'a str,
    pub organization_id: &'a OrganizationId,
    pub unit_id: &'a UnitId,
    pub officer_id: Option<&'a EmployeeId>,
    pub ticket_id: &'a str,
    pub scores: SkmScores,
    pub comment: Option<&'a str>,
    /// When it was given (the service's clock): it decides the period and sub-period it counts in.
    pub submitted_at: NaiveDateTime,
}

/// A unit's organisation and whether it serves the public.
pub fn unit_service(conn: &mut AnyConnection, unit_id: &UnitId) -> ApiResult<Option<(OrganizationId, bool)>> {
    Ok(units::table.find(unit_id).select((units::organization_id, units::is_service_unit)).first(conn).optional()?)
}

/// An employee's organisation.
pub fn employee_organization(conn: &mut AnyConnection, employee_id: &EmployeeId) -> ApiResult<Option<OrganizationId>> {
    Ok(employees::table.find(employee_id).select(employees::organization_id).first(conn).optional()?)
}

pub fn insert_ticket(conn: &mut AnyConnection, t: NewTicketRow<'_>) -> ApiResult<()> {
    diesel::insert_into(rating_tickets::table)
        .values((
            rating_tickets::id.eq(t.id),
            rating_tickets::organization_id.eq(t.organization_id),
            rating_tickets::unit_id.eq(t.unit_id),
            rating_tickets::officer_id.eq(t.officer_id),
            rating_tickets::issued_by.eq(t.issued_by),
            rating_tickets::reference.eq(t.reference),
            rating_tickets::token_hash.eq(t.token_hash),
            rating_tickets::expires_at.eq(t.expires_at),
            rating_tickets::created_at.eq(t.issued_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// A ticket by its token's hash, with what a rating with it needs of its organisation, unit and
/// period, all read in one statement.
#[derive(Debug, QueryableByName)]
pub struct TicketForRating {
    #[diesel(sql_type = Text)]
    pub id: String,
    #[diesel(sql_type = Text)]
    pub organization_id: OrganizationId,
    #[diesel(sql_type = Text)]
    pub unit_id: UnitId,
    #[diesel(sql_type = Nullable<Text>)]
    pub officer_id: Option<EmployeeId>,
    #[diesel(sql_type = Timestamp)]
    pub expires_at: NaiveDateTime,
    #[diesel(sql_type = Nullable<Timestamp>)]
    pub used_at: Option<NaiveDateTime>,
    #[diesel(sql_type = Text)]
    pub time_zone: String,
    #[diesel(sql_type = Text)]
    pub unit_name: String,
    /// The status of the organisation's periods of the year before the UTC year of the rating,
    /// that year and the next: the organisation's "today" falls in one of them.
    #[diesel(sql_type = Nullable<Text>)]
    pub period_before: Option<PeriodStatus>,
    #[diesel(sql_type = Nullable<Text>)]
    pub period_this: Option<PeriodStatus>,
    #[diesel(sql_type = Nullable<Text>)]
    pub period_after: Option<PeriodStatus>,
}

impl TicketForRating {
    /// The status of the period of `year` (`None`: no such period), if it is one of the three read.
    pub fn period_status(&self, utc_year: i32, year: i32) -> Option<PeriodStatus> {
        match year - utc_year {
            -1 => self.period_before,
            0 => self.period_this,
            1 => self.period_after,
            _ => None,
        }
    }
}

macro_rules! ticket_for_rating_sql {
    ($p1:literal, $p2:literal, $p3:literal, $p4:literal) => {
        concat!(
            "SELECT t.id, t.organization_id, t.unit_id, t.officer_id, t.expires_at, t.used_at,",
            " (SELECT o.time_zone FROM organizations o WHERE o.id = t.organization_id) AS time_zone,",
            " (SELECT u.name FROM units u WHERE u.id = t.unit_id) AS unit_name,",
            " (SELECT p.status FROM periods p WHERE p.organization_id = t.organization_id AND p.year = ",
            $p2,
            ") AS period_before,",
            " (SELECT p.status FROM periods p WHERE p.organization_id = t.organization_id AND p.year = ",
            $p3,
            ") AS period_this,",
            " (SELECT p.status FROM periods p WHERE p.organization_id = t.organization_id AND p.year = ",
            $p4,
            ") AS period_after",
            " FROM rating_tickets t WHERE t.token_hash = ",
            $p1
        )
    };
}

/// The ticket whose token hashes to `token_hash`, with its organisation's time zone, its unit's
/// name and the statuses of the periods around `utc_year`: one statement.
pub fn ticket_for_rating(
    conn: &mut AnyConnection,
    token_hash: &str,
    utc_year: i32,
) -> ApiResult<Option<TicketForRating>> {
    use diesel::sql_types::Integer;
    macro_rules! run {
        ($c:expr, $sql:expr) => {
            Prepared(
                diesel::sql_query($sql)
                    .bind::<Text, _>(token_hash)
                    .bind::<Integer, _>(utc_year - 1)
                    .bind::<Integer, _>(utc_year)
                    .bind::<Integer, _>(utc_year + 1),
            )
            .get_result::<TicketForRating>($c)
            .optional()?
        };
    }
    Ok(match conn {
        AnyConnection::Postgresql(pg) => run!(pg, ticket_for_rating_sql!("$1", "$2", "$3", "$4")),
        AnyConnection::Sqlite(lite) => run!(lite, ticket_for_rating_sql!("?1", "?2", "?3", "?4")),
    })
}

/// The first and last day of a sub-period of `period_id`, if it is one.
pub fn sub_period_days(
    conn: &mut AnyConnection,
    period_id: &str,
    sub_period_id: &str,
) -> ApiResult<Option<(NaiveDate, NaiveDate)>> {
    Ok(sub_periods::table
        .find(sub_period_id)
        .filter(sub_periods::period_id.eq(period_id))
        .select((sub_periods::starts_on, sub_periods::ends_on))
        .first(conn)
        .optional()?)
}

/// An organisation's id and name by its code.
pub fn organization_by_code(conn: &mut AnyConnection, code: &str) -> ApiResult<Option<(OrganizationId, String)>> {
    Ok(organizations::table
        .filter(organizations::code.eq(code))
        .select((organizations::id, organizations::name))
        .first(conn)
        .optional()?)
}

/// An organisation's service units (id, name), by name.
/// Whether a service client may use its ticket scope: approved by a second admin or the operator.
pub fn portal_approved(conn: &mut AnyConnection, client_row_id: &str) -> ApiResult<bool> {
    let approved_at: Option<Option<NaiveDateTime>> =
        service_clients::table.find(client_row_id).select(service_clients::approved_at).first(conn).optional()?;
    Ok(matches!(approved_at, Some(Some(_))))
}

/// How many ratings the tickets of each ticket-issuing portal of the organisation produced from
/// `start` to `end` (every such portal, none left out for having produced none), by portal name.
pub fn ratings_per_portal(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> ApiResult<Vec<(String, String, i64)>> {
    let portals: Vec<(String, String, String)> = service_clients::table
        .filter(service_clients::organization_id.eq(organization_id))
        .filter(service_clients::scopes.like("%rating_tickets:issue%"))
        .order((service_clients::name.asc(), service_clients::id.asc()))
        .select((service_clients::id, service_clients::name, service_clients::scopes))
        .load(conn)?;
    let counts: HashMap<String, i64> = citizen_ratings::table
        .inner_join(rating_tickets::table.on(rating_tickets::id.eq(citizen_ratings::ticket_id)))
        .filter(citizen_ratings::organization_id.eq(organization_id))
        .filter(citizen_ratings::submitted_at.ge(start))
        .filter(citizen_ratings::submitted_at.lt(end))
        .group_by(rating_tickets::issued_by)
        .select((rating_tickets::issued_by, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(portals
        .into_iter()
        .filter(|(_, _, scopes)| scopes.split_whitespace().any(|s| s == "rating_tickets:issue"))
        .map(|(id, name, _)| {
            let ratings = counts.get(&id).copied().unwrap_or(0);
            (id, name, ratings)
        })
        .collect())
}

pub fn service_units(conn: &mut AnyConnection, organization_id: &OrganizationId) -> ApiResult<Vec<(UnitId, String)>> {
    Ok(units::table
        .filter(units::organization_id.eq(organization_id))
        .filter(units::is_service_unit.eq(true))
        .order(units::name.asc())
        .select((units::id, units::name))
        .load(conn)?)
}

/// Makes, from the one list of elements (`skm_elements!`), what follows the nine columns: the
/// insert of a rating, the per-element sums as SQL returns them, and the select list of those sums.
macro_rules! per_element {
    ( ; $( $(#[$element_meta:meta])* $element:ident $field:ident $name:tt, )+ ) => {
        /// Records a citizen's rating: claims its ticket (unused and unexpired), inserts the rating
        /// and `event`, its audit event, all or nothing. False when the ticket was not claimable
        /// any more (used or expired since it was read): nothing is written. On PostgreSQL this is
        /// one statement, its own transaction when run outside one (the rating's two round trips
        /// are this and the read of the ticket); on SQLite, which has no writing `WITH`, three
        /// statements in the caller's transaction.
        pub fn record_rating(conn: &mut AnyConnection, r: NewRatingRow<'_>, event: &NewEvent) -> ApiResult<bool> {
            use diesel::sql_types::{BigInt, Integer};
            let s = r.scores;
            if let AnyConnection::Postgresql(pg) = conn {
                static SQL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
                    record_rating_sql(&[$( stringify!($field) ),+])
                });
                #[derive(QueryableByName)]
                struct Claimed {
                    #[diesel(sql_type = BigInt)]
                    claimed: i64,
                }
                let claimed = Prepared(
                    diesel::sql_query(SQL.as_str())
                        .bind::<Timestamp, _>(r.submitted_at)
                        .bind::<Text, _>(r.ticket_id)
                        .bind::<Text, _>(r.id)
                        .bind::<Text, _>(r.organization_id)
                        .bind::<Text, _>(r.unit_id)
                        .bind::<Nullable<Text>, _>(r.officer_id)
                        $( .bind::<Integer, _>(s.$field) )+
                        .bind::<Nullable<Text>, _>(r.comment)
                        .bind::<Text, _>(&event.id)
                        .bind::<Text, _>(&event.organization_id)
                        .bind::<Timestamp, _>(event.occurred_at)
                        .bind::<Text, _>(event.actor_kind)
                        .bind::<Text, _>(&event.actor_id)
                        .bind::<Text, _>(&event.action)
                        .bind::<Text, _>(&event.resource_type)
                        .bind::<Text, _>(&event.resource_id)
                        .bind::<Nullable<Text>, _>(&event.before_state)
                        .bind::<Nullable<Text>, _>(&event.after_state)
                        .bind::<Nullable<Text>, _>(&event.request_id)
                        .bind::<Text, _>(&event.content_hash),
                )
                .get_result::<Claimed>(pg)?;
                return Ok(claimed.claimed == 1);
            }
            let claimed = diesel::update(
                rating_tickets::table
                    .find(r.ticket_id)
                    .filter(rating_tickets::used_at.is_null())
                    .filter(rating_tickets::expires_at.ge(r.submitted_at)),
            )
            .set(rating_tickets::used_at.eq(r.submitted_at))
            .execute(conn)?;
            if claimed == 0 {
                return Ok(false);
            }
            diesel::insert_into(citizen_ratings::table)
                .values((
                    citizen_ratings::id.eq(r.id),
                    citizen_ratings::organization_id.eq(r.organization_id),
                    citizen_ratings::unit_id.eq(r.unit_id),
                    citizen_ratings::officer_id.eq(r.officer_id),
                    citizen_ratings::ticket_id.eq(r.ticket_id),
                    $( citizen_ratings::$field.eq(s.$field), )+
                    citizen_ratings::comment.eq(r.comment),
                    citizen_ratings::submitted_at.eq(r.submitted_at),
                ))
                .execute(conn)?;
            crate::audit::insert(conn, event)?;
            Ok(true)
        }

        /// The count and the per-element sums of a set of ratings (`NULL` sums when there are none).
        #[derive(Debug, Default, Queryable)]
        pub struct ElementSums {
            respondents: i64,
            $( $field: Option<i64>, )+
        }

        impl ElementSums {
            /// No ratings at all.
            pub fn none() -> Self {
                Self::default()
            }

            pub fn index(&self, min_responses: u32) -> SkmResult {
                // In the list's order, which is `SkmElement::ALL`'s.
                let sums = [$( self.$field ),+].map(|s| s.unwrap_or(0).max(0) as u64);
                skm_index(sums, self.respondents.max(0) as u64, min_responses as u64)
            }
        }

        /// The count and the nine element sums, as one SQL select list (the same for one subject
        /// and for the per-unit grouping).
        macro_rules! element_sums {
            () => {
                (diesel::dsl::count_star(), $( diesel::dsl::sum(citizen_ratings::$field), )+)
            };
        }
    };
}

crate::domain::skm::skm_elements!(per_element! {});

/// [`record_rating`]'s statement on PostgreSQL, for the rating columns `elements`: the claim, and
/// the rating and its audit event inserted only if the claim returned the ticket. Its parameters:
/// the time, the ticket, the rating's id, organisation, unit and officer, one per element, the
/// comment, then the event's columns in `NewEvent`'s order.
fn record_rating_sql(elements: &[&str]) -> String {
    let element_params = (7..7 + elements.len()).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    let comment = 7 + elements.len();
    let event_params = (comment + 1..comment + 13).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ");
    format!(
        "WITH claimed AS (UPDATE rating_tickets SET used_at = $1 \
         WHERE id = $2 AND used_at IS NULL AND expires_at >= $1 RETURNING id), \
         rating AS (INSERT INTO citizen_ratings (id, organization_id, unit_id, officer_id, ticket_id, {}, \
         comment, submitted_at) SELECT $3, $4, $5, $6, id, {element_params}, ${comment}, $1 FROM claimed), \
         event AS (INSERT INTO audit_events (id, organization_id, occurred_at, actor_kind, actor_id, action, \
         resource_type, resource_id, before_state, after_state, request_id, content_hash) \
         SELECT {event_params} FROM claimed) \
         SELECT count(*) AS claimed FROM claimed",
        elements.join(", ")
    )
}

/// The half-open range of a period's days as stored (UTC) instants: from local midnight of `from`
/// to local midnight after `to`, in the organisation's time zone (a rating at 06:00 WIB on the
/// first day of a quarter is 23:00 UTC the day before, and belongs to the new quarter).
pub fn day_range(tz: OrgTimeZone, from: NaiveDate, to: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    (tz.start_of_day(from).naive_utc(), tz.end_of_day(to).naive_utc())
}

/// The index of one subject's ratings submitted from `from` to `to`, in one SQL aggregate.
pub fn index_of(
    conn: &mut AnyConnection,
    subject: SkmSubject<'_>,
    from: NaiveDate,
    to: NaiveDate,
    tz: OrgTimeZone,
    min_responses: u32,
) -> ApiResult<SkmResult> {
    let (start, end) = day_range(tz, from, to);
    let mut q = citizen_ratings::table
        .filter(citizen_ratings::submitted_at.ge(start))
        .filter(citizen_ratings::submitted_at.lt(end))
        .into_boxed();
    q = match subject {
        SkmSubject::Unit(id) => q.filter(citizen_ratings::unit_id.eq(id.to_string())),
        SkmSubject::Officer(id) => q.filter(citizen_ratings::officer_id.eq(id.to_string())),
    };
    let sums: ElementSums = q.select(element_sums!()).first(conn)?;
    Ok(sums.index(min_responses))
}

/// The element sums per unit of the ratings of `unit_ids` submitted in `[start, end)`, in one
/// aggregate grouped by unit, whatever the number of units. Units without ratings are absent.
pub fn sums_per_unit(
    conn: &mut AnyConnection,
    unit_ids: &[&UnitId],
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> ApiResult<HashMap<UnitId, ElementSums>> {
    Ok(citizen_ratings::table
        .filter(citizen_ratings::unit_id.eq_any(unit_ids))
        .filter(citizen_ratings::submitted_at.ge(start))
        .filter(citizen_ratings::submitted_at.lt(end))
        .group_by(citizen_ratings::unit_id)
        .select((citizen_ratings::unit_id, element_sums!()))
        .load::<(UnitId, ElementSums)>(conn)?
        .into_iter()
        .collect())
}

/// The element sums per officer of the ratings naming `officer_ids` submitted in `[start, end)`,
/// in one aggregate grouped by officer. Officers without ratings are absent.
pub fn sums_per_officer(
    conn: &mut AnyConnection,
    officer_ids: &[EmployeeId],
    start: NaiveDateTime,
    end: NaiveDateTime,
) -> ApiResult<HashMap<EmployeeId, ElementSums>> {
    Ok(citizen_ratings::table
        .filter(citizen_ratings::officer_id.eq_any(officer_ids))
        .filter(citizen_ratings::submitted_at.ge(start))
        .filter(citizen_ratings::submitted_at.lt(end))
        .group_by(citizen_ratings::officer_id)
        .select((citizen_ratings::officer_id, element_sums!()))
        .load::<(Option<EmployeeId>, ElementSums)>(conn)?
        .into_iter()
        .filter_map(|(officer, sums)| officer.map(|o| (o, sums)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_begins_at_local_midnight() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let (start, end) = day_range(OrgTimeZone::AsiaJakarta, d(4, 1), d(6, 30));
        // 00:00 WIB on 1 April is 17:00 UTC on 31 March; the range ends at 00:00 WIB on 1 July.
        assert_eq!(start, d(3, 31).and_hms_opt(17, 0, 0).unwrap());
        assert_eq!(end, d(6, 30).and_hms_opt(17, 0, 0).unwrap());
        let (start, _) = day_range(OrgTimeZone::AsiaJayapura, d(4, 1), d(6, 30));
        assert_eq!(start, d(3, 31).and_hms_opt(15, 0, 0).unwrap());
    }
}
