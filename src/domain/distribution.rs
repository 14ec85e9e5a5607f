//! The distribution curve (SE MenPANRB 3/2023): the organisation's own rating for the period
//! limits how its employees' predicates may be distributed. Deviations are reported, never
//! corrected.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::UnitId;
use super::predikat::Predikat;

crate::domain::text_enum! {
    /// The organisation's own performance rating for the period, set by the level above.
    #[derive(PartialOrd, Ord, ToSchema)]
    pub enum OrgRating {
        Istimewa = "istimewa",
        Baik = "baik",
        ButuhPerbaikan = "butuh_perbaikan",
        Kurang = "kurang",
        SangatKurang = "sangat_kurang",
    }
}

/// One limit on the share or number of employees with any of `predikats`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Constraint {
    pub predikats: Vec<Predikat>,
    /// At least this percentage of the employees.
    pub min_percent: Option<f64>,
    /// At most this percentage of the employees.
    pub max_percent: Option<f64>,
    /// At least this many employees.
    pub min_count: Option<u32>,
    pub description: String,
}

/// The constraints that apply under one organisation rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CurveRule {
    pub org_rating: OrgRating,
    pub constraints: Vec<Constraint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DistributionCurve {
    pub rules: Vec<CurveRule>,
}

fn constraint(
    predikats: &[Predikat],
    min_percent: Option<f64>,
    max_percent: Option<f64>,
    min_count: Option<u32>,
    description: &str,
) -> Constraint {
    Constraint { predikats: predikats.to_vec(), min_percent, max_percent, min_count, description: description.into() }
}

impl Default for DistributionCurve {
    /// SE MenPANRB 3/2023.
    fn default() -> Self {
        use Predikat::*;
        let rule = |org_rating, constraints| CurveRule { org_rating, constraints };
        DistributionCurve {
            rules: vec![
                rule(
                    OrgRating::Istimewa,
                    vec![constraint(&[SangatBaik], None, Some(70.0), None, "sangat_baik at most 70%")],
                ),
                rule(
                    OrgRating::Baik,
                    vec![
                        constraint(&[Baik], None, Some(70.0), None, "baik at most 70%"),
                        constraint(
                            &[ButuhPerbaikan, Kurang],
                            None,
                            None,
                            Some(1),
                            "at least one butuh_perbaikan or kurang",
                        ),
                    ],
                ),
                rule(
                    OrgRating::ButuhPerbaikan,
                    vec![
                        constraint(&[ButuhPerbaikan], Some(60.0), None, None, "butuh_perbaikan at least 60%"),
                        constraint(&[SangatBaik], None, Some(10.0), None, "sangat_baik at most 10%"),
                    ],
                ),
                rule(
                    OrgRating::Kurang,
                    vec![
                        constraint(&[Kurang], Some(60.0), None, None, "kurang at least 60%"),
                        constraint(&[ButuhPerbaikan], Some(10.0), None, None, "butuh_perbaikan at least 10%"),
                        constraint(&[SangatBaik], None, Some(10.0), None, "sangat_baik at most 10%"),
                    ],
                ),
                rule(
                    OrgRating::SangatKurang,
                    vec![
                        constraint(&[SangatKurang], Some(60.0), None, None, "sangat_kurang at least 60%"),
                        constraint(
                            &[Kurang, ButuhPerbaikan],
                            Some(10.0),
                            None,
                            None,
                            "kurang or butuh_perbaikan at least 10%",
                        ),
                        constraint(&[SangatBaik], None, Some(0.0), None, "no sangat_baik"),
                    ],
                ),
            ],
        }
    }
}

/// A constraint the distribution breaks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Deviation {
    pub constraint: String,
    pub actual_count: u32,
    pub actual_percent: f64,
    /// The limit broken, e.g. "at most 70%".
    pub limit: String,
    /// The deviation in one line, e.g. "baik 80% > 70% allowed".
    pub message: String,
}

/// A share as the report prints it: "80%", "66.7%".
fn show_percent(share: f64) -> String {
    let text = format!("{share:.1}");
    format!("{}%", text.strip_suffix(".0").unwrap_or(&text))
}

/// Counts predicates.
pub fn tally(predikats: impl IntoIterator<Item = Predikat>) -> BTreeMap<Predikat, u32> {
    let mut counts = BTreeMap::new();
    for p in predikats {
        *counts.entry(p).or_insert(0) += 1;
    }
    counts
}

/// One unit's distribution: everyone in the unit and its sub-units.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct UnitDistribution {
    #[schema(value_type = String)]
    pub unit_id: UnitId,
    pub check: DistributionCheck,
}

