//! The template endpoints: the library, staff proposals and their decisions, the yearly
//! assignment as pre-filled draft SKPs, flags on indicators hard to measure, and the flag report.

use std::collections::BTreeMap;

use actix_web::{get, http::header, post, web, HttpResponse};
use serde::Deserialize;
use utoipa::IntoParams;
use validator::Validate;

use super::store::{self, ProposalRow, TemplateRow, VersionRow};
use super::{
    AssignTemplates, AssignedSkp, Assignment, ExistingSkp, FlagReport, FlaggedIndicator, FlaggedTemplate,
    IndicatorFlag, NewFlag, NewProposal, NewTemplate, Proposal, ProposalDecision, ProposalOutcome, ProposalStatus,
    Template, TemplateContent,
};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, Permission};
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::capaian::validate_unit;
use crate::domain::template::prefilled_weights;
use crate::error::{problems, ApiError, ApiResult, FieldError};
use crate::extract::{etag, IdempotencyKey, IfMatch, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageRequest};
use crate::periods;
use crate::skp::{self, SkpContent, SkpRow, SkpStatus, TargetInput};
use crate::state::AppState;
use crate::versioned::Edit;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_templates)
        .service(create_template)
        .service(get_template)
        .service(list_proposals)
        .service(propose)
        .service(decide_proposal)
        .service(assign_templates)
        .service(flag_indicator)
        .service(flag_report);
}

