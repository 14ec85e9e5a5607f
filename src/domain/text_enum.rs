//! Enums that are stored and sent as text: each value written once, with its one name.
//!
//! Declare one with [`text_enum!`](crate::domain::text_enum); it gets `ALL`, `as_str`, `parse`,
//! `Display` and serde under exactly those names. To store it in a `Text` column, add it to
//! `crate::db::types` (`text_column!`), which turns an unknown stored name into an error.

/// What every text-backed enum offers; implemented by [`text_enum!`](crate::domain::text_enum).
pub trait TextEnum: Copy + Eq + std::fmt::Debug + 'static {
    /// The Rust name, for error messages.
    const TYPE_NAME: &'static str;
    /// Every value, in declaration order.
    fn all() -> &'static [Self];
    /// The stored and serialised name.
    fn as_str(self) -> &'static str;
    /// The value of a stored name; `None` when no value has that name (never a default).
    fn parse(text: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.as_str() == text)
    }
}

/// Declares an enum whose values each carry their stored and serialised name:
///
/// ```ignore
/// crate::domain::text_enum! {
///     /// Where an SKP is in its approval.
///     #[derive(PartialOrd, Ord, utoipa::ToSchema)]
///     pub enum SkpStatus {
///         Draft = "draft",
///         Submitted = "submitted",
///     }
/// }
/// ```
///
/// The enum derives `Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize` (add more
/// with your own `#[derive]`); serde uses the given names, so `ToSchema` lists them too.
macro_rules! text_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident = $text:tt ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$variant_meta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The stored and serialised name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// The value of a stored name; `None` for an unknown one (never a default).
            pub fn parse(text: &str) -> Option<Self> {
                match text {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl $crate::domain::text_enum::TextEnum for $name {
            const TYPE_NAME: &'static str = stringify!($name);
            fn all() -> &'static [Self] {
                &$name::ALL
            }
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}
pub(crate) use text_enum;

/// Declares a [`text_enum!`] from a list macro such as [`crate::domain::skm::skm_elements`], whose
/// items read `Variant field "field"`: the field name doubles as the stored name, which a
/// compile-time check holds to.
macro_rules! enum_from_list {
    (
        $(#[$meta:meta])* $vis:vis enum $name:ident ;
        $( $(#[$variant_meta:meta])* $variant:ident $field:ident $text:tt, )+
    ) => {
        $crate::domain::text_enum! {
            $(#[$meta])*
            $vis enum $name {
                $( $(#[$variant_meta])* $variant = $text, )+
            }
        }
        $(
            const _: () = assert!(
                $crate::domain::text_enum::same_name(stringify!($field), $text),
                concat!("the field ", stringify!($field), " must be stored as ", $text)
            );
        )+
    };
}
pub(crate) use enum_from_list;

/// `a == b`, usable in constants.
pub const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}