/// The organisation's distribution and each unit's, checked against the same curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DistributionReport {
    pub organization: DistributionCheck,
    pub units: Vec<UnitDistribution>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DistributionCheck {
    pub org_rating: OrgRating,
    pub total: u32,
    pub counts: BTreeMap<Predikat, u32>,
    pub percents: BTreeMap<Predikat, f64>,
    pub deviations: Vec<Deviation>,
    /// True when no constraint is broken (also when there is nobody to count).
    pub fits: bool,
}

impl DistributionCurve {
    pub fn check(&self, org_rating: OrgRating, counts: &BTreeMap<Predikat, u32>) -> DistributionCheck {
        let total: u32 = counts.values().sum();
        let percent = |n: u32| if total == 0 { 0.0 } else { n as f64 * 100.0 / total as f64 };
        let mut deviations = Vec::new();
        if total > 0 {
            for rule in self.rules.iter().filter(|r| r.org_rating == org_rating) {
                for c in &rule.constraints {
                    let count: u32 = c.predikats.iter().map(|p| counts.get(p).copied().unwrap_or(0)).sum();
                    let share = percent(count);
                    let names = c.predikats.iter().map(|p| p.as_str()).collect::<Vec<_>>().join(" or ");
                    let mut broken = |limit: String, message: String| {
                        deviations.push(Deviation {
                            constraint: c.description.clone(),
                            actual_count: count,
                            actual_percent: share,
                            limit,
                            message,
                        })
                    };
                    if let Some(max) = c.max_percent.filter(|max| share > max + 1e-9) {
                        broken(format!("at most {max}%"), format!("{names} {} > {max}% allowed", show_percent(share)));
                    }
                    if let Some(min) = c.min_percent.filter(|min| share < min - 1e-9) {
                        broken(
                            format!("at least {min}%"),
                            format!("{names} {} < {min}% required", show_percent(share)),
                        );
                    }
                    if let Some(min) = c.min_count.filter(|min| count < *min) {
                        broken(format!("at least {min}"), format!("{names} {count} < {min} required"));
                    }
                }
            }
        }
        DistributionCheck {
            org_rating,
            total,
            counts: Predikat::ALL.iter().map(|p| (*p, counts.get(p).copied().unwrap_or(0))).collect(),
            percents: Predikat::ALL.iter().map(|p| (*p, percent(counts.get(p).copied().unwrap_or(0)))).collect(),
            fits: deviations.is_empty(),
            deviations,
        }
    }

    /// Checks the organisation and every unit. Each employee comes with the units they count in
    /// (their own unit and its ancestors) and their predicate.
    pub fn report(&self, org_rating: OrgRating, employees: &[(Vec<UnitId>, Predikat)]) -> DistributionReport {
        let mut per_unit: BTreeMap<&UnitId, Vec<Predikat>> = BTreeMap::new();
        for (units, p) in employees {
            for unit in units {
                per_unit.entry(unit).or_default().push(*p);
            }
        }
        DistributionReport {
            organization: self.check(org_rating, &tally(employees.iter().map(|e| e.1))),
            units: per_unit
                .into_iter()
                .map(|(unit, ps)| UnitDistribution { unit_id: unit.clone(), check: self.check(org_rating, &tally(ps)) })
                .collect(),
        }
    }