/// What `validator` cannot check in a template: units per aspect, aspects once per indicator,
/// positive targets, and links to an existing target of another template of the organisation.
fn check_content(
    conn: &mut AnyConnection,
    organization_id: &OrganizationId,
    content: &TemplateContent,
) -> ApiResult<()> {
    let mut errors = Vec::new();
    for (t, target) in content.targets.iter().enumerate() {
        for (i, indicator) in target.indicators.iter().enumerate() {
            let mut seen = Vec::new();
            for (a, aspect) in indicator.aspects.iter().enumerate() {
                let field = |name: &str| format!("content.targets[{t}].indicators[{i}].aspects[{a}].{name}");
                if seen.contains(&aspect.aspect) {
                    errors.push(FieldError::new(
                        field("aspect"),
                        "duplicate",
                        "each aspect at most once per indicator",
                    ));
                }
                seen.push(aspect.aspect);
                if !(aspect.target.is_finite() && aspect.target > 0.0) {
                    errors.push(FieldError::new(field("target"), "range", "the target value must be positive"));
                }
                if let Err(message) = validate_unit(aspect.aspect, &aspect.unit) {
                    errors.push(FieldError::new(field("unit"), "unit_mismatch", message));
                }
            }
        }
        if let Some(link) = &target.supports {
            let exists = match store::find(conn, &link.template_id) {
                Ok(other) if other.organization_id == *organization_id => {
                    store::parse_content(&other.content)?.targets.len() > link.target as usize
                }
                Ok(_) | Err(ApiError::NotFound(_)) => false,
                Err(e) => return Err(e),
            };
            if !exists {
                errors.push(FieldError::new(
                    format!("content.targets[{t}].supports"),
                    "unknown_template_target",
                    "must name a target of another template of the organisation",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// A unit id of the caller's organisation, or 404.
fn check_unit(conn: &mut AnyConnection, caller: &Caller, unit_id: &UnitId) -> ApiResult<UnitId> {
    let unit = crate::units::find(conn, unit_id)?;
    authorize(caller, Permission::ReadRecord { organization_id: &unit.organization_id, record: "unit" })?;
    Ok(unit.id)
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TemplateQuery {
    /// Only the templates of this position.
    #[validate(length(max = 200))]
    #[param(max_length = 200)]
    pub position: Option<String>,
    #[validate(length(max = 64))]
    #[param(value_type = Option<String>, max_length = 64)]
    pub unit_id: Option<UnitId>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The organisation's template library (every employee reads it), by id.
#[utoipa::path(
    tag = "templates",
    params(TemplateQuery),
    responses((status = 200, description = "A page of templates", body = Page<Template>), problems::Read),
    security(("bearer" = []))
)]
#[get("/templates")]
pub async fn list_templates(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<TemplateQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ProposeTemplate { organization_id: &caller.organization_id })?;
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (after, fetch, org) = (page.after.clone(), page.fetch_limit(), caller.organization_id.clone());
    let rows = state
        .db
        .read(move |conn| {
            let rows = store::list(conn, &org, query.position, query.unit_id, after, fetch)?;
            rows.into_iter().map(TemplateRow::view).collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |t| t.id.clone(), |t| t)))
}

/// Inserts a template (version 1) with its first version row.
fn insert_template(
    conn: &mut AnyConnection,
    caller: &Caller,
    unit_id: Option<UnitId>,
    position: &str,
    name: &str,
    content: &TemplateContent,
    proposal_id: Option<&str>,
) -> ApiResult<Template> {
    let text = store::content_json(content)?;
    let row = TemplateRow {
        id: new_id(),
        organization_id: caller.organization_id.clone(),
        unit_id,
        position: position.trim().to_string(),
        name: name.trim().to_string(),
        current_version: 1,
        content: text.clone(),
        created_by: caller.acting_employee()?.clone(),
        created_at: now(),
        updated_at: now(),
    };
    let version = VersionRow {
        template_id: row.id.clone(),
        version: 1,
        content: text,
        proposal_id: proposal_id.map(str::to_string),
        created_by: caller.acting_employee()?.clone(),
        created_at: now(),
    };
    store::insert(conn, &row, &version)?;
    let template = row.view()?;
    audit::record(
        conn,
        &caller.actor(),
        &template.organization_id,
        Change::new("template.create", "template", &template.id).after(&template),
    )?;
    Ok(template)
}

/// Makes a template for a position: admins (for a unit or the whole organisation) and the head of
/// a unit (for their unit).
#[utoipa::path(
    tag = "templates",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewTemplate,
    responses((status = 201, description = "Created", body = Template), problems::Create),
    security(("bearer" = []))
)]
#[post("/templates")]
pub async fn create_template(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewTemplate>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let unit = input.unit_id.as_ref().map(|u| check_unit(conn, &caller, u)).transpose()?;
                let headed = store::headed_unit(conn, caller.employee_id())?;
                authorize(
                    &caller,
                    Permission::KeepTemplates {
                        organization_id: &caller.organization_id,
                        unit_id: unit.as_ref(),
                        headed_unit: headed.as_ref(),
                    },
                )?;
                check_content(conn, &caller.organization_id, &input.content)?;
                let template =
                    insert_template(conn, &caller, unit, &input.position, &input.name, &input.content, None)?;
                Stored::new(actix_web::http::StatusCode::CREATED, &template)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// One template with its current version.
#[utoipa::path(
    tag = "templates",
    params(("id" = String, Path, description = "Template id")),
    responses((status = 200, description = "The template", body = Template), problems::Read),
    security(("bearer" = []))
)]
#[get("/templates/{id}")]
pub async fn get_template(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let template = state
        .db
        .read(move |conn| {
            let row = store::find(conn, &id)?;
            authorize(&caller, Permission::ProposeTemplate { organization_id: &row.organization_id })?;
            row.view()
        })
        .await?;
    Ok(HttpResponse::Ok().json(template))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProposalQuery {
    pub status: Option<ProposalStatus>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Staff proposals and their decisions, by id: open to every employee of the organisation.
#[utoipa::path(
    tag = "templates",
    params(ProposalQuery),
    responses((status = 200, description = "A page of proposals", body = Page<Proposal>), problems::Read),
    security(("bearer" = []))
)]
#[get("/template-proposals")]
pub async fn list_proposals(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<ProposalQuery>,
) -> ApiResult<HttpResponse> {
    authorize(&caller, Permission::ProposeTemplate { organization_id: &caller.organization_id })?;
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let (after, fetch, org) = (page.after.clone(), page.fetch_limit(), caller.organization_id.clone());
    let rows = state
        .db
        .read(move |conn| {
            let rows = store::list_proposals(conn, &org, query.status, after, fetch)?;
            rows.into_iter().map(ProposalRow::view).collect::<ApiResult<Vec<_>>>()
        })
        .await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |p| p.id.clone(), |p| p)))
}

