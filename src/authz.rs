//! The one authorization guard. Every handler states what it wants as a [`Permission`] and
//! asks [`authorize`]. The rules:
//! - another organisation's data does not exist for the caller (`404`);
//! - a record the caller may not see is `404` too, so ids reveal nothing;
//! - an action on something the caller may see but not change is `403`.

use crate::auth::caller::{Caller, Role, Scope};
use crate::auth::tokens::SubjectKind;
use crate::db::types::{EmployeeId, OrganizationId, UnitId};
use crate::domain::policy::OrganizationRatingRecorder;
use crate::error::{ApiError, ApiResult};

/// The reporting line of one employee, as much as authorization needs.
#[derive(Debug, Clone)]
pub struct EmployeeRef {
    pub id: EmployeeId,
    pub organization_id: OrganizationId,
    pub supervisor_id: Option<EmployeeId>,
}

/// An assessment, as much as authorization needs.
#[derive(Debug, Clone)]
pub struct AssessmentRef {
    /// The assessed employee.
    pub employee: EmployeeRef,
    /// The employee (self-assessment) or supervisor who wrote it.
    pub author_id: EmployeeId,
    pub published: bool,
    /// The author's own supervisor: hears objections, so reads the published assessment.
    pub author_supervisor_id: Option<EmployeeId>,
}

/// A complaint, as much as authorization needs.
#[derive(Debug, Clone)]
pub struct ComplaintRef {
    pub organization_id: OrganizationId,
    /// The unit complained about: its head handles it.
    pub unit_id: UnitId,
    /// The officer who must answer.
    pub assigned_to: Option<EmployeeId>,
}

/// An objection, as much as authorization needs.
#[derive(Debug, Clone)]
pub struct ObjectionRef {
    pub organization_id: OrganizationId,
    pub employee_id: EmployeeId,
    pub assessor_id: EmployeeId,
    /// The assessor's supervisor who decides; `None` when the policy's fallback (an admin) decides.
    pub decider_id: Option<EmployeeId>,
}