    /// Checks the curve itself: percentages within 0-100 and each minimum not above its maximum.
    pub fn validate(&self) -> Result<(), Vec<(String, String)>> {
        let mut problems = Vec::new();
        for (i, rule) in self.rules.iter().enumerate() {
            for (j, c) in rule.constraints.iter().enumerate() {
                let at = format!("distribution_curve.rules[{i}].constraints[{j}]");
                for (name, value) in [("min_percent", c.min_percent), ("max_percent", c.max_percent)] {
                    if value.is_some_and(|v| !(0.0..=100.0).contains(&v)) {
                        problems.push((format!("{at}.{name}"), "must be between 0 and 100".into()));
                    }
                }
                if let (Some(min), Some(max)) = (c.min_percent, c.max_percent) {
                    if min > max {
                        problems.push((at.clone(), "min_percent is above max_percent".into()));
                    }
                }
                if c.predikats.is_empty() {
                    problems.push((format!("{at}.predikats"), "name at least one predikat".into()));
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Predikat::*;

    fn counts(list: &[(Predikat, u32)]) -> BTreeMap<Predikat, u32> {
        list.iter().copied().collect()
    }

    #[test]
    fn a_good_organisation_needs_someone_to_improve() {
        let curve = DistributionCurve::default();
        let all_good = curve.check(OrgRating::Baik, &counts(&[(Baik, 7), (SangatBaik, 3)]));
        assert!(!all_good.fits);
        assert_eq!(all_good.deviations.len(), 1);
        assert_eq!(all_good.deviations[0].constraint, "at least one butuh_perbaikan or kurang");
        assert_eq!(all_good.deviations[0].message, "butuh_perbaikan or kurang 0 < 1 required");
        let crowded = curve.check(OrgRating::Baik, &counts(&[(Baik, 8), (ButuhPerbaikan, 2)]));
        assert_eq!(
            crowded.deviations.iter().map(|d| d.message.as_str()).collect::<Vec<_>>(),
            vec!["baik 80% > 70% allowed"]
        );
        let weak = curve.check(OrgRating::Kurang, &counts(&[(Kurang, 1), (Baik, 2)]));
        assert_eq!(weak.deviations[0].message, "kurang 33.3% < 60% required");
        let fits = curve.check(OrgRating::Baik, &counts(&[(Baik, 7), (SangatBaik, 2), (ButuhPerbaikan, 1)]));
        assert!(fits.fits, "{:?}", fits.deviations);
        assert_eq!(fits.percents[&Baik], 70.0);
    }

    #[test]
    fn each_rating_of_the_circular() {
        let curve = DistributionCurve::default();
        assert!(!curve.check(OrgRating::Istimewa, &counts(&[(SangatBaik, 8), (Baik, 2)])).fits);
        assert!(curve.check(OrgRating::Istimewa, &counts(&[(SangatBaik, 7), (Baik, 3)])).fits);
        let weak = curve.check(OrgRating::ButuhPerbaikan, &counts(&[(ButuhPerbaikan, 5), (SangatBaik, 2), (Baik, 3)]));
        assert_eq!(weak.deviations.len(), 2);
        assert!(
            curve
                .check(OrgRating::Kurang, &counts(&[(Kurang, 6), (ButuhPerbaikan, 1), (SangatBaik, 1), (Baik, 2)]))
                .fits
        );
        let worst = curve.check(OrgRating::SangatKurang, &counts(&[(SangatKurang, 8), (Kurang, 1), (SangatBaik, 1)]));
        assert_eq!(worst.deviations.iter().map(|d| d.constraint.as_str()).collect::<Vec<_>>(), vec!["no sangat_baik"]);
        assert!(curve.check(OrgRating::SangatKurang, &BTreeMap::new()).fits);
    }

    #[test]
    fn the_report_checks_each_unit_with_its_sub_units_and_the_organisation() {
        let curve = DistributionCurve::default();
        let in_units = |units: &[&str], p| (units.iter().map(|u| UnitId::from(*u)).collect::<Vec<_>>(), p);
        // Unit "bidang" sits in "dinas"; "other" stands alone.
        let employees = vec![
            in_units(&["bidang", "dinas"], Baik),
            in_units(&["bidang", "dinas"], Baik),
            in_units(&["dinas"], ButuhPerbaikan),
            in_units(&["other"], SangatBaik),
        ];
        let report = curve.report(OrgRating::Baik, &employees);
        assert_eq!(report.organization.total, 4);
        // 2 of 4 baik = 50%, one butuh_perbaikan: the organisation fits.
        assert!(report.organization.fits, "{:?}", report.organization.deviations);
        let unit = |id: &str| &report.units.iter().find(|u| u.unit_id == id).unwrap().check;
        assert_eq!(unit("dinas").total, 3);
        assert!(unit("dinas").fits);
        let bidang = unit("bidang");
        let messages: Vec<&str> = bidang.deviations.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages, vec!["baik 100% > 70% allowed", "butuh_perbaikan or kurang 0 < 1 required"]);
        assert_eq!(unit("other").deviations.len(), 1);
    }

    #[test]
    fn the_default_curve_is_valid_and_bad_curves_are_not() {
        assert!(DistributionCurve::default().validate().is_ok());
        let mut bad = DistributionCurve::default();
        bad.rules[0].constraints[0].max_percent = Some(170.0);
        assert!(bad.validate().is_err());
    }

    proptest! {
        #[test]
        fn percents_add_up_and_deviations_match_the_counts(c in proptest::array::uniform5(0u32..50), r in 0usize..5) {
            let map: BTreeMap<Predikat, u32> = Predikat::ALL.into_iter().zip(c).collect();
            let check = DistributionCurve::default().check(OrgRating::ALL[r], &map);
            prop_assert_eq!(check.total, c.iter().sum::<u32>());
            if check.total > 0 {
                prop_assert!((check.percents.values().sum::<f64>() - 100.0).abs() < 1e-6);
            }
            prop_assert_eq!(check.fits, check.deviations.is_empty());
            for d in &check.deviations {
                prop_assert!(d.actual_count <= check.total);
            }
        }
    }
}
