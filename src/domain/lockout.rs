//! When repeated wrong passwords for one account lock it, and for how long.
//!
//! A per-address limit stops one machine guessing; a guess spread over many addresses at one NIP
//! is stopped here, per account: after `threshold` failures in a row the account refuses every
//! attempt (right password included, and before any hashing) for a delay that doubles with each
//! further failure, up to a ceiling. The lock is short so that an attacker cannot keep a colleague
//! locked out for long, and the doubling makes a distributed guess hopeless: a million tries take
//! years. Failures older than `forget_after_secs` no longer count.

/// The lockout rule of an installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutRule {
    /// Failures in a row before the first lock.
    pub threshold: u32,
    /// The first lock, in seconds.
    pub base_secs: i64,
    /// The longest lock, in seconds.
    pub max_secs: i64,
    /// A failure this long after the previous one starts counting afresh (applied by the store's
    /// atomic upsert, `auth::lockout::record_failure`, so that racing failures all count).
    pub forget_after_secs: i64,
}

impl Default for LockoutRule {
    fn default() -> Self {
        Self { threshold: 5, base_secs: 30, max_secs: 15 * 60, forget_after_secs: 60 * 60 }
    }
}

impl LockoutRule {
    /// How long the account is locked after its `failures`-th failure in a row (None: not locked).
    pub fn lock_secs(&self, failures: u32) -> Option<i64> {
        let beyond = failures.checked_sub(self.threshold)?;
        let doubled = self.base_secs.checked_mul(1i64.checked_shl(beyond.min(62)).unwrap_or(i64::MAX));
        Some(doubled.unwrap_or(self.max_secs).min(self.max_secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_fifth_failure_locks_for_thirty_seconds_and_each_further_one_doubles_up_to_fifteen_minutes() {
        let rule = LockoutRule::default();
        assert_eq!(rule.lock_secs(4), None);
        assert_eq!(rule.lock_secs(5), Some(30));
        assert_eq!(rule.lock_secs(6), Some(60));
        assert_eq!(rule.lock_secs(9), Some(480));
        assert_eq!(rule.lock_secs(10), Some(900));
        assert_eq!(rule.lock_secs(u32::MAX), Some(900));
    }

    proptest! {
        #[test]
        fn a_lock_never_shrinks_with_more_failures_and_stays_within_its_bounds(
            threshold in 1u32..20, base in 1i64..120, max in 120i64..100_000, failures in 0u32..200,
        ) {
            let rule = LockoutRule { threshold, base_secs: base, max_secs: max, forget_after_secs: 3600 };
            let now = rule.lock_secs(failures);
            let next = rule.lock_secs(failures + 1);
            prop_assert_eq!(now.is_some(), failures >= threshold);
            prop_assert!(next.is_some() || failures + 1 < threshold);
            if let (Some(a), Some(b)) = (now, next) {
                prop_assert!(a <= b && b <= max && a >= base.min(max));
            }
        }
    }
}
