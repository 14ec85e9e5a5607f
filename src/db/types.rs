//! Typed `Text` columns that fail closed: text-backed enums and id newtypes.
//!
//! * **Enums.** Declare the enum with [`crate::domain::text_enum!`] (each value with its one
//!   stored name), then make it a column type with `crate::db::types::text_column!(MyEnum);`
//!   beside it (the domain's enums are listed at the end of this file, the domain knows no diesel).
//!   Rows then hold the enum itself; reading a name no value has is an error (a 500 naming the
//!   type and the value), never a default. Add a CHECK for the column in a migration like
//!   `2026-11-23-000005_typed_columns` (a trigger pair on SQLite); `tests/migrations.rs` checks
//!   that the lists agree with the enums.
//! * **Ids.** [`OrganizationId`], [`EmployeeId`] and [`UnitId`] are distinct types, so one cannot be
//!   passed where another is meant. They are declared in [`crate::domain::ids`] (so the rules
//!   use them too) and made column types here with `id_column!`. They serialise as plain strings;
//!   in a `ToSchema` struct write `#[schema(value_type = String)]` on the field so the spec stays
//!   a plain string.
//!
//! A unit's id is what the unit store takes:
//!
//! ```no_run
//! # fn f(conn: &mut kinerja::db::AnyConnection, unit: kinerja::db::types::UnitId) {
//! let _ = kinerja::units::find(conn, &unit);
//! # }
//! ```
//!
//! and an employee's id is not, so mixing them up does not compile:
//!
//! ```compile_fail,E0308
//! # fn f(conn: &mut kinerja::db::AnyConnection, employee: kinerja::db::types::EmployeeId) {
//! let _ = kinerja::units::find(conn, &employee);
//! # }
//! ```

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::Text;

use crate::domain::text_enum::TextEnum;

/// Reads a stored enum name; an unknown one is an error that names the type and the value.
pub fn parse_stored<T: TextEnum>(text: &str) -> deserialize::Result<T> {
    T::parse(text).ok_or_else(|| format!("unknown {} value {text:?} stored in the database", T::TYPE_NAME).into())
}

/// Makes text enums (declared with `text_enum!`) usable as `Text` columns on every backend,
/// including the shared `AnyConnection`.
macro_rules! text_column {
    ($($ty:ty),+ $(,)?) => {$(
        const _: () = {
            #[derive(diesel::AsExpression, diesel::FromSqlRow)]
            #[diesel(foreign_derive)]
            #[diesel(sql_type = diesel::sql_types::Text)]
            #[allow(dead_code)]
            struct Column($ty);

            impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $ty
            where
                DB: diesel::backend::Backend,
                str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
            {
                fn to_sql<'b>(
                    &'b self,
                    out: &mut diesel::serialize::Output<'b, '_, DB>,
                ) -> diesel::serialize::Result {
                    <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(self.as_str(), out)
                }
            }

            impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $ty
            where
                DB: diesel::backend::Backend,
                String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
            {
                fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                    let text = <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes)?;
                    $crate::db::types::parse_stored(&text)
                }
            }
        };
    )+};
}
pub(crate) use text_column;

/// Makes the id newtypes of [`crate::domain::ids`] usable as `Text` columns on
/// every backend, including the shared `AnyConnection`, and gives them `generate`.
macro_rules! id_column {
    ($($ty:ident),+ $(,)?) => {$(
        impl $ty {
            /// A new id (a time-ordered UUIDv7, see [`crate::db::new_id`]).
            pub fn generate() -> Self {
                $ty::from($crate::db::new_id())
            }
        }

        const _: () = {
            #[derive(diesel::AsExpression, diesel::FromSqlRow)]
            #[diesel(foreign_derive)]
            #[diesel(sql_type = diesel::sql_types::Text)]
            #[allow(dead_code)]
            struct Column($ty);

            impl<DB> diesel::serialize::ToSql<diesel::sql_types::Text, DB> for $ty
            where
                DB: diesel::backend::Backend,
                str: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
            {
                fn to_sql<'b>(
                    &'b self,
                    out: &mut diesel::serialize::Output<'b, '_, DB>,
                ) -> diesel::serialize::Result {
                    <str as diesel::serialize::ToSql<diesel::sql_types::Text, DB>>::to_sql(self.as_str(), out)
                }
            }

            impl<DB> diesel::deserialize::FromSql<diesel::sql_types::Text, DB> for $ty
            where
                DB: diesel::backend::Backend,
                String: diesel::deserialize::FromSql<diesel::sql_types::Text, DB>,
            {
                fn from_sql(bytes: DB::RawValue<'_>) -> diesel::deserialize::Result<Self> {
                    <String as diesel::deserialize::FromSql<diesel::sql_types::Text, DB>>::from_sql(bytes).map($ty::from)
                }
            }
        };
    )+};
}
#[allow(unused_imports)] // for resource modules that declare their own
pub(crate) use id_column;