#[derive(Debug, Clone, Copy)]
pub enum Permission<'a> {
    /// Pass on a complaint a portal received: portals with `complaints:write`.
    SubmitComplaint { organization_id: &'a OrganizationId },
    /// Read a complaint: admins, auditors, the head of its unit (`headed_unit`, found by the
    /// handler) and the officer assigned to it; to anyone else it does not exist.
    ReadComplaint { complaint: &'a ComplaintRef, headed_unit: Option<&'a UnitId> },
    /// Assign, close or reject a complaint: the head of its unit, or an admin.
    ManageComplaint { complaint: &'a ComplaintRef, headed_unit: Option<&'a UnitId> },
    /// Answer a complaint: the officer assigned to it.
    AnswerComplaint { complaint: &'a ComplaintRef, headed_unit: Option<&'a UnitId> },
    /// Read a unit's complaint figures: admins, auditors and the unit's head.
    ReadUnitComplaints { organization_id: &'a OrganizationId, unit_id: &'a UnitId, headed_unit: Option<&'a UnitId> },
    /// Keep the indicator templates of a unit (`unit_id`; `None`: organisation-wide ones): admins
    /// of the organisation, and the head of that unit (`headed_unit`, the unit the caller heads,
    /// found by the handler: see `templates::store::headed_unit`).
    KeepTemplates { organization_id: &'a OrganizationId, unit_id: Option<&'a UnitId>, headed_unit: Option<&'a UnitId> },
    /// Accept or decline a staff proposal for a template: as [`Permission::KeepTemplates`], and
    /// never one's own proposal.
    DecideTemplateProposal {
        organization_id: &'a OrganizationId,
        unit_id: Option<&'a UnitId>,
        headed_unit: Option<&'a UnitId>,
        proposed_by: &'a EmployeeId,
    },
    /// Read the template library and the proposals, and propose: every employee of the
    /// organisation (staff take part in designing their indicators); not portals.
    ProposeTemplate { organization_id: &'a OrganizationId },
    /// Flag an indicator of an SKP as hard to measure: the SKP's owner and their direct supervisor.
    FlagIndicator { owner: &'a EmployeeRef },
    /// Read which templates were flagged: admins, auditors and unit heads (for their unit).
    ReadTemplateFlags { organization_id: &'a OrganizationId, headed_unit: Option<&'a UnitId> },
    /// Change the organisation, its units, employees and service clients (admins).
    Administer { organization_id: &'a OrganizationId },
    /// See the organisation and its unit tree (any member, auditors, portals with `organization:read`).
    ReadOrganization { organization_id: &'a OrganizationId },
    /// See one record of an organisation found by its id (a unit, a period): another organisation's
    /// record does not exist (`404` naming the `record`); in the organisation, as
    /// [`Permission::ReadOrganization`], so a portal without `organization:read` gets `403`.
    ReadRecord { organization_id: &'a OrganizationId, record: &'static str },
    /// Change or remove a record found by its id: [`Permission::ReadRecord`], then
    /// [`Permission::Administer`].
    AdministerRecord { organization_id: &'a OrganizationId, record: &'static str },
    /// Read one employee: themselves, their direct supervisor, admins, auditors, `employees:read` portals.
    ReadEmployee { employee: &'a EmployeeRef },
    /// Read an employee's reporting-line history (mutasi): as [`Permission::ReadEmployee`].
    ReadReportingLines { employee: &'a EmployeeRef },
    /// Move an employee to another unit or supervisor, or correct a wrong record: admins of the
    /// employee's organisation ([`Permission::ReadEmployee`] first, so others see `404`).
    ChangeReportingLine { employee: &'a EmployeeRef },
    /// Read and verify the audit trail (admins and auditors).
    ReadAudit { organization_id: &'a OrganizationId },
    /// Read the organisation's reports: the score tables, the predicate distribution against the
    /// curve, the citizen index, the recommendations (tindak lanjut) with their decisions and the
    /// audit export: its admins and auditors, and portals with `reports:read`. The one permission
    /// for every report, whatever its format.
    ReadReports { organization_id: &'a OrganizationId },
    /// Register webhook endpoints and read their deliveries: portals with `webhooks:manage`.
    ManageWebhooks { organization_id: &'a OrganizationId },
    /// Read an employee's performance records (SKP, peer feedback, citizen index): the employee,
    /// their direct supervisor, admins and auditors. Not portals: `employees:read` is the staff
    /// directory, not performance data.
    ReadPerformance { employee: &'a EmployeeRef },
    /// Read an employee's SKP: as [`Permission::ReadPerformance`].
    ReadSkp { owner: &'a EmployeeRef },
    /// Edit and submit an SKP: its owner only.
    EditSkp { owner: &'a EmployeeRef },
    /// Approve or return an SKP: the owner's direct supervisor. For an employee with no supervisor
    /// in the system (the head of the agency), an admin other than the owner records the regional
    /// head's decision.
    DecideSkp { owner: &'a EmployeeRef },
    /// Assign peer and subordinate raters for an employee: their direct supervisor or an admin,
    /// never the rated employee themselves.
    AssignRaters { ratee: &'a EmployeeRef },
    /// Answer a peer-rating assignment: its rater only. To anyone else the assignment does not
    /// exist (`404`), so nobody learns who rates whom.
    AnswerPeerAssignment { rater_id: &'a EmployeeId },
    /// Approve a portal that issues rating tickets: an admin of its organisation other than the
    /// one who made it (segregation of duties).
    ApprovePortal { organization_id: &'a OrganizationId, created_by: Option<&'a EmployeeId> },
    /// Read the aggregate of an employee's peer ratings: as [`Permission::ReadPerformance`].
    ReadPeerFeedback { ratee: &'a EmployeeRef },
    /// Read an employee's score with its explanation: as [`Permission::ReadPerformance`].
    ReadScore { employee: &'a EmployeeRef },
    /// Read the scores of a supervisor's direct reports: that supervisor, admins and auditors; to
    /// whoever may not see the supervisor ([`Permission::ReadEmployee`]) they do not exist.
    ReadTeamScores { supervisor: &'a EmployeeRef },
    /// Read the scores of a whole unit: admins and auditors.
    ReadUnitScores { organization_id: &'a OrganizationId },
    /// Issue citizen rating tickets: portals with `rating_tickets:issue` only, once approved by a
    /// second admin (or made by the operator). Admins do not issue them, and no single admin can
    /// make a portal that does, so nobody inside the organisation can make up citizens' ratings.
    IssueRatingTickets { organization_id: &'a OrganizationId, portal_approved: bool },
    /// Read an employee's achievements and their evidence files: as [`Permission::ReadPerformance`].
    ReadAchievement { owner: &'a EmployeeRef },
    /// Record and correct achievements, add or remove evidence, resubmit: the employee only.
    RecordAchievement { owner: &'a EmployeeRef },
    /// Verify or reject an achievement: the owner's direct supervisor (for the head of the agency,
    /// who has none in the system, an admin other than the owner, as for SKP approval).
    VerifyAchievement { owner: &'a EmployeeRef },
    /// Read the feedback about an employee: the employee, their direct supervisor, the
    /// supervisor's own supervisor (second level) and auditors. Not admins: feedback is coaching
    /// between people, not administration; admins who need it for a case ask an auditor.
    ReadFeedback { employee: &'a EmployeeRef, second_level_id: Option<&'a EmployeeId> },
    /// Start a feedback thread with an employee: their direct supervisor.
    WriteFeedback { employee: &'a EmployeeRef, second_level_id: Option<&'a EmployeeId> },
    /// Reply in a feedback thread: the employee, or the supervisor who opened the thread.
    ReplyFeedback { employee: &'a EmployeeRef, second_level_id: Option<&'a EmployeeId>, opened_by: &'a EmployeeId },
    /// Read an assessment. A draft only its author; a published one the assessed employee, their
    /// direct supervisor, the author's supervisor (who hears objections), admins and auditors.
    ReadAssessment { assessment: &'a AssessmentRef },
    /// Start an assessment of `employee`: the employee themselves (self-assessment) or their
    /// direct supervisor. Admins do not rate anyone (segregation of duties).
    StartAssessment { employee: &'a EmployeeRef },
    /// Edit or publish an assessment: its author only, and for a supervisor's assessment only while
    /// they are still the employee's supervisor (after a mutasi the new one assesses).
    EditAssessment { assessment: &'a AssessmentRef },
    /// Object to a published assessment: the assessed employee only.
    FileObjection { assessment: &'a AssessmentRef },
    /// Read an objection: the employee, the assessor, the decider, admins and auditors.
    ReadObjection { objection: &'a ObjectionRef },
    /// Record or change the organisation's own rating for a period: whoever the policy names
    /// (`organization_rating_recorder`, default the organisation's admins).
    RecordOrganizationRating { organization_id: &'a OrganizationId, recorder: OrganizationRatingRecorder },
    /// Record a decision on a recommendation (recognition, training, coaching, warning): the
    /// organisation's admins (the staffing office acts on them); the service only recommends.
    DecideRecommendation { organization_id: &'a OrganizationId },
    /// Decide an objection: the assessor's supervisor named on it; where nobody sat above the
    /// assessor, an admin who is neither the employee nor the assessor (the policy's fallback).
    DecideObjection { objection: &'a ObjectionRef },
}

/// A portal of the record's own organisation is told plainly that this is not for portals (403):
/// a 404 would wrongly suggest the record does not exist.
fn portals_refused(message: &'static str) -> ApiError {
    ApiError::forbidden(message)
}

pub fn authorize(caller: &Caller, permission: Permission<'_>) -> ApiResult<()> {
    let same_org = |org: &OrganizationId| caller.organization_id == *org;
    let staff = caller.has_role(Role::Admin) || caller.has_role(Role::Auditor);
    match permission {
        Permission::SubmitComplaint { organization_id } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("organization"));
            }
            require(
                caller.kind == SubjectKind::ServiceClient && caller.has_scope(Scope::ComplaintsWrite),
                "Only portals with the complaints:write scope pass on complaints; citizens use their ticket",
            )
        }
        Permission::ReadComplaint { complaint, headed_unit } => {
            if caller.kind == SubjectKind::ServiceClient && same_org(&complaint.organization_id) {
                return Err(portals_refused(
                    "A service client does not handle complaints: the unit's head and officers do",
                ));
            }
            let me = caller.employee_id();
            let person = caller.kind == SubjectKind::Employee;
            let handles =
                headed_unit == Some(&complaint.unit_id) || (me.is_some() && me == complaint.assigned_to.as_ref());
            if same_org(&complaint.organization_id) && person && (staff || handles) {
                Ok(())
            } else {
                Err(ApiError::NotFound("complaint"))
            }
        }
        Permission::ManageComplaint { complaint, headed_unit } => {
            authorize(caller, Permission::ReadComplaint { complaint, headed_unit })?;
            require(
                caller.has_role(Role::Admin) || headed_unit == Some(&complaint.unit_id),
                "Only the head of the unit complained about (or an admin) assigns, closes or rejects it",
            )
        }
        Permission::AnswerComplaint { complaint, headed_unit } => {
            authorize(caller, Permission::ReadComplaint { complaint, headed_unit })?;
            let me = caller.employee_id();
            require(
                me.is_some() && me == complaint.assigned_to.as_ref(),
                "Only the officer the complaint is assigned to answers it",
            )
        }
        Permission::ReadUnitComplaints { organization_id, unit_id, headed_unit } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("unit"));
            }
            require(
                staff || (caller.kind == SubjectKind::Employee && headed_unit == Some(unit_id)),
                "Only admins, auditors and the unit's head read its complaint figures",
            )
        }
        Permission::KeepTemplates { organization_id, unit_id, headed_unit } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("template"));
            }
            let head = unit_id.is_some() && unit_id == headed_unit && caller.kind == SubjectKind::Employee;
            require(
                caller.has_role(Role::Admin) || head,
                "Only admins, and the head of a unit for the unit's own templates, keep templates",
            )
        }
        Permission::DecideTemplateProposal { organization_id, unit_id, headed_unit, proposed_by } => {
            authorize(caller, Permission::KeepTemplates { organization_id, unit_id, headed_unit })?;
            require(caller.employee_id() != Some(proposed_by), "Nobody decides their own proposal")
        }
        Permission::ProposeTemplate { organization_id } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("template"));
            }
            require(caller.kind == SubjectKind::Employee, "Templates are designed by employees, not portals")
        }
        Permission::FlagIndicator { owner } => {
            authorize(caller, Permission::ReadPerformance { employee: owner })?;
            let me = caller.employee_id();
            require(
                me.is_some() && (me == Some(&owner.id) || me == owner.supervisor_id.as_ref()),
                "Only the employee and their direct supervisor flag an indicator of their SKP",
            )
        }
        Permission::ReadTemplateFlags { organization_id, headed_unit } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("organization"));
            }
            require(
                staff || (headed_unit.is_some() && caller.kind == SubjectKind::Employee),
                "Only admins, auditors and unit heads read the flag report",
            )
        }
        Permission::Administer { organization_id } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("organization"));
            }
            require(caller.has_role(Role::Admin), "Only the organisation's admins may change this")
        }
        Permission::ReadOrganization { organization_id } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("organization"));
            }
            let allowed = match caller.kind {
                SubjectKind::Employee => true,
                SubjectKind::ServiceClient => caller.has_scope(Scope::OrganizationRead),
            };
            require(allowed, "This client lacks the organization:read scope")
        }
        Permission::ReadRecord { organization_id, record } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound(record));
            }
            authorize(caller, Permission::ReadOrganization { organization_id })
        }
        Permission::AdministerRecord { organization_id, record } => {
            authorize(caller, Permission::ReadRecord { organization_id, record })?;
            authorize(caller, Permission::Administer { organization_id })
        }
        Permission::ReadEmployee { employee } => {
            let visible = same_org(&employee.organization_id)
                && (staff
                    || caller.has_scope(Scope::EmployeesRead)
                    || caller.employee_id() == Some(&employee.id)
                    || (caller.employee_id().is_some() && caller.employee_id() == employee.supervisor_id.as_ref()));
            if visible {
                Ok(())
            } else {
                Err(ApiError::NotFound("employee"))
            }
        }
        Permission::ReadReportingLines { employee } => authorize(caller, Permission::ReadEmployee { employee }),
        Permission::ChangeReportingLine { employee } => {
            authorize(caller, Permission::ReadEmployee { employee })?;
            require(caller.has_role(Role::Admin), "Only the organisation's admins change reporting lines")
        }
        Permission::ReadPerformance { employee } => {
            let is_person = caller.kind == SubjectKind::Employee;
            match authorize(caller, Permission::ReadEmployee { employee }) {
                Ok(()) if is_person => Ok(()),
                Ok(()) => Err(ApiError::forbidden("Portals do not read performance records")),
                Err(e) => Err(e),
            }
        }
        Permission::ReadSkp { owner } => authorize(caller, Permission::ReadPerformance { employee: owner })
            .map_err(|e| if matches!(e, ApiError::NotFound(_)) { ApiError::NotFound("skp") } else { e }),
        Permission::EditSkp { owner } => {
            authorize(caller, Permission::ReadSkp { owner })?;
            require(caller.employee_id() == Some(&owner.id), "Only the employee edits and submits their own SKP")
        }
        Permission::DecideSkp { owner } => {
            authorize(caller, Permission::ReadSkp { owner })?;
            let is_supervisor = caller.employee_id().is_some() && caller.employee_id() == owner.supervisor_id.as_ref();
            let is_admin_for_the_top = owner.supervisor_id.is_none()
                && caller.has_role(Role::Admin)
                && caller.employee_id() != Some(&owner.id);
            require(
                is_supervisor || is_admin_for_the_top,
                "Only the employee's direct supervisor approves or returns their SKP",
            )
        }
        Permission::AssignRaters { ratee } => {
            authorize(caller, Permission::ReadPerformance { employee: ratee })?;
            let is_supervisor = caller.employee_id().is_some() && caller.employee_id() == ratee.supervisor_id.as_ref();
            require(caller.employee_id() != Some(&ratee.id), "Nobody chooses the raters of their own 360 feedback")?;
            require(
                is_supervisor || caller.has_role(Role::Admin),
                "Only the employee's supervisor or an admin assigns raters",
            )
        }
        Permission::AnswerPeerAssignment { rater_id } => {
            if caller.kind == SubjectKind::ServiceClient {
                return Err(portals_refused("A service client does not answer peer ratings: only the rater does"));
            }
            if caller.employee_id() == Some(rater_id) {
                Ok(())
            } else {
                Err(ApiError::NotFound("peer assignment"))
            }
        }
        Permission::ApprovePortal { organization_id, created_by } => {
            authorize(caller, Permission::Administer { organization_id })?;
            require(
                created_by.is_none() || caller.employee_id() != created_by,
                "A second admin approves the portal: not the one who made it",
            )
        }
        Permission::ReadPeerFeedback { ratee } => authorize(caller, Permission::ReadPerformance { employee: ratee }),
        Permission::ReadScore { employee } => authorize(caller, Permission::ReadPerformance { employee }),
        Permission::ReadTeamScores { supervisor } => {
            if !same_org(&supervisor.organization_id) {
                return Err(ApiError::NotFound("employee"));
            }
            if caller.kind == SubjectKind::ServiceClient {
                return Err(ApiError::forbidden("Portals do not read performance records"));
            }
            // A supervisor the caller may not see is missing (`404`), so ids reveal nothing.
            authorize(caller, Permission::ReadEmployee { employee: supervisor })?;
            require(
                staff || caller.employee_id() == Some(&supervisor.id),
                "Only the supervisor, admins and auditors read a team's scores",
            )
        }
        Permission::ReadUnitScores { organization_id } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("unit"));
            }
            require(staff, "Only admins and auditors read a unit's scores")
        }
        Permission::RecordOrganizationRating { organization_id, recorder } => {
            authorize(caller, Permission::ReadRecord { organization_id, record: "period" })?;
            match recorder {
                OrganizationRatingRecorder::Admin => require(
                    caller.has_role(Role::Admin),
                    "Only the organisation's admins record its rating (the policy's organization_rating_recorder)",
                ),
            }
        }
        Permission::DecideRecommendation { organization_id } => {
            authorize(caller, Permission::ReadReports { organization_id })?;
            require(caller.has_role(Role::Admin), "Only the organisation's admins record decisions on recommendations")
        }
        Permission::IssueRatingTickets { organization_id, portal_approved } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("organization"));
            }
            require(
                caller.has_scope(Scope::RatingTicketsIssue),
                "Only portals with the rating_tickets:issue scope issue rating tickets",
            )?;
            require(portal_approved, "This portal issues tickets once a second admin of the organisation approves it")
        }
        Permission::ReadAchievement { owner } => authorize(caller, Permission::ReadPerformance { employee: owner })
            .map_err(|e| if matches!(e, ApiError::NotFound(_)) { ApiError::NotFound("achievement") } else { e }),
        Permission::RecordAchievement { owner } => {
            authorize(caller, Permission::ReadAchievement { owner })?;
            require(caller.employee_id() == Some(&owner.id), "Only the employee records their own achievements")
        }
        Permission::VerifyAchievement { owner } => {
            authorize(caller, Permission::ReadAchievement { owner })?;
            let is_supervisor = caller.employee_id().is_some() && caller.employee_id() == owner.supervisor_id.as_ref();
            let is_admin_for_the_top = owner.supervisor_id.is_none()
                && caller.has_role(Role::Admin)
                && caller.employee_id() != Some(&owner.id);
            require(
                is_supervisor || is_admin_for_the_top,
                "Only the employee's direct supervisor verifies or rejects their achievements",
            )
        }
        Permission::ReadFeedback { employee, second_level_id } => {
            let me = caller.employee_id();
            let party = me.is_some()
                && (me == Some(&employee.id) || me == employee.supervisor_id.as_ref() || me == second_level_id);
            if same_org(&employee.organization_id) && (party || caller.has_role(Role::Auditor)) {
                return Ok(());
            }
            // Those who may see the employee learn that the feedback is private; others learn nothing.
            match authorize(caller, Permission::ReadEmployee { employee }) {
                Ok(()) => Err(ApiError::forbidden(
                    "Feedback is private to the employee, their supervisor, the second-level supervisor and auditors",
                )),
                Err(_) => Err(ApiError::NotFound("feedback")),
            }
        }
        Permission::WriteFeedback { employee, second_level_id } => {
            authorize(caller, Permission::ReadFeedback { employee, second_level_id })?;
            require(
                caller.employee_id().is_some() && caller.employee_id() == employee.supervisor_id.as_ref(),
                "Only the employee's direct supervisor starts feedback",
            )
        }
        Permission::ReplyFeedback { employee, second_level_id, opened_by } => {
            authorize(caller, Permission::ReadFeedback { employee, second_level_id })?;
            let me = caller.employee_id();
            require(
                me.is_some() && (me == Some(&employee.id) || me == Some(opened_by)),
                "Only the employee and the supervisor who started the feedback reply to it",
            )
        }
        Permission::ReadAssessment { assessment } => {
            if caller.kind == SubjectKind::ServiceClient && same_org(&assessment.employee.organization_id) {
                return Err(portals_refused(
                    "A service client does not read assessments: only the employees concerned do",
                ));
            }
            let me = caller.employee_id();
            let is_author = caller.kind == SubjectKind::Employee && me == Some(&assessment.author_id);
            if is_author && same_org(&assessment.employee.organization_id) {
                return Ok(());
            }
            let hears_objections = me.is_some() && me == assessment.author_supervisor_id.as_ref();
            let visible = assessment.published
                && (authorize(caller, Permission::ReadPerformance { employee: &assessment.employee }).is_ok()
                    || (hears_objections && same_org(&assessment.employee.organization_id)));
            if visible {
                Ok(())
            } else {
                Err(ApiError::NotFound("assessment"))
            }
        }
        Permission::StartAssessment { employee } => {
            authorize(caller, Permission::ReadPerformance { employee })?;
            let me = caller.employee_id();
            let is_self = me == Some(&employee.id);
            let is_supervisor = me.is_some() && me == employee.supervisor_id.as_ref();
            require(
                is_self || is_supervisor,
                "Only the employee (a self-assessment) or their direct supervisor assesses their work",
            )
        }
        Permission::EditAssessment { assessment } => {
            authorize(caller, Permission::ReadAssessment { assessment })?;
            require(
                caller.employee_id() == Some(&assessment.author_id),
                "Only the author edits or publishes an assessment",
            )?;
            // After a mutasi the assessment is the new supervisor's to make.
            let is_self_assessment = assessment.author_id == assessment.employee.id;
            require(
                is_self_assessment || assessment.employee.supervisor_id.as_ref() == Some(&assessment.author_id),
                "You are no longer this employee's supervisor: their current supervisor assesses them",
            )
        }
        Permission::FileObjection { assessment } => {
            authorize(caller, Permission::ReadAssessment { assessment })?;
            require(
                caller.employee_id() == Some(&assessment.employee.id),
                "Only the assessed employee objects to their assessment",
            )
        }
        Permission::ReadObjection { objection } => {
            if caller.kind == SubjectKind::ServiceClient && same_org(&objection.organization_id) {
                return Err(portals_refused(
                    "A service client does not read objections: only the employees concerned do",
                ));
            }
            let me = caller.employee_id();
            let party = me.is_some()
                && (me == Some(&objection.employee_id)
                    || me == Some(&objection.assessor_id)
                    || me == objection.decider_id.as_ref());
            let person = caller.kind == SubjectKind::Employee;
            if same_org(&objection.organization_id) && person && (party || staff) {
                Ok(())
            } else {
                Err(ApiError::NotFound("objection"))
            }
        }
        Permission::DecideObjection { objection } => {
            authorize(caller, Permission::ReadObjection { objection })?;
            let me = caller.employee_id();
            let allowed = match &objection.decider_id {
                Some(decider) => me == Some(decider),
                None => {
                    caller.has_role(Role::Admin)
                        && me != Some(&objection.employee_id)
                        && me != Some(&objection.assessor_id)
                }
            };
            require(allowed, "Only the assessor's own supervisor (atasan pejabat penilai) decides this objection")
        }
        Permission::ReadAudit { organization_id } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("organization"));
            }
            require(staff, "Only admins and auditors may read the audit trail")
        }
        Permission::ManageWebhooks { organization_id } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("organization"));
            }
            require(
                caller.has_scope(Scope::WebhooksManage),
                "Only portals with the webhooks:manage scope manage webhooks",
            )
        }
        Permission::ReadReports { organization_id } => {
            if !same_org(organization_id) {
                return Err(ApiError::NotFound("organization"));
            }
            require(
                staff || caller.has_scope(Scope::ReportsRead),
                "Only admins, auditors and portals with the reports:read scope read reports",
            )
        }
    }
}

