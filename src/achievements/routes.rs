//! The achievement endpoints: record, read, list, correct, resubmit, verify or reject; evidence
//! links and files (upload, download, remove).

use actix_web::http::{header, StatusCode};
use actix_web::{delete, get, post, put, web, HttpRequest, HttpResponse};
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::store::{self, AchievementRow, EvidenceRow};
use super::{
    Achievement, AchievementQuery, AchievementStatus, AchievementUpdate, EvidenceFileType, EvidenceKind, FileBytes,
    NewAchievement, NewLink, Rejection, UploadQuery,
};
use crate::audit::{self, Change};
use crate::auth::caller::Caller;
use crate::authz::{authorize, performance_visibility, EmployeeRef, Permission};
use crate::db::{new_id, now, AnyConnection};
use crate::domain::achievement::{check_link, clean_file_name, AchievementAction};
use crate::employees::{self as staff, EmployeeRow};
use crate::error::{problems, ApiError, ApiResult};
use crate::extract::{read_body, IdempotencyKey, IfMatch, ValidatedJson, ValidatedQuery};
use crate::idempotency::{self, Stored};
use crate::pagination::{Page, PageRequest};
use crate::periods::{self, SubPeriodRow};
use crate::state::AppState;
use crate::versioned::{ok_with_etag, Edit};

/// The most evidence one achievement carries: enough for any report, bounded for storage.
const MAX_EVIDENCE_PER_ACHIEVEMENT: usize = 20;

pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_achievements)
        .service(create_achievement)
        .service(get_achievement)
        .service(update_achievement)
        .service(resubmit_achievement)
        .service(verify_achievement)
        .service(reject_achievement)
        .service(add_link)
        .service(upload_file)
        .service(download_file)
        .service(remove_evidence);
}

/// Loads an achievement and its owner, and checks `permission` for the caller.
fn load_checked(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    permission: for<'a> fn(&'a EmployeeRef) -> Permission<'a>,
) -> ApiResult<(AchievementRow, EmployeeRow)> {
    let row = store::find(conn, id)?;
    let owner = staff::find(conn, &row.employee_id)?;
    authorize(caller, permission(&owner.reference()))?;
    Ok((row, owner))
}

/// What the employee may change: refuses a locked achievement or a closed period.
fn check_correctable(conn: &mut AnyConnection, row: &AchievementRow) -> ApiResult<()> {
    periods::writable(conn, &row.period_id)?;
    row.status
        .after(AchievementAction::Correct)
        .map_err(|why| ApiError::conflict("achievement_locked", format!("{why}; it can no longer be changed")))?;
    Ok(())
}

/// Records a change made under `If-Match` (or, for evidence, on whatever version is current)
/// and returns the achievement as it is now.
/// Changes an achievement in the one shape of a versioned write ([`Edit`]): its version moves on
/// from `if_match` (412 if it has already), then `write` changes what the action changes.
fn edit(
    conn: &mut AnyConnection,
    caller: &Caller,
    action: &'static str,
    row: &AchievementRow,
    if_match: i32,
    write: impl FnOnce(&mut AnyConnection) -> ApiResult<()>,
) -> ApiResult<Achievement> {
    let before = store::load(conn, row.clone())?;
    let change = Change::new(action, "achievement", &row.id);
    Edit { caller, organization_id: &before.organization_id, change, before: &before, if_match }.apply(
        conn,
        |conn, version| store::bump_version(conn, &row.id, version),
        |conn| {
            write(conn)?;
            let row = store::find(conn, &row.id)?;
            store::load(conn, row)
        },
    )
}

fn check_realised(realised: f64) -> ApiResult<()> {
    if !realised.is_finite() || realised < 0.0 {
        return Err(ApiError::field("realised", "range", "the realised value must be 0 or more"));
    }
    Ok(())
}