/// An employee proposes a new template for a position (with `position` and `name`; the unit
/// defaults to their own) or a change to a template (`template_id`), with a reason.
#[utoipa::path(
    tag = "templates",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewProposal,
    responses((status = 201, description = "Proposed", body = Proposal, headers(("ETag" = String, description = "Current version"))), problems::Create),
    security(("bearer" = []))
)]
#[post("/template-proposals")]
pub async fn propose(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewProposal>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                authorize(&caller, Permission::ProposeTemplate { organization_id: &caller.organization_id })?;
                let me = caller.employee_id().ok_or_else(|| ApiError::forbidden("Only employees propose"))?.clone();
                let (template_id, unit_id, position, name) = match &input.template_id {
                    Some(id) => {
                        let template = store::find(conn, id)?;
                        if template.organization_id != caller.organization_id {
                            return Err(ApiError::NotFound("template"));
                        }
                        if input.position.is_some() || input.unit_id.is_some() {
                            return Err(ApiError::field(
                                "position",
                                "not_allowed",
                                "a change keeps the template's position and unit",
                            ));
                        }
                        let name = input.name.clone().unwrap_or(template.name);
                        (Some(template.id), template.unit_id, template.position, name)
                    }
                    None => {
                        let mut errors = Vec::new();
                        for (field, given) in [("position", &input.position), ("name", &input.name)] {
                            if given.is_none() {
                                errors.push(FieldError::new(field, "required", "a new template needs it"));
                            }
                        }
                        if !errors.is_empty() {
                            return Err(ApiError::Validation(errors));
                        }
                        let unit = match &input.unit_id {
                            Some(u) => check_unit(conn, &caller, u)?,
                            None => crate::employees::find(conn, &me)?.unit_id,
                        };
                        (
                            None,
                            Some(unit),
                            input.position.clone().unwrap_or_default(),
                            input.name.clone().unwrap_or_default(),
                        )
                    }
                };
                check_content(conn, &caller.organization_id, &input.content)?;
                let row = ProposalRow {
                    id: new_id(),
                    organization_id: caller.organization_id.clone(),
                    template_id,
                    unit_id,
                    position: position.trim().to_string(),
                    name: name.trim().to_string(),
                    content: store::content_json(&input.content)?,
                    reason: input.reason.clone(),
                    proposed_by: me,
                    status: ProposalStatus::Pending,
                    decision_reason: None,
                    decided_by: None,
                    decided_at: None,
                    resulting_template_id: None,
                    resulting_version: None,
                    version: 1,
                    created_at: now(),
                    updated_at: now(),
                };
                store::insert_proposal(conn, &row)?;
                let proposal = row.view()?;
                audit::record(
                    conn,
                    &caller.actor(),
                    &proposal.organization_id,
                    Change::new("template_proposal.create", "template_proposal", &proposal.id).after(&proposal),
                )?;
                Stored::new(actix_web::http::StatusCode::CREATED, &proposal)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// The unit head (of the template's unit) or an admin accepts a proposal, making a new template
/// or the template's next version, or declines it; with a reason. Nobody decides their own.
#[utoipa::path(
    tag = "templates",
    params(("id" = String, Path, description = "Proposal id"), ("If-Match" = String, Header, description = "The ETag read")),
    request_body = ProposalDecision,
    responses((status = 200, description = "Decided", body = Proposal, headers(("ETag" = String, description = "The new version"))), problems::Update),
    security(("bearer" = []))
)]
#[post("/template-proposals/{id}/decision")]
pub async fn decide_proposal(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<ProposalDecision>,
) -> ApiResult<HttpResponse> {
    let decision = body.into_inner();
    let proposal = state
        .db
        .write(move |conn| {
            let row = store::find_proposal(conn, &id)?;
            let unit = row.unit_id.clone();
            let headed = store::headed_unit(conn, caller.employee_id())?;
            authorize(
                &caller,
                Permission::DecideTemplateProposal {
                    organization_id: &row.organization_id,
                    unit_id: unit.as_ref(),
                    headed_unit: headed.as_ref(),
                    proposed_by: &row.proposed_by,
                },
            )?;
            if row.status != ProposalStatus::Pending {
                return Err(ApiError::conflict("proposal_decided", "This proposal is decided already"));
            }
            // A stale If-Match is refused by the UPDATE below; what was made before it rolls back.
            let before = row.clone().view()?;
            let (status, resulting) = match decision.outcome {
                ProposalOutcome::Declined => (ProposalStatus::Declined, None),
                ProposalOutcome::Accepted => {
                    let content = before.content.clone();
                    // A link may have gone stale since the proposal was made.
                    check_content(conn, &row.organization_id, &content)?;
                    match &row.template_id {
                        None => {
                            let template = insert_template(
                                conn,
                                &caller,
                                row.unit_id.clone(),
                                &row.position,
                                &row.name,
                                &content,
                                Some(&row.id),
                            )?;
                            (ProposalStatus::Accepted, Some((template.id, 1)))
                        }
                        Some(template_id) => {
                            let template = store::find(conn, template_id)?;
                            let old = template.clone().view()?;
                            let next = template.current_version + 1;
                            let version = VersionRow {
                                template_id: template_id.clone(),
                                version: next,
                                content: store::content_json(&content)?,
                                proposal_id: Some(row.id.clone()),
                                created_by: caller.acting_employee()?.clone(),
                                created_at: now(),
                            };
                            store::add_version(conn, &version, &row.name)?;
                            let new = store::find(conn, template_id)?.view()?;
                            audit::record(
                                conn,
                                &caller.actor(),
                                &row.organization_id,
                                Change::new("template.new_version", "template", template_id).before(&old).after(&new),
                            )?;
                            (ProposalStatus::Accepted, Some((template_id.clone(), next)))
                        }
                    }
                }
            };
            let id = row.id.clone();
            let decided_by = caller.acting_employee()?.clone();
            let edit = Edit {
                caller: &caller,
                organization_id: &row.organization_id,
                change: Change::new("template_proposal.decide", "template_proposal", &row.id),
                before: &before,
                if_match: if_match.0,
            };
            let after = edit.apply(
                conn,
                |conn, versions| {
                    store::decide_proposal(conn, &id, versions, status, &decision.reason, &decided_by, resulting)
                },
                |conn| store::find_proposal(conn, &id)?.view(),
            )?;
            Ok(after)
        })
        .await?;
    Ok(HttpResponse::Ok().insert_header((header::ETAG, etag(proposal.version))).json(proposal))
}

