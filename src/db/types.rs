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
//!   passed where another is meant. They serialise as plain strings; in a `ToSchema` struct write
//!   `#[schema(value_type = String)]` on the field so the spec stays a plain string. Declare a new
//!   one with [`id_type!`].
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

/// Declares an id newtype over a `Text` column: serialised as a plain string, compared by value,
/// usable wherever a `&str` is read (it derefs to `str`).
macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default,
            serde::Serialize, serde::Deserialize, diesel::AsExpression, diesel::FromSqlRow,
        )]
        #[serde(transparent)]
        #[diesel(sql_type = diesel::sql_types::Text)]
        pub struct $name(String);

        impl $name {
            /// A new id (a time-ordered UUIDv7, see [`crate::db::new_id`]).
            pub fn generate() -> Self {
                $name($crate::db::new_id())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_string())
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl From<&$name> for String {
            fn from(id: &$name) -> String {
                id.0.clone()
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }

        impl PartialEq<$name> for str {
            fn eq(&self, other: &$name) -> bool {
                self == other.0
            }
        }

        impl PartialEq<$name> for &str {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        impl PartialEq<$name> for String {
            fn eq(&self, other: &$name) -> bool {
                *self == other.0
            }
        }

        /// For `#[validate(length(...))]` on request fields.
        impl validator::ValidateLength<u64> for $name {
            fn length(&self) -> Option<u64> {
                self.0.length()
            }
        }

        impl<DB> ToSql<Text, DB> for $name
        where
            DB: Backend,
            String: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <String as ToSql<Text, DB>>::to_sql(&self.0, out)
            }
        }

        impl<DB> FromSql<Text, DB> for $name
        where
            DB: Backend,
            String: FromSql<Text, DB>,
        {
            fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
                <String as FromSql<Text, DB>>::from_sql(bytes).map($name)
            }
        }
    };
}
#[allow(unused_imports)] // for resource modules that declare their own
pub(crate) use id_type;

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

id_type! {
    /// An organisation (pemerintah daerah)'s id.
    OrganizationId
}
id_type! {
    /// An employee's id.
    EmployeeId
}
id_type! {
    /// A unit's id.
    UnitId
}

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