/// Renames a refusal's `404` after the record the caller asked for by id (a period of another
/// organisation is a period that does not exist, not an organisation).
pub fn not_found_as(record: &'static str) -> impl Fn(ApiError) -> ApiError {
    move |e| if matches!(e, ApiError::NotFound(_)) { ApiError::NotFound(record) } else { e }
}

fn require(allowed: bool, why: &str) -> ApiResult<()> {
    if allowed {
        Ok(())
    } else {
        Err(ApiError::forbidden(why))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(id: &str, org: &str, roles: &[Role]) -> Caller {
        Caller {
            kind: SubjectKind::Employee,
            subject_id: id.into(),
            employee: Some(id.into()),
            organization_id: org.into(),
            roles: roles.to_vec(),
            scopes: vec![],
            request_id: None,
        }
    }

    #[test]
    fn employees_see_themselves_and_their_direct_reports_only() {
        let staff = EmployeeRef { id: "e2".into(), organization_id: "o1".into(), supervisor_id: Some("e1".into()) };
        assert!(authorize(&caller("e2", "o1", &[Role::Pegawai]), Permission::ReadEmployee { employee: &staff }).is_ok());
        assert!(authorize(&caller("e1", "o1", &[Role::Pegawai]), Permission::ReadEmployee { employee: &staff }).is_ok());
        let peer = authorize(&caller("e3", "o1", &[Role::Pegawai]), Permission::ReadEmployee { employee: &staff });
        assert!(matches!(peer, Err(ApiError::NotFound(_))));
        let other_org_admin =
            authorize(&caller("x", "o2", &[Role::Admin]), Permission::ReadEmployee { employee: &staff });
        assert!(matches!(other_org_admin, Err(ApiError::NotFound(_))));
    }

    #[test]
    fn a_record_elsewhere_is_missing_but_a_portal_without_the_scope_is_refused() {
        let unit = Permission::ReadRecord { organization_id: &"o1".into(), record: "unit" };
        assert!(matches!(authorize(&caller("a", "o2", &[Role::Admin]), unit), Err(ApiError::NotFound("unit"))));
        let mut portal = caller("c", "o1", &[]);
        portal.kind = SubjectKind::ServiceClient;
        assert!(matches!(authorize(&portal, unit), Err(ApiError::Forbidden(_))));
        portal.scopes = vec![Scope::OrganizationRead];
        assert!(authorize(&portal, unit).is_ok());
        let change = Permission::AdministerRecord { organization_id: &"o1".into(), record: "unit" };
        assert!(matches!(authorize(&portal, change), Err(ApiError::Forbidden(_))));
        assert!(matches!(authorize(&caller("a", "o2", &[Role::Admin]), change), Err(ApiError::NotFound("unit"))));
        assert!(authorize(&caller("a", "o1", &[Role::Admin]), change).is_ok());
    }

    #[test]
    fn only_the_employee_or_an_admin_sets_a_password() {
        let staff = EmployeeRef { id: "e2".into(), organization_id: "o1".into(), supervisor_id: Some("e1".into()) };
        assert_eq!(password_setter(&caller("e2", "o1", &[Role::Pegawai]), &staff).unwrap(), PasswordSetter::Themselves);
        assert_eq!(password_setter(&caller("e9", "o1", &[Role::Admin]), &staff).unwrap(), PasswordSetter::Admin);
        let supervisor = password_setter(&caller("e1", "o1", &[Role::Pegawai]), &staff);
        assert!(matches!(supervisor, Err(ApiError::Forbidden(_))));
        let stranger = password_setter(&caller("e3", "o1", &[Role::Pegawai]), &staff);
        assert!(matches!(stranger, Err(ApiError::NotFound(_))));
    }

    #[test]
    fn only_admins_administer_and_other_organisations_are_invisible() {
        let org = Permission::Administer { organization_id: &"o1".into() };
        assert!(authorize(&caller("a", "o1", &[Role::Admin]), org).is_ok());
        assert!(matches!(authorize(&caller("p", "o1", &[Role::Pegawai]), org), Err(ApiError::Forbidden(_))));
        assert!(matches!(authorize(&caller("u", "o1", &[Role::Auditor]), org), Err(ApiError::Forbidden(_))));
        assert!(matches!(authorize(&caller("a", "o2", &[Role::Admin]), org), Err(ApiError::NotFound(_))));
    }
}

/// Which employees a caller may list: the whole organisation, or themselves and their direct reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmployeeVisibility {
    Organization { organization_id: OrganizationId },
    SelfAndReports { organization_id: OrganizationId, employee_id: EmployeeId },
}