/// The lineage of the supervisor's target made from `link` in the period, if their latest SKP
/// still has it.
fn supervisor_target(
    conn: &mut AnyConnection,
    supervisor: &EmployeeId,
    period_id: &str,
    link: &super::TemplateLink,
) -> ApiResult<Option<String>> {
    let lineage = store::lineage_made_from(conn, supervisor, period_id, &link.template_id, link.target as i32)?;
    let Some(lineage) = lineage else { return Ok(None) };
    let Some(skp) = skp::latest(conn, supervisor, period_id)? else { return Ok(None) };
    let targets = skp::target_rows(conn, &[skp.id])?;
    Ok(targets.into_iter().any(|t| t.lineage_id == lineage).then_some(lineage))
}

/// Assigns a position's templates to its employees for a period (at the start of a year): each
/// active employee of the position without an SKP for the period gets a draft SKP pre-filled from
/// the templates of their unit and the organisation-wide ones; the cascade link is proposed where
/// the supervisor's SKP has the target the template supports. Running it again creates nothing
/// new: employees who have an SKP are listed, never overwritten. Admins (the whole organisation
/// or one unit) and unit heads (their unit).
#[utoipa::path(
    tag = "templates",
    request_body = AssignTemplates,
    responses((status = 200, description = "What was made and what was left", body = Assignment), problems::Create),
    security(("bearer" = []))
)]
#[post("/template-assignments")]
pub async fn assign_templates(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<AssignTemplates>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let assignment = state
        .db
        .write(move |conn| {
            let unit = input.unit_id.as_ref().map(|u| check_unit(conn, &caller, u)).transpose()?;
            let headed = store::headed_unit(conn, caller.employee_id())?;
            authorize(
                &caller,
                Permission::KeepTemplates {
                    organization_id: &caller.organization_id,
                    unit_id: unit.as_ref(),
                    headed_unit: headed.as_ref(),
                },
            )?;
            let period = periods::find(conn, &input.period_id)?;
            authorize(&caller, Permission::ReadRecord { organization_id: &period.organization_id, record: "period" })?;
            periods::writable(conn, &period.id)?;
            let position = input.position.trim().to_string();
            let templates = store::of_position(conn, &caller.organization_id, &position)?;
            let people = store::active_of_position(conn, &caller.organization_id, &position, unit.as_ref())?;
            let mut out = Assignment {
                period_id: period.id.clone(),
                position: position.clone(),
                created: vec![],
                existing: vec![],
                without_template: vec![],
            };
            for person in people {
                if let Some(skp) = skp::latest(conn, &person.id, &period.id)? {
                    out.existing.push(ExistingSkp {
                        employee_id: person.id.clone(),
                        employee_name: person.name.clone(),
                        skp_id: skp.id,
                        status: skp.status,
                    });
                    continue;
                }
                let mine: Vec<&TemplateRow> =
                    templates.iter().filter(|t| t.unit_id.as_ref().is_none_or(|u| *u == person.unit_id)).collect();
                if mine.is_empty() {
                    out.without_template.push(person.id.clone());
                    continue;
                }
                // (template id, version, target index, target)
                let mut sources = Vec::new();
                for template in &mine {
                    for (index, target) in store::parse_content(&template.content)?.targets.into_iter().enumerate() {
                        sources.push((template.id.clone(), template.current_version, index, target));
                    }
                }
                let weights = prefilled_weights(&sources.iter().map(|s| s.3.weight).collect::<Vec<_>>());
                let mut targets = Vec::new();
                for ((_, _, _, target), weight) in sources.iter().zip(weights) {
                    let supports = match (&target.supports, &person.supervisor_id) {
                        (Some(link), Some(supervisor)) => supervisor_target(conn, supervisor, &period.id, link)?,
                        _ => None,
                    };
                    targets.push(TargetInput {
                        id: None,
                        description: target.description.clone(),
                        kind: target.kind,
                        perspective: target.perspective,
                        weight,
                        supports_target_id: supports,
                        indicators: target.indicators.clone(),
                    });
                }
                let content = SkpContent { annex: Default::default(), targets };
                let supports = skp::check_content(conn, &person, &period.id, &content)?;
                let row = SkpRow {
                    id: new_id(),
                    organization_id: caller.organization_id.clone(),
                    period_id: period.id.clone(),
                    employee_id: person.id.clone(),
                    revision: 1,
                    status: SkpStatus::Draft,
                    resources: String::new(),
                    accountability: String::new(),
                    consequences: String::new(),
                    approver_id: None,
                    return_comment: None,
                    submitted_at: None,
                    decided_at: None,
                    version: 1,
                    created_at: now(),
                    updated_at: now(),
                };
                skp::insert(conn, &row)?;
                skp::replace_targets(conn, &row.id, &content, &supports)?;
                let made = skp::target_rows(conn, std::slice::from_ref(&row.id))?;
                for (target, (template_id, version, index, _)) in made.iter().zip(&sources) {
                    let used = store::TemplateUse {
                        target_lineage_id: &target.lineage_id,
                        organization_id: &caller.organization_id,
                        period_id: &period.id,
                        employee_id: &person.id,
                        template_id,
                        template_version: *version,
                        target_index: *index as i32,
                    };
                    store::record_use(conn, used)?;
                }
                let skp = skp::load(conn, row)?;
                audit::record(
                    conn,
                    &caller.actor(),
                    &caller.organization_id,
                    Change::new("skp.create_from_template", "skp", &skp.id).after(&skp),
                )?;
                out.created.push(AssignedSkp {
                    employee_id: person.id.clone(),
                    employee_name: person.name.clone(),
                    skp_id: skp.id.clone(),
                    templates: mine.iter().map(|t| t.id.clone()).collect(),
                    targets: skp.targets.len(),
                    linked_to_supervisor: skp.targets.iter().filter(|t| t.supports_target_id.is_some()).count(),
                });
            }
            if !out.created.is_empty() {
                audit::record(
                    conn,
                    &caller.actor(),
                    &caller.organization_id,
                    Change::new("template.assign", "period", &period.id).after(&out),
                )?;
            }
            Ok(out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(assignment))
}

/// The SKP's owner or their direct supervisor flags an indicator as hard to measure, with a note
/// (at assessment time); the flag report counts it against the template it came from. Once per
/// person and indicator.
#[utoipa::path(
    tag = "templates",
    request_body = NewFlag,
    responses((status = 201, description = "Flagged", body = IndicatorFlag), problems::Create),
    security(("bearer" = []))
)]
#[post("/indicator-flags")]
pub async fn flag_indicator(
    state: web::Data<AppState>,
    caller: Caller,
    body: ValidatedJson<NewFlag>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    let flag = state
        .db
        .write(move |conn| {
            let found = store::indicator(conn, &input.indicator_id)?;
            let (description, index, lineage, skp_id) = found.ok_or(ApiError::NotFound("indicator"))?;
            let skp = skp::find(conn, &skp_id)?;
            let owner = crate::employees::find(conn, &skp.employee_id)?;
            authorize(&caller, Permission::FlagIndicator { owner: &owner.reference() })?;
            periods::writable(conn, &skp.period_id)?;
            let me = caller.employee_id().ok_or_else(|| ApiError::forbidden("Only employees flag"))?;
            if store::flagged_by(conn, &input.indicator_id, me)? {
                return Err(ApiError::conflict("already_flagged", "You have flagged this indicator already"));
            }
            let template_id = store::template_of_lineage(conn, &lineage)?;
            let flag = IndicatorFlag {
                id: new_id(),
                period_id: skp.period_id.clone(),
                employee_id: skp.employee_id.clone(),
                skp_id: skp.id.clone(),
                indicator_id: input.indicator_id.clone(),
                indicator_description: description,
                template_id,
                note: input.note.clone(),
                flagged_by: me.clone(),
                created_at: now().and_utc(),
            };
            store::insert_flag(conn, &skp.organization_id, &flag, &lineage, index)?;
            audit::record(
                conn,
                &caller.actor(),
                &skp.organization_id,
                Change::new("indicator.flag", "indicator_flag", &flag.id).after(&flag),
            )?;
            Ok(flag)
        })
        .await?;
    Ok(HttpResponse::Created().json(flag))
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FlagReportQuery {
    #[validate(length(min = 1, max = 64))]
    #[param(min_length = 1, max_length = 64)]
    pub period_id: String,
}

/// Templates by how often their indicators were flagged as hard to measure in a period, most
/// first, with each indicator's notes: what to revise for the next cycle. Admins and auditors see
/// every template; a unit head those of their unit.
#[utoipa::path(
    tag = "templates",
    params(FlagReportQuery),
    responses((status = 200, description = "The report", body = FlagReport), problems::Read),
    security(("bearer" = []))
)]
#[get("/template-flags")]
pub async fn flag_report(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<FlagReportQuery>,
) -> ApiResult<HttpResponse> {
    let period_id = query.0.period_id;
    let report = state
        .db
        .read(move |conn| {
            let period = periods::find(conn, &period_id)?;
            authorize(&caller, Permission::ReadRecord { organization_id: &period.organization_id, record: "period" })?;
            let headed = store::headed_unit(conn, caller.employee_id())?;
            authorize(
                &caller,
                Permission::ReadTemplateFlags {
                    organization_id: &period.organization_id,
                    headed_unit: headed.as_ref(),
                },
            )?;
            let everything = authorize(
                &caller,
                Permission::ReadTemplateFlags { organization_id: &period.organization_id, headed_unit: None },
            )
            .is_ok();
            let flags = store::flags_of_period(conn, &period.id)?;
            let template_ids: Vec<String> = flags.iter().filter_map(|f| f.0.clone()).collect();
            let templates = store::with_ids(conn, &template_ids)?;
            let lineages: Vec<String> = flags.iter().map(|f| f.1.clone()).collect();
            let target_of = store::target_indexes(conn, &lineages)?;
            let mut report = FlagReport { period_id: period.id.clone(), templates: vec![], flags_without_template: 0 };
            let mut by_template: BTreeMap<String, BTreeMap<(i32, i32), FlaggedIndicator>> = BTreeMap::new();
            for (template_id, lineage, indicator, description, note) in flags {
                let Some(template_id) = template_id else {
                    report.flags_without_template += usize::from(everything);
                    continue;
                };
                let target = target_of.get(&lineage).copied().unwrap_or(-1);
                let entry = by_template
                    .entry(template_id)
                    .or_default()
                    .entry((target, indicator))
                    .or_insert(FlaggedIndicator { description, flags: 0, notes: vec![] });
                entry.flags += 1;
                entry.notes.push(note);
            }
            for template in templates {
                let visible =
                    everything || (template.unit_id.is_some() && template.unit_id.as_ref() == headed.as_ref());
                if !visible {
                    continue;
                }
                let indicators: Vec<FlaggedIndicator> =
                    by_template.remove(&template.id).map(|m| m.into_values().collect()).unwrap_or_default();
                report.templates.push(FlaggedTemplate {
                    flags: indicators.iter().map(|i| i.flags).sum(),
                    template_id: template.id,
                    name: template.name,
                    position: template.position,
                    unit_id: template.unit_id,
                    indicators,
                });
            }
            report.templates.sort_by(|a, b| b.flags.cmp(&a.flags).then(a.template_id.cmp(&b.template_id)));
            Ok(report)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
