//! Tindak lanjut (PermenPANRB 6/2022 stage 5): from each employee's predicate and follow-up plan,
//! who is recommended for recognition, for training (grouped by topic so that the training unit
//! can plan courses), for coaching, or for a warning. The service recommends; people decide.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::EmployeeId;
use super::predikat::Predikat;

/// What the supervisor and the employee agreed to follow up with, as recommendations read it
/// (named apart from the assessment's plan).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = RecommendationFollowUp)]
pub struct FollowUpPlan {
    /// Topics of the training needs, as written.
    pub training_topics: Vec<String>,
    pub coaching: bool,
    pub recognition: bool,
}

/// One employee's outcome for the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Outcome {
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub predikat: Predikat,
    pub follow_up: Option<FollowUpPlan>,
}

crate::domain::text_enum! {
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum RecommendationKind {
        Recognition = "recognition",
        Training = "training",
        Coaching = "coaching",
        Warning = "warning",
    }
}

/// One employee recommended for something, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Recommended {
    #[schema(value_type = String)]
    pub employee_id: EmployeeId,
    pub predikat: Predikat,
    /// Why: "predikat sangat_baik", "follow-up plan".
    pub reasons: Vec<String>,
}

/// Everyone who needs one training topic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrainingGroup {
    /// The topic as first written; topics differing only in case or spacing are one group.
    pub topic: String,
    #[schema(value_type = Vec<String>)]
    pub employee_ids: Vec<EmployeeId>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Recommendations {
    pub recognition: Vec<Recommended>,
    /// By topic, topics in alphabetical order.
    pub training: Vec<TrainingGroup>,
    pub coaching: Vec<Recommended>,
    pub warning: Vec<Recommended>,
}

/// The key topics are grouped by: lower case, single spaces.
pub fn topic_key(topic: &str) -> String {
    topic.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Recommends by these rules: recognition for `sangat_baik` or a plan naming recognition;
/// training for each topic a plan names; coaching for `butuh_perbaikan` or a plan naming coaching;
/// a warning for `kurang` (misconduct) and `sangat_kurang`.
pub fn recommend(outcomes: &[Outcome]) -> Recommendations {
    let mut out = Recommendations::default();
    let mut topics: BTreeMap<String, TrainingGroup> = BTreeMap::new();
    let predicate_reason = |p: Predikat| format!("predikat {}", p.as_str());
    for o in outcomes {
        let plan = o.follow_up.clone().unwrap_or_default();
        let push = |list: &mut Vec<Recommended>, by_predicate: bool, by_plan: bool| {
            let mut reasons = Vec::new();
            if by_predicate {
                reasons.push(predicate_reason(o.predikat));
            }
            if by_plan {
                reasons.push("follow-up plan".to_string());
            }
            if !reasons.is_empty() {
                list.push(Recommended { employee_id: o.employee_id.clone(), predikat: o.predikat, reasons });
            }
        };
        push(&mut out.recognition, o.predikat == Predikat::SangatBaik, plan.recognition);
        push(&mut out.coaching, o.predikat == Predikat::ButuhPerbaikan, plan.coaching);
        push(&mut out.warning, matches!(o.predikat, Predikat::Kurang | Predikat::SangatKurang), false);
        for topic in &plan.training_topics {
            let key = topic_key(topic);
            if key.is_empty() {
                continue;
            }
            let group = topics
                .entry(key)
                .or_insert_with(|| TrainingGroup { topic: topic.trim().to_string(), employee_ids: Vec::new() });
            if !group.employee_ids.contains(&o.employee_id) {
                group.employee_ids.push(o.employee_id.clone());
            }
        }
    }
    out.training = topics.into_values().collect();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Predikat::*;

    fn outcome(id: &str, predikat: Predikat, plan: Option<FollowUpPlan>) -> Outcome {
        Outcome { employee_id: id.into(), predikat, follow_up: plan }
    }

    fn training(topics: &[&str]) -> Option<FollowUpPlan> {
        Some(FollowUpPlan { training_topics: topics.iter().map(|t| t.to_string()).collect(), ..Default::default() })
    }

    #[test]
    fn each_list_by_its_rule() {
        let r = recommend(&[
            outcome("a", SangatBaik, None),
            outcome("b", Baik, Some(FollowUpPlan { recognition: true, coaching: true, ..Default::default() })),
            outcome("c", ButuhPerbaikan, training(&["Excel lanjutan"])),
            outcome("d", Kurang, None),
            outcome("e", SangatKurang, training(&["excel  LANJUTAN", "Etika ASN"])),
        ]);
        fn ids(list: &[Recommended]) -> Vec<&str> {
            list.iter().map(|r| r.employee_id.as_str()).collect()
        }
        assert_eq!(ids(&r.recognition), vec!["a", "b"]);
        assert_eq!(r.recognition[0].reasons, vec!["predikat sangat_baik"]);
        assert_eq!(r.recognition[1].reasons, vec!["follow-up plan"]);
        assert_eq!(ids(&r.coaching), vec!["b", "c"]);
        assert_eq!(ids(&r.warning), vec!["d", "e"]);
        // Topics differing in case and spacing are one course.
        assert_eq!(
            r.training,
            vec![
                TrainingGroup { topic: "Etika ASN".into(), employee_ids: vec!["e".into()] },
                TrainingGroup { topic: "Excel lanjutan".into(), employee_ids: vec!["c".into(), "e".into()] },
            ]
        );
    }

    proptest! {
        #[test]
        fn everyone_below_baik_is_followed_up_and_nobody_twice_in_a_list(ps in proptest::collection::vec(0usize..5, 0..30)) {
            let outcomes: Vec<Outcome> =
                ps.iter().enumerate().map(|(i, p)| outcome(&i.to_string(), Predikat::ALL[*p], training(&["x", "X"]))).collect();
            let r = recommend(&outcomes);
            for o in &outcomes {
                let named = |list: &[Recommended]| list.iter().filter(|r| r.employee_id == o.employee_id).count();
                let expected = usize::from(matches!(o.predikat, ButuhPerbaikan | Kurang | SangatKurang));
                prop_assert_eq!(named(&r.coaching) + named(&r.warning), expected);
                prop_assert_eq!(named(&r.recognition), usize::from(o.predikat == SangatBaik));
            }
            prop_assert!(r.training.len() <= 1);
            prop_assert_eq!(r.training.iter().map(|t| t.employee_ids.len()).sum::<usize>(), outcomes.len());
        }
    }
}