/// Whose performance records (SKPs) a caller may list: as [`employee_visibility`], without portals.
pub fn performance_visibility(caller: &Caller) -> ApiResult<EmployeeVisibility> {
    if caller.kind == SubjectKind::ServiceClient {
        return Err(ApiError::forbidden("Portals do not read performance records"));
    }
    employee_visibility(caller)
}

/// Whose submitted SKPs wait in a caller's inbox: those of their direct reports, and for an admin
/// also those of employees with no supervisor in the system (the head of the agency; never the
/// admin's own), as [`Permission::DecideSkp`] decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkpInbox {
    pub supervisor_id: EmployeeId,
    pub with_heads_of_agency: bool,
}

pub fn skp_inbox(caller: &Caller) -> ApiResult<SkpInbox> {
    let me = caller.employee_id().ok_or_else(|| ApiError::forbidden("Only employees have an inbox"))?;
    Ok(SkpInbox { supervisor_id: me.clone(), with_heads_of_agency: caller.has_role(Role::Admin) })
}

/// Whose peer-rating assignments of a period a caller lists: their own, as rater (an employee of
/// the period's organisation). Portals rate nobody (`403`); another organisation's period does
/// not exist (`404`).
pub fn own_peer_assignments(caller: &Caller, period_organization_id: &OrganizationId) -> ApiResult<EmployeeId> {
    if caller.organization_id != *period_organization_id {
        return Err(ApiError::NotFound("period"));
    }
    caller.employee_id().cloned().ok_or_else(|| ApiError::forbidden("Only employees rate colleagues"))
}

