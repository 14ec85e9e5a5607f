//! The assessment endpoints: start, read, edit, publish, list, and the supervisor's gap view.

use actix_web::{get, post, put, web, HttpResponse};

use super::store::{self, AssessmentRow};
use super::{
    Assessment, AssessmentComparison, AssessmentContent, AssessmentKind, AssessmentQuery, AssessmentStatus,
    NewAssessment,
};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, evaluation_visibility, Permission};
use crate::db::types::EmployeeId;
use crate::db::{new_id, now, AnyConnection};
use crate::domain::assessment::{assessment_open, gaps};
use crate::error::{problems, ApiError, ApiResult, FieldError};
use crate::extract::{IdempotencyKey, IfMatch, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageRequest};
use crate::periods::{self, PeriodStatus};
use crate::state::AppState;
use crate::versioned::{ok_with_etag, Edit};

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_assessments)
        .service(create_assessment)
        .service(get_assessment)
        .service(update_assessment)
        .service(publish_assessment)
        .service(compare_assessment);
}

/// Loads an assessment and checks `permission` for the caller.
pub(crate) fn load_checked(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    permission: for<'a> fn(&'a crate::authz::AssessmentRef) -> Permission<'a>,
) -> ApiResult<AssessmentRow> {
    let row = store::find(conn, id)?;
    let reference = store::reference(conn, &row)?;
    authorize(caller, permission(&reference))?;
    Ok(row)
}

/// An edit of a draft by its author; a published assessment is locked.
fn editable(conn: &mut AnyConnection, caller: &Caller, id: &str) -> ApiResult<AssessmentRow> {
    let row = load_checked(conn, caller, id, |assessment| Permission::EditAssessment { assessment })?;
    periods::writable(conn, &row.period_id)?;
    if row.is_published() {
        return Err(ApiError::conflict(
            "assessment_published",
            "A published assessment is locked; the employee may object to it instead",
        ));
    }
    Ok(row)
}

