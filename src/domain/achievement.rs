//! The rules of an achievement (capaian/realisasi) and its evidence (bukti dukung): the
//! verification workflow (PermenPANRB 6/2022: the supervisor checks what the employee reports),
//! and which evidence files are accepted, judged by their content.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

crate::domain::text_enum! {
    /// Where an achievement is in its verification.
    #[derive(ToSchema)]
    pub enum AchievementStatus {
        /// Recorded (or corrected and resubmitted); waits for the supervisor.
        Submitted = "submitted",
        /// Checked by the supervisor; locked.
        Verified = "verified",
        /// Sent back with a reason; the employee corrects it and resubmits.
        Rejected = "rejected",
    }
}

/// What someone does to an achievement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AchievementAction {
    /// The employee changes the value, the note or the evidence.
    Correct,
    /// The employee sends a rejected achievement back to the supervisor.
    Resubmit,
    /// The supervisor accepts it.
    Verify,
    /// The supervisor sends it back with a reason.
    Reject,
}

impl AchievementStatus {
    /// The status after `action`, or why the action is not possible now.
    pub fn after(self, action: AchievementAction) -> Result<AchievementStatus, &'static str> {
        use AchievementAction::*;
        use AchievementStatus::*;
        match (self, action) {
            (Verified, _) => Err("A verified achievement is locked"),
            (Submitted | Rejected, Correct) => Ok(self),
            (Rejected, Resubmit) => Ok(Submitted),
            (Submitted, Resubmit) => Err("The achievement already waits for verification"),
            (Submitted, Verify) => Ok(Verified),
            (Submitted, Reject) => Ok(Rejected),
            (Rejected, Verify | Reject) => Err("A rejected achievement must be corrected and resubmitted first"),
        }
    }
}

/// The kinds of evidence file accepted: documents and photos that any office can open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceFileType {
    Pdf,
    Jpeg,
    Png,
    Docx,
    Xlsx,
}

impl EvidenceFileType {
    pub const ALL: [EvidenceFileType; 5] = [Self::Pdf, Self::Jpeg, Self::Png, Self::Docx, Self::Xlsx];

    /// The media type the file is served with.
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn from_media_type(value: &str) -> Option<Self> {
        let value = value.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|t| t.media_type() == value)
    }

    /// What the bytes are, from their signature; the name and the declared type do not count.
    /// DOCX and XLSX are ZIP archives: they are told apart by the first entries (`word/`, `xl/`),
    /// so a plain ZIP, a PPTX or an ODF file is none of these.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if infer::archive::is_pdf(bytes) && bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if infer::image::is_jpeg(bytes) {
            Some(Self::Jpeg)
        } else if infer::image::is_png(bytes) {
            Some(Self::Png)
        } else if infer::doc::is_docx(bytes) {
            Some(Self::Docx)
        } else if infer::doc::is_xlsx(bytes) {
            Some(Self::Xlsx)
        } else {
            None
        }
    }
}

/// A file name safe to store and to send back in `Content-Disposition`: the last path segment,
/// without control characters, 1-200 characters.
pub fn clean_file_name(name: &str) -> Result<String, &'static str> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if base.chars().any(char::is_control) {
        return Err("the file name may not contain control characters");
    }
    if base.is_empty() || base == "." || base == ".." {
        return Err("a file name is required");
    }
    if base.chars().count() > 200 {
        return Err("the file name may be at most 200 characters");
    }
    Ok(base.to_string())
}