/// Whose pending work fills a caller's inbox: theirs as an employee, their direct reports' as
/// their supervisor, the objections they decide; admins add what [`skp_inbox`] and
/// [`objection_inbox`] give them. Employees only: portals have no inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxScope {
    pub organization_id: OrganizationId,
    pub employee_id: EmployeeId,
    /// Also decides whose achievements wait for verification ([`Permission::VerifyAchievement`]
    /// mirrors [`Permission::DecideSkp`]).
    pub skp: SkpInbox,
    pub objections: ObjectionInbox,
}

pub fn inbox_scope(caller: &Caller) -> ApiResult<InboxScope> {
    let skp = skp_inbox(caller)?;
    Ok(InboxScope {
        organization_id: caller.organization_id.clone(),
        employee_id: skp.supervisor_id.clone(),
        skp,
        objections: objection_inbox(caller)?,
    })
}

/// Which objections wait for a caller's decision: those naming them as decider, and for an admin
/// also those falling to the policy's admin fallback where the admin is not a party, as
/// [`Permission::DecideObjection`] decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionInbox {
    pub decider_id: EmployeeId,
    pub with_admin_fallback: bool,
}

pub fn objection_inbox(caller: &Caller) -> ApiResult<ObjectionInbox> {
    let me = caller.employee_id().ok_or_else(|| ApiError::forbidden("Only employees have an inbox"))?;
    Ok(ObjectionInbox { decider_id: me.clone(), with_admin_fallback: caller.has_role(Role::Admin) })
}