/// A set of text enums in one `Text` column, their names sorted and joined by `SEP` (an
/// employee's roles `admin,auditor`, a client's scopes `employees:read organization:read`).
/// Reading a name no value has is an error that names it, never a value silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, diesel::AsExpression, diesel::FromSqlRow)]
#[diesel(sql_type = diesel::sql_types::Text)]
pub struct TextList<T: TextEnum, const SEP: char> {
    values: Vec<T>,
    stored: String,
}

impl<T: TextEnum, const SEP: char> TextList<T, SEP> {
    /// The set of `values` (duplicates once).
    pub fn new(values: &[T]) -> Self {
        let mut names: Vec<&str> = values.iter().map(|v| v.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        let values = names.iter().filter_map(|n| T::parse(n)).collect();
        TextList { values, stored: names.join(&SEP.to_string()) }
    }

    /// Reads a stored list; an unknown name is an error naming the type and the name.
    pub fn parse(stored: &str) -> Result<Self, String> {
        let values = stored
            .split(SEP)
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(|name| T::parse(name).ok_or_else(|| format!("unknown {} value {name:?}", T::TYPE_NAME)))
            .collect::<Result<Vec<T>, String>>()?;
        Ok(Self::new(&values))
    }

    pub fn values(&self) -> &[T] {
        &self.values
    }

    pub fn contains(&self, value: T) -> bool {
        self.values.contains(&value)
    }

    pub fn as_str(&self) -> &str {
        &self.stored
    }
}

impl<T: TextEnum, const SEP: char, DB> ToSql<Text, DB> for TextList<T, SEP>
where
    DB: Backend,
    String: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        <String as ToSql<Text, DB>>::to_sql(&self.stored, out)
    }
}

impl<T: TextEnum, const SEP: char, DB> FromSql<Text, DB> for TextList<T, SEP>
where
    DB: Backend,
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let stored = <String as FromSql<Text, DB>>::from_sql(bytes)?;
        Ok(Self::parse(&stored).map_err(|e| format!("{e} stored in the database"))?)
    }
}

pub use crate::domain::ids::{EmployeeId, OrganizationId, UnitId};

id_column!(EmployeeId, OrganizationId, UnitId);

// The domain's enums stored in columns (the domain itself knows no diesel). A resource's own
// enums are registered beside them, e.g. `crate::db::types::text_column!(UnitKind);` in units.rs.
text_column!(
    crate::domain::achievement::AchievementStatus,
    crate::domain::assessment::ObjectionStatus,
    crate::domain::capaian::Aspect,
    crate::domain::capaian::TargetKind,
    crate::domain::behaviour::BerakhlakValue,
    crate::domain::distribution::OrgRating,
    crate::domain::engine::ObjectionOutcome,
    crate::domain::policy::EvaluationFrequency,
    crate::domain::predikat::Rating,
    crate::domain::recommendation::RecommendationKind,
    crate::domain::time_zone::OrgTimeZone,
);

#[cfg(test)]
mod tests {
    use diesel::dsl::sql;
    use diesel::prelude::*;
    use diesel::sql_types::Text;

    use super::{EmployeeId, UnitId};
    use crate::db::AnyConnection;
    use crate::domain::capaian::Aspect;

    fn conn() -> AnyConnection {
        AnyConnection::Sqlite(SqliteConnection::establish(":memory:").unwrap())
    }

    #[test]
    fn an_unknown_stored_name_is_an_error_never_a_default() {
        let err = diesel::select(sql::<Text>("'mutu'")).get_result::<Aspect>(&mut conn()).unwrap_err();
        assert!(format!("{err:?}").contains(r#"unknown Aspect value \"mutu\""#), "{err:?}");
    }

    #[test]
    fn enums_and_ids_round_trip_through_the_shared_connection() {
        let mut conn = conn();
        for aspect in Aspect::ALL {
            let back: Aspect = diesel::select(aspect.into_sql::<Text>()).get_result(&mut conn).unwrap();
            assert_eq!(back, aspect);
        }
        let unit = UnitId::generate();
        let back: UnitId = diesel::select((&unit).into_sql::<Text>()).get_result(&mut conn).unwrap();
        assert_eq!(back, unit);
        let employee: EmployeeId = "e-1".into();
        assert_eq!(serde_json::to_string(&employee).unwrap(), "\"e-1\"");
    }
}