fn insert_link(conn: &mut AnyConnection, caller: &Caller, achievement_id: &str, link: &NewLink) -> ApiResult<()> {
    let url = link.url.trim();
    check_link(url).map_err(|why| ApiError::field("url", "invalid_url", why))?;
    let row = EvidenceRow {
        id: new_id(),
        achievement_id: achievement_id.to_string(),
        kind: EvidenceKind::Link,
        title: link.title.trim().to_string(),
        url: Some(url.to_string()),
        file_name: None,
        content_type: None,
        size_bytes: None,
        sha256: None,
        created_by: caller.acting_employee()?.clone(),
        created_at: now(),
    };
    store::insert_evidence(conn, &row)
}

fn check_room_for_evidence(conn: &mut AnyConnection, achievement_id: &str) -> ApiResult<()> {
    let count = store::evidence_count(conn, achievement_id)?;
    if count as usize >= MAX_EVIDENCE_PER_ACHIEVEMENT {
        return Err(ApiError::conflict(
            "evidence_limit",
            format!(
                "An achievement carries at most {MAX_EVIDENCE_PER_ACHIEVEMENT} pieces of evidence; remove one first"
            ),
        ));
    }
    Ok(())
}

/// Achievements the caller may see: all of the organisation for admins and auditors, else one's
/// own and one's direct reports'. Sorted by id (creation order).
#[utoipa::path(
    tag = "achievements",
    params(AchievementQuery),
    responses(
        (status = 200, description = "A page of achievements", body = Page<Achievement>),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/achievements")]
pub async fn list_achievements(
    state: web::Data<AppState>,
    caller: Caller,
    query: ValidatedQuery<AchievementQuery>,
) -> ApiResult<HttpResponse> {
    let visibility = performance_visibility(&caller)?;
    let query = query.0;
    let page = PageRequest::new(query.limit, query.cursor.as_deref())?;
    let result = state.db.read(move |conn| store::list(conn, visibility, query, &page)).await?;
    Ok(HttpResponse::Ok().json(result))
}

/// Records the realised value of one aspect of the caller's approved SKP for one sub-period
/// that has begun, with links to evidence; it goes to the supervisor for verification at once.
/// One achievement per aspect and sub-period: correct it with `PUT` instead of recording again.
#[utoipa::path(
    tag = "achievements",
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewAchievement,
    responses(
        (status = 201, description = "Recorded, waiting for verification", body = Achievement,
            headers(("ETag" = String, description = "Current version"))),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/achievements")]
pub async fn create_achievement(
    state: web::Data<AppState>,
    caller: Caller,
    key: IdempotencyKey,
    body: ValidatedJson<NewAchievement>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    check_realised(input.realised)?;
    let clock = state.clock;
    let stored = state
        .db
        .write(move |conn| {
            idempotency::once(conn, &caller, &key, &input, |conn| {
                let planned = store::planned_aspect(conn, &input.indicator_id, input.aspect)?;
                let owner = staff::find(conn, &planned.skp.employee_id)?;
                authorize(&caller, Permission::RecordAchievement { owner: &owner.reference() }).map_err(|e| {
                    if matches!(e, ApiError::NotFound(_)) {
                        ApiError::NotFound("indicator aspect")
                    } else {
                        e
                    }
                })?;
                let period = periods::writable(conn, &planned.skp.period_id)?;
                let approved = crate::skp::approved_of(conn, std::slice::from_ref(&owner.id), &period.id)?;
                if approved.first().map(|s| &s.id) != Some(&planned.skp.id) {
                    return Err(ApiError::conflict(
                        "skp_not_approved",
                        "Achievements are recorded against the approved revision of your SKP; this aspect belongs to \
                         a revision that is not (or no longer) the approved one",
                    ));
                }
                let sub_period = sub_period_of(conn, &input.sub_period_id, &period.id)?;
                if sub_period.starts_on > crate::organizations::date_at(conn, &period.organization_id, clock.now())? {
                    return Err(ApiError::field(
                        "sub_period_id",
                        "not_started",
                        format!("{} has not begun; record what was realised once it has", sub_period.label),
                    ));
                }
                if store::find_for(conn, &planned.aspect_id, &sub_period.id)?.is_some() {
                    return Err(ApiError::conflict(
                        "achievement_exists",
                        format!(
                            "An achievement for this aspect in {} is already recorded; correct it instead",
                            sub_period.label
                        ),
                    ));
                }
                let at = clock.timestamp();
                let row = AchievementRow {
                    id: new_id(),
                    organization_id: owner.organization_id.clone(),
                    period_id: period.id.clone(),
                    sub_period_id: sub_period.id,
                    employee_id: owner.id.clone(),
                    skp_id: planned.skp.id,
                    target_lineage_id: planned.target_lineage_id,
                    indicator_id: planned.indicator_id,
                    aspect_id: planned.aspect_id,
                    aspect: planned.aspect,
                    realised_value: input.realised,
                    unit: planned.unit,
                    note: input.note.trim().to_string(),
                    status: AchievementStatus::Submitted,
                    submitted_at: at,
                    verifier_id: None,
                    decided_at: None,
                    rejection_reason: None,
                    version: 1,
                    created_at: at,
                    updated_at: at,
                };
                store::insert(conn, &row)?;
                for (i, link) in input.links.iter().enumerate() {
                    insert_link(conn, &caller, &row.id, link).map_err(|e| match e {
                        ApiError::Validation(mut errors) => {
                            errors.iter_mut().for_each(|f| f.field = format!("links[{i}].{}", f.field));
                            ApiError::Validation(errors)
                        }
                        other => other,
                    })?;
                }
                let created = store::load(conn, row)?;
                audit::record(
                    conn,
                    &caller.actor(),
                    &created.organization_id,
                    Change::new("achievement.create", "achievement", &created.id).after(&created),
                )?;
                Stored::new(StatusCode::CREATED, &created)
            })
        })
        .await?;
    Ok(stored.into_response())
}

fn sub_period_of(conn: &mut AnyConnection, sub_period_id: &str, period_id: &str) -> ApiResult<SubPeriodRow> {
    periods::sub_period_in(conn, sub_period_id, period_id)?
        .ok_or_else(|| ApiError::field("sub_period_id", "not_in_period", "must be a sub-period of the SKP's period"))
}

/// One achievement with its evidence.
#[utoipa::path(
    tag = "achievements",
    params(("id" = String, Path, description = "Achievement id")),
    responses(
        (status = 200, description = "The achievement", body = Achievement,
            headers(("ETag" = String, description = "Current version"))),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/achievements/{id}")]
pub async fn get_achievement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let achievement = state
        .db
        .read(move |conn| {
            let (row, _) = load_checked(conn, &caller, &id, |owner| Permission::ReadAchievement { owner })?;
            store::load(conn, row)
        })
        .await?;
    Ok(ok_with_etag(&achievement))
}

/// Corrects the realised value and note (the employee, while it is not verified). A rejected
/// achievement stays rejected until it is resubmitted.
#[utoipa::path(
    tag = "achievements",
    params(("id" = String, Path, description = "Achievement id"), ("If-Match" = String, Header, description = "The ETag read")),
    request_body = AchievementUpdate,
    responses(
        (status = 200, description = "Corrected", body = Achievement,
            headers(("ETag" = String, description = "The new version"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[put("/achievements/{id}")]
pub async fn update_achievement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<AchievementUpdate>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner();
    check_realised(input.realised)?;
    let achievement = state
        .db
        .write(move |conn| {
            let (row, _) = load_checked(conn, &caller, &id, |owner| Permission::RecordAchievement { owner })?;
            check_correctable(conn, &row)?;
            edit(conn, &caller, "achievement.update", &row, if_match.0, |conn| {
                store::correct(conn, &row.id, input.realised, input.note.trim())
            })
        })
        .await?;
    Ok(ok_with_etag(&achievement))
}

/// A supervisor's or employee's step in the verification workflow.
fn transition(
    conn: &mut AnyConnection,
    caller: &Caller,
    id: &str,
    version: i32,
    action: AchievementAction,
    reason: Option<String>,
    clock: crate::clock::Clock,
) -> ApiResult<Achievement> {
    let (row, _) = if action == AchievementAction::Resubmit {
        load_checked(conn, caller, id, |owner| Permission::RecordAchievement { owner })?
    } else {
        load_checked(conn, caller, id, |owner| Permission::VerifyAchievement { owner })?
    };
    periods::writable(conn, &row.period_id)?;
    let next = row.status.after(action).map_err(|why| ApiError::conflict("invalid_transition", why))?;
    let audit_action = match action {
        AchievementAction::Resubmit => "achievement.resubmit",
        AchievementAction::Verify => "achievement.verify",
        _ => "achievement.reject",
    };
    edit(conn, caller, audit_action, &row, version, |conn| {
        let at = clock.timestamp();
        match action {
            AchievementAction::Resubmit => store::resubmit(conn, &row.id, next, at),
            _ => store::decide(conn, &row.id, next, caller.employee_id(), at, reason),
        }
    })
}

/// Sends a corrected, rejected achievement back to the supervisor (the employee).
#[utoipa::path(
    tag = "achievements",
    params(("id" = String, Path, description = "Achievement id"), ("If-Match" = String, Header, description = "The ETag read")),
    responses(
        (status = 200, description = "Waiting for verification again", body = Achievement,
            headers(("ETag" = String, description = "The new version"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[post("/achievements/{id}/resubmit")]
pub async fn resubmit_achievement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let clock = state.clock;
    let achievement = state
        .db
        .write(move |conn| transition(conn, &caller, &id, if_match.0, AchievementAction::Resubmit, None, clock))
        .await?;
    Ok(ok_with_etag(&achievement))
}

/// Verifies a submitted achievement (the owner's direct supervisor); it is then locked.
/// `If-Match` must name the version read, evidence included: a change since refuses with 412.
#[utoipa::path(
    tag = "achievements",
    params(("id" = String, Path, description = "Achievement id"), ("If-Match" = String, Header, description = "The ETag read")),
    responses(
        (status = 200, description = "Verified", body = Achievement,
            headers(("ETag" = String, description = "The new version"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[post("/achievements/{id}/verify")]
pub async fn verify_achievement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
) -> ApiResult<HttpResponse> {
    let clock = state.clock;
    let achievement = state
        .db
        .write(move |conn| transition(conn, &caller, &id, if_match.0, AchievementAction::Verify, None, clock))
        .await?;
    Ok(ok_with_etag(&achievement))
}

/// Rejects a submitted achievement with a reason (the owner's direct supervisor); the employee
/// corrects it and resubmits.
#[utoipa::path(
    tag = "achievements",
    params(("id" = String, Path, description = "Achievement id"), ("If-Match" = String, Header, description = "The ETag read")),
    request_body = Rejection,
    responses(
        (status = 200, description = "Rejected", body = Achievement,
            headers(("ETag" = String, description = "The new version"))),
        problems::Update,
    ),
    security(("bearer" = []))
)]
#[post("/achievements/{id}/reject")]
pub async fn reject_achievement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    if_match: IfMatch,
    body: ValidatedJson<Rejection>,
) -> ApiResult<HttpResponse> {
    let reason = Some(body.into_inner().reason.trim().to_string());
    let clock = state.clock;
    let achievement = state
        .db
        .write(move |conn| transition(conn, &caller, &id, if_match.0, AchievementAction::Reject, reason, clock))
        .await?;
    Ok(ok_with_etag(&achievement))
}

/// Adds a link to evidence kept elsewhere (the employee, while not verified).
#[utoipa::path(
    tag = "achievements",
    params(("id" = String, Path, description = "Achievement id"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body = NewLink,
    responses(
        (status = 201, description = "The achievement with the link, in a new version", body = Achievement,
            headers(("ETag" = String, description = "Current version"))),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/achievements/{id}/evidence/links")]
pub async fn add_link(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    key: IdempotencyKey,
    body: ValidatedJson<NewLink>,
) -> ApiResult<HttpResponse> {
    let link = body.into_inner();
    let stored = state
        .db
        .write(move |conn| {
            // The key covers the achievement too: the same link on another achievement is another write.
            let request = (&*id, &link);
            idempotency::once(conn, &caller, &key, &request, |conn| {
                let (row, _) = load_checked(conn, &caller, &id, |owner| Permission::RecordAchievement { owner })?;
                check_correctable(conn, &row)?;
                check_room_for_evidence(conn, &row.id)?;
                let after = edit(conn, &caller, "achievement.evidence.add", &row, row.version, |conn| {
                    insert_link(conn, &caller, &row.id, &link)
                })?;
                Stored::new(StatusCode::CREATED, &after)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// What identifies an upload for `Idempotency-Key`: the bytes by their hash, never the bytes.
#[derive(Serialize)]
struct UploadRequest<'a> {
    achievement_id: &'a str,
    filename: &'a str,
    title: Option<&'a str>,
    sha256: &'a str,
}

/// Uploads an evidence file (the employee, while not verified). Send the file itself as the
/// body (not multipart), with the file name in `filename`. The type is judged by the content:
/// PDF, JPEG, PNG, DOCX or XLSX; anything else, or a declared `Content-Type` that the content
/// contradicts, is refused with 415. The size limit is `KINERJA_MAX_EVIDENCE_BYTES` (413 above
/// it). The SHA-256 of the content is kept and returned.
#[utoipa::path(
    tag = "achievements",
    params(("id" = String, Path, description = "Achievement id"), UploadQuery,
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retried request return the first result")),
    request_body(description = "The file's bytes; the Content-Type may be omitted or application/octet-stream",
        content(
            (FileBytes = "application/pdf"),
            (FileBytes = "image/jpeg"),
            (FileBytes = "image/png"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (FileBytes = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (FileBytes = "application/octet-stream"),
        )),
    responses(
        (status = 201, description = "The achievement with the file, in a new version", body = Achievement,
            headers(("ETag" = String, description = "Current version"))),
        problems::Create,
    ),
    security(("bearer" = []))
)]
#[post("/achievements/{id}/evidence/files")]
pub async fn upload_file(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    query: ValidatedQuery<UploadQuery>,
    key: IdempotencyKey,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let query = query.0;
    let file_name = clean_file_name(&query.filename).map_err(|why| ApiError::field("filename", "invalid", why))?;
    let title = query.title.as_deref().map(str::trim).filter(|t| !t.is_empty()).unwrap_or(&file_name).to_string();
    let declared = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
    // Who may upload is settled before the body is read: nobody else gets to send megabytes.
    let (checker, checked_id) = (caller.clone(), id.clone());
    state
        .db
        .read(move |conn| {
            let (row, _) = load_checked(conn, &checker, &checked_id, |owner| Permission::RecordAchievement { owner })?;
            check_correctable(conn, &row)
        })
        .await?;
    let bytes = read_body(&req, &mut payload.into_inner(), state.limits.max_evidence_bytes).await?;
    if bytes.is_empty() {
        return Err(ApiError::bad_request("empty_file", "The body is empty; send the file's bytes"));
    }
    let file_type = EvidenceFileType::sniff(&bytes).ok_or_else(|| {
        ApiError::UnsupportedMediaType(
            "The content is not a PDF, JPEG, PNG, DOCX or XLSX file (judged by the bytes, not the name or header)"
                .into(),
        )
    })?;
    if let Some(declared) = declared.as_deref() {
        let generic = declared.trim().to_ascii_lowercase().starts_with("application/octet-stream");
        if !generic && EvidenceFileType::from_media_type(declared) != Some(file_type) {
            return Err(ApiError::UnsupportedMediaType(format!(
                "The body was declared as {declared} but its content is {}; send it as that type or as application/octet-stream",
                file_type.media_type()
            )));
        }
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let stored = state
        .db
        .write(move |conn| {
            let request = UploadRequest {
                achievement_id: &id,
                filename: &file_name,
                title: query.title.as_deref(),
                sha256: &sha256,
            };
            idempotency::once(conn, &caller, &key, &request, |conn| {
                let (row, _) = load_checked(conn, &caller, &id, |owner| Permission::RecordAchievement { owner })?;
                check_correctable(conn, &row)?;
                check_room_for_evidence(conn, &row.id)?;
                let after = edit(conn, &caller, "achievement.evidence.add", &row, row.version, |conn| {
                    let evidence = EvidenceRow {
                        id: new_id(),
                        achievement_id: row.id.clone(),
                        kind: EvidenceKind::File,
                        title: title.clone(),
                        url: None,
                        file_name: Some(file_name.clone()),
                        content_type: Some(file_type.media_type().into()),
                        size_bytes: Some(bytes.len() as i64),
                        sha256: Some(sha256.clone()),
                        created_by: caller.acting_employee()?.clone(),
                        created_at: now(),
                    };
                    store::insert_evidence(conn, &evidence)?;
                    store::put_file(conn, &evidence.id, &bytes)
                })?;
                Stored::new(StatusCode::CREATED, &after)
            })
        })
        .await?;
    Ok(stored.into_response())
}

/// Downloads an evidence file: whoever may read the achievement (the employee, their direct
/// supervisor, admins and auditors). Served with the type found at upload, as an attachment,
/// with the SHA-256 as the `ETag` and in `Repr-Digest` (RFC 9530).
#[utoipa::path(
    tag = "achievements",
    params(("id" = String, Path, description = "Achievement id"), ("evidence_id" = String, Path, description = "Evidence id")),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = FileBytes,
            headers(
                ("Content-Disposition" = String, description = "attachment, with the file name"),
                ("ETag" = String, description = "The SHA-256 of the content, hex, quoted"),
                ("Repr-Digest" = String, description = "sha-256=:<base64>: (RFC 9530)"),
            )),
        problems::Read,
    ),
    security(("bearer" = []))
)]
#[get("/achievements/{id}/evidence/{evidence_id}/content")]
pub async fn download_file(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, evidence_id) = path.into_inner();
    let (evidence, content) = state
        .db
        .read(move |conn| {
            let (row, _) = load_checked(conn, &caller, &id, |owner| Permission::ReadAchievement { owner })?;
            let evidence = store::find_evidence(conn, &row.id, &evidence_id)?;
            if evidence.kind != EvidenceKind::File {
                return Err(ApiError::NotFound("evidence file"));
            }
            let content = store::file_content(conn, &evidence.id)?;
            Ok((evidence, content))
        })
        .await?;
    let sha256 = evidence.sha256.unwrap_or_default();
    let digest = hex::decode(&sha256).map_err(ApiError::internal)?;
    let file_name = evidence.file_name.unwrap_or_else(|| "evidence".into());
    // A plain ASCII name for old clients, and the exact name (RFC 6266 `filename*`) for the rest.
    let ascii: String = file_name
        .chars()
        .map(|c| if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' { c } else { '_' })
        .collect();
    let disposition = header::ContentDisposition {
        disposition: header::DispositionType::Attachment,
        parameters: vec![
            header::DispositionParam::Filename(ascii),
            header::DispositionParam::FilenameExt(header::ExtendedValue {
                charset: header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: file_name.into_bytes(),
            }),
        ],
    };
    Ok(HttpResponse::Ok()
        .content_type(evidence.content_type.unwrap_or_else(|| "application/octet-stream".into()))
        .insert_header(disposition)
        .insert_header((header::ETAG, format!("\"{sha256}\"")))
        .insert_header((
            "Repr-Digest",
            format!("sha-256=:{}:", base64::engine::general_purpose::STANDARD.encode(digest)),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(content))
}

/// Removes a link or file (the employee, while not verified); the audit trail keeps what it was.
#[utoipa::path(
    tag = "achievements",
    params(("id" = String, Path, description = "Achievement id"), ("evidence_id" = String, Path, description = "Evidence id")),
    responses(
        (status = 200, description = "The achievement without it, in a new version", body = Achievement,
            headers(("ETag" = String, description = "Current version"))),
        problems::Delete,
    ),
    security(("bearer" = []))
)]
#[delete("/achievements/{id}/evidence/{evidence_id}")]
pub async fn remove_evidence(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> ApiResult<HttpResponse> {
    let (id, evidence_id) = path.into_inner();
    let achievement = state
        .db
        .write(move |conn| {
            let (row, _) = load_checked(conn, &caller, &id, |owner| Permission::RecordAchievement { owner })?;
            let evidence = store::find_evidence(conn, &row.id, &evidence_id)?;
            check_correctable(conn, &row)?;
            edit(conn, &caller, "achievement.evidence.remove", &row, row.version, |conn| {
                store::delete_evidence(conn, &evidence.id)
            })
        })
        .await?;
    Ok(ok_with_etag(&achievement))
}