/// Which assessments and objections a caller may list, as [`Permission::ReadAssessment`] and
/// [`Permission::ReadObjection`] decide for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvaluationVisibility {
    /// Admins and auditors: every published assessment and every objection of the organisation,
    /// and their own drafts.
    Organization { organization_id: OrganizationId, employee_id: Option<EmployeeId> },
    /// Others: their own drafts; published assessments of themselves, their direct reports and
    /// their reports' reports (whose objections they hear); objections they are party to.
    Parties { organization_id: OrganizationId, employee_id: EmployeeId },
}

pub fn evaluation_visibility(caller: &Caller) -> ApiResult<EvaluationVisibility> {
    if caller.kind == SubjectKind::ServiceClient {
        return Err(ApiError::forbidden("Portals do not read performance records"));
    }
    let organization_id = caller.organization_id.clone();
    let employee_id = caller.employee_id().cloned();
    match employee_id {
        _ if caller.has_role(Role::Admin) || caller.has_role(Role::Auditor) => {
            Ok(EvaluationVisibility::Organization { organization_id, employee_id })
        }
        Some(employee_id) => Ok(EvaluationVisibility::Parties { organization_id, employee_id }),
        None => Err(ApiError::forbidden("Only employees read assessments")),
    }
}

/// Which complaints a caller may list, as [`Permission::ReadComplaint`] decides for one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComplaintVisibility {
    /// Admins and auditors: every complaint of the organisation.
    Organization,
    /// A unit's head: those about the unit, and those assigned to them.
    Unit { unit_id: UnitId, employee_id: EmployeeId },
    /// Others: those assigned to them.
    Assigned { employee_id: EmployeeId },
}

