//! Achievements (capaian/realisasi): per aspect of an approved SKP's indicator and per sub-period,
//! the value the employee realised, with a note and evidence (bukti dukung: links and files).
//! The supervisor verifies or rejects each one; a rejected one is corrected and resubmitted; a
//! verified one is locked. Nothing changes once the period is closed.
//!
//! Evidence files are judged by their content (PDF, JPEG, PNG, DOCX, XLSX), kept with their
//! SHA-256, and stored in the database (`evidence_files`) so every instance behind a load
//! balancer serves them; [`store::EvidenceStore`] is the seam for object storage.

mod routes;
pub mod store;

pub use crate::domain::achievement::{AchievementStatus, EvidenceFileType};
pub use routes::routes;

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::types::{EmployeeId, OrganizationId};
use crate::domain::capaian::Aspect;

/// A realised value for one aspect of an indicator in one sub-period.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Achievement {
    pub id: String,
    #[schema(value_type = String)]
    pub organization_id: OrganizationId,
    pub period_id: String,
    pub sub_period_id: String,
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    /// The approved SKP revision it was recorded against.
    pub skp_id: String,
    /// The target's lineage id (the same across SKP revisions).
    pub target_id: String,
    pub indicator_id: String,
    pub aspect: Aspect,
    /// The aspect's planned value, from the SKP.
    pub target_value: f64,
    /// The realised value, in `unit`: a count, a percent (kualitas), months or days (waktu), rupiah (biaya).
    pub realised: f64,
    pub unit: String,
    pub note: String,
    pub status: AchievementStatus,
    /// Why the supervisor rejected it, while it is rejected.
    pub rejection_reason: Option<String>,
    /// Who verified or rejected it last.
    #[schema(value_type = Option<String>)]
    pub verifier_id: Option<EmployeeId>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When it was last sent to the supervisor.
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub evidence: Vec<Evidence>,
    /// Send it back in `If-Match`; any change, evidence included, makes a new version, so a
    /// supervisor never verifies something other than what they read.
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A file's raw bytes, as the body of an upload or a download.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct FileBytes(pub Vec<u8>);

crate::domain::text_enum! {
    /// Whether evidence is a link or an uploaded file.
    #[derive(ToSchema)]
    pub enum EvidenceKind {
        Link = "link",
        File = "file",
    }
}
crate::db::types::text_column!(EvidenceKind);

/// One piece of evidence (bukti dukung). A file's bytes are at `download_path`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Evidence {
    pub id: String,
    pub kind: EvidenceKind,
    pub title: String,
    /// For links.
    pub url: Option<String>,
    /// For files: the name given at upload (last path segment only).
    pub file_name: Option<String>,
    /// For files: the media type found in the content.
    pub content_type: Option<String>,
    pub size_bytes: Option<i64>,
    /// For files: SHA-256 of the content, hex.
    pub sha256: Option<String>,
    /// For files: where to download it (same authorization as the achievement).
    pub download_path: Option<String>,
    #[schema(value_type = String)]
    pub created_by: EmployeeId,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// A link to evidence kept elsewhere.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"url": "https://drive.kota.go.id/laporan/ktp-q1", "title": "Rekap perekaman Q1"}))]
pub struct NewLink {
    /// `https://` or `http://`, with a host.
    #[validate(length(min = 10, max = 2000))]
    #[schema(min_length = 10, max_length = 2000)]
    pub url: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
}

/// Records the realised value of one aspect for one sub-period (the employee).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"indicator_id": "0193…", "aspect": "kuantitas", "sub_period_id": "0193…", "realised": 130, "note": "130 KTP-el terekam",
    "links": [{"url": "https://drive.kota.go.id/laporan/ktp-q1", "title": "Rekap perekaman Q1"}]}))]
pub struct NewAchievement {
    /// An indicator of the caller's approved SKP (`GET /me/skp` → targets → indicators).
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub indicator_id: String,
    /// One of the indicator's aspects.
    pub aspect: Aspect,
    /// A sub-period (month or quarter) of the SKP's period that has begun.
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub sub_period_id: String,
    /// The realised value in the aspect's unit; 0 or more.
    #[validate(range(min = 0.0, max = 1.0e15))]
    #[schema(minimum = 0.0, maximum = 1.0e15)]
    pub realised: f64,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub note: String,
    /// Links to evidence; files are uploaded afterwards.
    #[validate(length(max = 10), nested)]
    #[schema(max_items = 10)]
    #[serde(default)]
    pub links: Vec<NewLink>,
}

/// A corrected value and note (the employee, while not verified).
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"realised": 150, "note": "Dikoreksi: 150 KTP-el terekam"}))]
pub struct AchievementUpdate {
    #[validate(range(min = 0.0, max = 1.0e15))]
    #[schema(minimum = 0.0, maximum = 1.0e15)]
    pub realised: f64,
    #[validate(length(max = 4000))]
    #[schema(max_length = 4000)]
    #[serde(default)]
    pub note: String,
}

/// Why the supervisor sends an achievement back.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"reason": "Bukti dukung tidak sesuai angka realisasi"}))]
pub struct Rejection {
    #[validate(length(min = 5, max = 4000))]
    #[schema(min_length = 5, max_length = 4000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AchievementQuery {
    #[validate(length(max = 64))]
    #[param(value_type = Option<String>, max_length = 64)]
    pub employee_id: Option<EmployeeId>,
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub period_id: Option<String>,
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub sub_period_id: Option<String>,
    #[validate(length(max = 64))]
    #[param(max_length = 64)]
    pub skp_id: Option<String>,
    pub status: Option<AchievementStatus>,
    /// Only achievements changed at or after this time (RFC 3339), for mobile sync.
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
    /// Page size, 1-200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Validate, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name, shown and used on download; only its last path segment is kept.
    #[validate(length(min = 1, max = 255))]
    #[param(min_length = 1, max_length = 255)]
    pub filename: String,
    /// What the file shows; the file name when absent.
    #[validate(length(min = 1, max = 200))]
    #[param(min_length = 1, max_length = 200)]
    pub title: Option<String>,
}

crate::versioned::versioned!(Achievement);