/// Assessments the caller may see, by id: their own drafts, and published ones of themselves,
/// their direct reports and their reports' reports (whose objections they hear); admins and
/// auditors see every published assessment of the organisation.
#[utoipa::path(
    tag = "assessments",
    params(AssessmentQuery),
    responses(
        (status = 200, description = "A page of assessments", body = Page<Assessment>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/assessments")]
pub async fn list_assessments(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<AssessmentQuery>,
) -> ApiResult<HttpResponse> {
    let visibility = evaluation_visibility(&caller)?;
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (after, fetch) = (page.after.clone(), page.fetch_limit());
    let items = state
        .db
        .read(move |conn| {
            let rows = store::list(conn, visibility, query, after, fetch)?;
            store::load(conn, rows)
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(items, |a| a.id.clone(), |a| a)))
}

/// Starts an empty draft: the caller's self-assessment, or (as their direct supervisor) the
/// assessment of a report. One of each kind per employee and sub-period, and per year.
#[utoipa::path(
    tag = "assessments",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewAssessment,
    responses(
        (status = 201, description = "Created", body = Assessment, headers(("ETag" = String, description = "Current version"))),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/assessments")]
pub async fn create_assessment(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewAssessment>,
) -> ApiResult<HttpResponse> {
    let me = caller.employee_id().ok_or_else(|| ApiError::forbidden("Only employees assess"))?.clone();
    let input = body.into_inner();
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let period = periods::find(conn, &input.period_id)?;
                authorize(
                    &caller,
                    Permission::ReadRecord { organization_id: &period.organization_id, record: "period" },
                )?;
                periods::writable(conn, &period.id)?;
                if let Some(sub) = &input.sub_period_id {
                    if periods::sub_period_in(conn, sub, &period.id)?.is_none() {
                        return Err(ApiError::field(
                            "sub_period_id",
                            "not_in_period",
                            "must be a sub-period of the period (see GET /periods/{id})",
                        ));
                    }
                }
                let employee = crate::employees::find(conn, input.employee_id.as_ref().unwrap_or(&me))?;
                authorize(&caller, Permission::StartAssessment { employee: &employee.reference() })?;
                let kind = if employee.id == me { AssessmentKind::SelfAssessment } else { AssessmentKind::Supervisor };
                let row = AssessmentRow {
                    id: new_id(),
                    organization_id: caller.organization_id.clone(),
                    period_id: period.id,
                    sub_period_id: input.sub_period_id.clone(),
                    employee_id: employee.id,
                    author_id: me.clone(),
                    kind,
                    status: AssessmentStatus::Draft,
                    results_rating: None,
                    behaviour_rating: None,
                    comment: String::new(),
                    reason: None,
                    coaching: None,
                    recognition: None,
                    published_at: None,
                    version: 1,
                    created_at: now(),
                    updated_at: now(),
                };
                if let Some(existing) = store::counterpart(conn, &row, kind)? {
                    set_aside_if_left_behind(conn, &caller, &existing, employee.supervisor_id.as_ref())?;
                }
                if store::counterpart(conn, &row, kind)?.is_some() {
                    return Err(ApiError::conflict(
                        "assessment_exists",
                        format!(
                            "There is already a {} assessment of this employee for this {}; edit it instead",
                            kind.as_str(),
                            if row.sub_period_id.is_some() { "sub-period" } else { "year" }
                        ),
                    ));
                }
                store::insert(conn, &row)?;
                let assessment = store::load_one(conn, row)?;
                audit::record(
                    conn,
                    &caller.actor(),
                    &caller.organization_id,
                    Change::new("assessment.create", "assessment", &assessment.id).after(&assessment),
                )?;
                Stored::new(actix_web::http::StatusCode::CREATED, &assessment)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// A supervisor's draft left by a supervisor who is no longer the employee's (mutasi) does not
/// block the new one: it is set aside (removed, its full content kept in the audit trail as
/// `assessment.set_aside`, with the new supervisor as actor). A draft of the current supervisor,
/// or anything published, stays.
fn set_aside_if_left_behind(
    conn: &mut AnyConnection,
    caller: &Caller,
    existing: &AssessmentRow,
    current_supervisor: Option<&EmployeeId>,
) -> ApiResult<()> {
    let left_behind = existing.kind == AssessmentKind::Supervisor
        && !existing.is_published()
        && current_supervisor != Some(&existing.author_id);
    if !left_behind {
        return Ok(());
    }
    let before = store::load_one(conn, existing.clone())?;
    store::delete_draft(conn, &existing.id)?;
    audit::record(
        conn,
        &caller.actor(),
        &existing.organization_id,
        Change::new("assessment.set_aside", "assessment", &existing.id).before(&before),
    )
}

/// One assessment. A draft is visible only to its author.
#[utoipa::path(
    tag = "assessments",
    params(("id" = String, Path, description = "Assessment id")),
    responses(
        (status = 200, description = "The assessment", body = Assessment, headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/assessments/{id}")]
pub async fn get_assessment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let assessment = state
        .db
        .read(move |conn| {
            let row = load_checked(conn, &caller, &id, |assessment| Permission::ReadAssessment { assessment })?;
            store::load_one(conn, row)
        })
        .await?;
    Ok(ok_with_etag(&assessment))
}

/// Replaces the content of a draft (its author).
#[utoipa::path(
    tag = "assessments",
    params(("id" = String, Path, description = "Assessment id"), ("If-Match" = String, Header, description = "The ETag read")),
    request_body = AssessmentContent,
    responses(
        (status = 200, description = "Updated", body = Assessment, headers(("ETag" = String, description = "The new version"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[put("/assessments/{id}")]
pub async fn update_assessment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<AssessmentContent>,
) -> ApiResult<HttpResponse> {
    let content = body.into_inner();
    let assessment = state
        .db
        .write(move |conn| {
            let row = editable(conn, &caller, &id)?;
            let (id, org) = (row.id.clone(), row.organization_id.clone());
            let before = store::load_one(conn, row)?;
            let change = Change::new("assessment.update", "assessment", &id);
            Edit { caller: &caller, organization_id: &org, change, before: &before, if_match: if_match.0 }.apply(
                conn,
                |conn, version| store::set_ratings(conn, &id, version, &content),
                |conn| {
                    store::write_content(conn, &id, &content)?;
                    store::reload(conn, &id)
                },
            )
        })
        .await?;
    Ok(ok_with_etag(&assessment))
}

/// What publishing needs: both ratings and all seven scores.
fn check_complete(assessment: &Assessment) -> ApiResult<()> {
    let mut errors = Vec::new();
    if assessment.results_rating.is_none() {
        errors.push(FieldError::new("results_rating", "required", "rate the results before publishing"));
    }
    if assessment.behaviour_rating.is_none() {
        errors.push(FieldError::new("behaviour_rating", "required", "rate the behaviour before publishing"));
    }
    if assessment.behaviour_scores.is_none() {
        errors.push(FieldError::new(
            "behaviour_scores",
            "required",
            "score each of the seven BerAKHLAK values before publishing",
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Publishes a draft (its author); it is then locked. A self-assessment becomes visible to the
/// supervisor; the supervisor's assessment to the employee, and the objection window opens. A
/// sub-period can be published from its last day on (in the organisation's time zone), the year
/// from its last day or once the period is evaluating.
#[utoipa::path(
    tag = "assessments",
    params(("id" = String, Path, description = "Assessment id"), ("If-Match" = String, Header, description = "The ETag read")),
    responses(
        (status = 200, description = "Published", body = Assessment, headers(("ETag" = String, description = "The new version"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[post("/assessments/{id}/publish")]
pub async fn publish_assessment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let clock = state.clock;
    let assessment = state
        .db
        .write(move |conn| {
            let row = editable(conn, &caller, &id)?;
            let before = store::load_one(conn, row.clone())?;
            check_complete(&before)?;
            let period = periods::find(conn, &row.period_id)?;
            let last_day = match &row.sub_period_id {
                Some(sub) => {
                    periods::sub_period_in(conn, sub, &row.period_id)?.ok_or(ApiError::NotFound("sub-period"))?.ends_on
                }
                None => period.ends_on,
            };
            let today = crate::organizations::date_at(conn, &row.organization_id, clock.now())?;
            if !assessment_open(today, last_day, period.status == PeriodStatus::Evaluating) {
                return Err(ApiError::conflict(
                    "assessment_not_open",
                    format!(
                        "This can be published from {last_day} on, its last day (or once the period is evaluating)"
                    ),
                ));
            }
            let change = Change::new("assessment.publish", "assessment", &row.id);
            Edit {
                caller: &caller,
                organization_id: &row.organization_id,
                change,
                before: &before,
                if_match: if_match.0,
            }
            .apply(
                conn,
                |conn, version| store::publish(conn, &row.id, version, clock.timestamp()),
                |conn| store::reload(conn, &row.id),
            )
        })
        .await?;
    Ok(ok_with_etag(&assessment))
}

/// The supervisor's view: their assessment beside the employee's published self-assessment of the
/// same sub-period (or year), and the gap per criterion (supervisor minus self).
#[utoipa::path(
    tag = "assessments",
    params(("id" = String, Path, description = "The supervisor's assessment")),
    responses(
        (status = 200, description = "Both assessments and the gaps", body = AssessmentComparison),
        (status = 409, response = crate::error::responses::Conflict),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/assessments/{id}/comparison")]
pub async fn compare_assessment(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let comparison = state
        .db
        .read(move |conn| {
            let row = load_checked(conn, &caller, &id, |assessment| Permission::ReadAssessment { assessment })?;
            if row.kind != AssessmentKind::Supervisor {
                return Err(ApiError::conflict(
                    "not_a_supervisor_assessment",
                    "The comparison starts from the supervisor's assessment; this is a self-assessment",
                ));
            }
            let own = match store::counterpart(conn, &row, AssessmentKind::SelfAssessment)? {
                Some(own) => {
                    let visible =
                        authorize(&caller, Permission::ReadAssessment { assessment: &store::reference(conn, &own)? });
                    if visible.is_ok() {
                        Some(store::load_one(conn, own)?)
                    } else {
                        None
                    }
                }
                None => None,
            };
            let supervisor = store::load_one(conn, row)?;
            let gaps = gaps(&store::criteria(&supervisor), &own.as_ref().map(store::criteria).unwrap_or_default());
            Ok(AssessmentComparison { supervisor, self_assessment: own, gaps })
        })
        .await?;
    Ok(HttpResponse::Ok().json(comparison))
}