pub fn complaint_visibility(caller: &Caller, headed_unit: Option<&UnitId>) -> ApiResult<ComplaintVisibility> {
    if caller.kind == SubjectKind::ServiceClient {
        return Err(ApiError::forbidden("Portals pass complaints on; they do not read them"));
    }
    if caller.has_role(Role::Admin) || caller.has_role(Role::Auditor) {
        return Ok(ComplaintVisibility::Organization);
    }
    let me = caller.employee_id().ok_or_else(|| ApiError::forbidden("Only employees read complaints"))?.clone();
    Ok(match headed_unit {
        Some(unit) => ComplaintVisibility::Unit { unit_id: unit.clone(), employee_id: me },
        None => ComplaintVisibility::Assigned { employee_id: me },
    })
}

/// Who sets an employee's password, and so what they must prove.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordSetter {
    /// The employee themselves: with their current password.
    Themselves,
    /// An admin of their organisation: no current password (the employee may have forgotten it).
    Admin,
}

/// Set an employee's password: the employee themselves, or an admin (`403` for anyone else who
/// may see the employee, `404` for who may not).
pub fn password_setter(caller: &Caller, employee: &EmployeeRef) -> ApiResult<PasswordSetter> {
    authorize(caller, Permission::ReadEmployee { employee })?;
    if caller.employee_id() == Some(&employee.id) {
        return Ok(PasswordSetter::Themselves);
    }
    authorize(caller, Permission::Administer { organization_id: &employee.organization_id })?;
    Ok(PasswordSetter::Admin)
}

pub fn employee_visibility(caller: &Caller) -> ApiResult<EmployeeVisibility> {
    let organization_id = caller.organization_id.clone();
    if caller.has_role(Role::Admin) || caller.has_role(Role::Auditor) || caller.has_scope(Scope::EmployeesRead) {
        return Ok(EmployeeVisibility::Organization { organization_id });
    }
    match caller.employee_id() {
        Some(id) => Ok(EmployeeVisibility::SelfAndReports { organization_id, employee_id: id.clone() }),
        None => Err(ApiError::forbidden("This client lacks the employees:read scope")),
    }
}