/// A link to evidence kept elsewhere (a shared drive, an application's record): `http` or
/// `https`, with a host, no spaces or control characters, at most 2000 characters.
pub fn check_link(url: &str) -> Result<(), &'static str> {
    if url.len() > 2000 {
        return Err("a link may be at most 2000 characters");
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("a link may not contain spaces or control characters");
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("a link must start with https:// or http://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    if host.is_empty() || host.starts_with(':') {
        return Err("a link must name a host");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use AchievementAction::*;
    use AchievementStatus::*;

    #[test]
    fn rejected_achievements_are_corrected_resubmitted_and_then_verified_and_locked() {
        let mut status = Submitted;
        status = status.after(Reject).unwrap();
        assert_eq!(status, Rejected);
        assert!(status.after(Verify).is_err(), "a rejected one must be resubmitted first");
        status = status.after(Correct).unwrap();
        assert_eq!(status, Rejected, "a correction alone does not resubmit");
        status = status.after(Resubmit).unwrap();
        status = status.after(Verify).unwrap();
        assert_eq!(status, Verified);
        for action in [Correct, Resubmit, Verify, Reject] {
            assert!(status.after(action).is_err(), "verified is locked against {action:?}");
        }
        assert!(Submitted.after(Resubmit).is_err());
    }

    #[test]
    fn stored_statuses_round_trip() {
        for s in AchievementStatus::ALL {
            assert_eq!(AchievementStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AchievementStatus::parse("draft"), None);
    }

    /// The first bytes of a ZIP archive whose first entry is `name` (what office files start with).
    fn zip_starting_with(name: &str) -> Vec<u8> {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend([0u8; 26]);
        bytes.extend(name.as_bytes());
        bytes.extend([0u8; 64]);
        bytes
    }

    #[test]
    fn files_are_judged_by_their_content() {
        assert_eq!(EvidenceFileType::sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), Some(EvidenceFileType::Pdf));
        assert_eq!(EvidenceFileType::sniff(b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00"), Some(EvidenceFileType::Jpeg));
        assert_eq!(EvidenceFileType::sniff(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), Some(EvidenceFileType::Png));
        assert_eq!(EvidenceFileType::sniff(&zip_starting_with("word/document.xml")), Some(EvidenceFileType::Docx));
        assert_eq!(EvidenceFileType::sniff(&zip_starting_with("xl/workbook.xml")), Some(EvidenceFileType::Xlsx));
        // A plain ZIP, a presentation, text that mentions PDF, an executable: refused.
        assert_eq!(EvidenceFileType::sniff(&zip_starting_with("notes.txt")), None);
        assert_eq!(EvidenceFileType::sniff(&zip_starting_with("ppt/presentation.xml")), None);
        assert_eq!(EvidenceFileType::sniff(b"This is not a %PDF at all"), None);
        assert_eq!(EvidenceFileType::sniff(b"MZ\x90\x00\x03\x00\x00\x00"), None);
        assert_eq!(EvidenceFileType::sniff(b""), None);
    }

    #[test]
    fn media_types_name_the_file_types() {
        for t in EvidenceFileType::ALL {
            assert_eq!(EvidenceFileType::from_media_type(t.media_type()), Some(t));
        }
        assert_eq!(EvidenceFileType::from_media_type("Application/PDF; charset=binary"), Some(EvidenceFileType::Pdf));
        assert_eq!(EvidenceFileType::from_media_type("application/zip"), None);
    }

    #[test]
    fn file_names_keep_only_their_last_segment() {
        assert_eq!(clean_file_name("laporan Q1.pdf").unwrap(), "laporan Q1.pdf");
        assert_eq!(clean_file_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(clean_file_name("C:\\Users\\budi\\foto.jpg").unwrap(), "foto.jpg");
        assert!(clean_file_name("a\r\nb.pdf").is_err());
        assert!(clean_file_name("dir/").is_err());
        assert!(clean_file_name(&"x".repeat(201)).is_err());
    }

    #[test]
    fn links_are_web_addresses_with_a_host() {
        assert!(check_link("https://drive.example.go.id/berkas/123").is_ok());
        assert!(check_link("http://sikd.kota.go.id?id=5").is_ok());
        for bad in ["javascript:alert(1)", "ftp://x/y", "https://", "https:///path", "https://a b", "file:///etc"] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
    }

    proptest::proptest! {
        #[test]
        fn a_cleaned_file_name_has_no_separators_or_control_characters(name in "\\PC{0,300}") {
            if let Ok(clean) = clean_file_name(&name) {
                proptest::prop_assert!(!clean.contains('/') && !clean.contains('\\'));
                proptest::prop_assert!(!clean.chars().any(char::is_control));
                proptest::prop_assert!((1..=200).contains(&clean.chars().count()));
            }
        }
    }
}
