//! The string enums' names, written once: [`words!`](crate::words) turns one
//! table per enum (`Variant => "name" | "alias" …`) into its `ALL`, `as_str`,
//! `Display` and, when the table names what it parses, `FromStr`.
//!
//! The enum itself (its derives, serde names and doc comments) stays written
//! by hand next to its table; only the repeated impls come from here.

/// `ALL`, `as_str` and `Display` for a string enum, and with a noun also
/// `FromStr` (trimmed, case-insensitive, aliases accepted).
///
/// ```
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// enum Light {
///     Red,
///     Green,
/// }
///
/// tactful_core::words!(Light as "light" {
///     Red => "red" | "stop",
///     Green => "green" | "go",
/// });
///
/// assert_eq!(Light::ALL, [Light::Red, Light::Green]);
/// assert_eq!(Light::Green.to_string(), "green");
/// assert_eq!(" Stop ".parse::<Light>(), Ok(Light::Red));
/// assert_eq!("amber".parse::<Light>().unwrap_err(), "unknown light `amber`: expected one of red, green");
/// ```
///
/// The forms:
/// - `words!(T { V => "name", … })`: `ALL` (in table order), `as_str` (the
///   first name) and `Display` (writes `as_str`); aliases are ignored.
/// - `words!(T as "noun" { V => "name" | "alias" …, … })`: also `FromStr`
///   with `Err = String`, failing with ``unknown noun `word`: expected one of
///   …`` where `word` is the input trimmed and lower-cased and the list is the
///   names in table order.
/// - `…as "noun", expected "text" {…}`: the list after "expected one of" is
///   `text` instead.
/// - `…as "noun", echo typed {…}`: the error quotes the input as typed.
#[macro_export]
macro_rules! words {
    (@expected $ty:ident) => {
        $ty::ALL.map($ty::as_str).join(", ")
    };
    (@expected $ty:ident $expected:literal) => {
        ::std::string::String::from($expected)
    };
    (@echo $typed:ident $word:ident) => {
        $word
    };
    (@echo $typed:ident $word:ident typed) => {
        $typed
    };
    ($ty:ident { $($v:ident => $name:literal $(| $alias:literal)*),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in the order of its names table.
            pub const ALL: [$ty; [$(stringify!($v)),+].len()] = [$($ty::$v),+];

            /// The stable name: what `Display` writes (and `FromStr`, where
            /// there is one, reads).
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$v => $name),+
                }
            }
        }

        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
    ($ty:ident as $what:literal $(, expected $expected:literal)? $(, echo $echo:ident)?
        { $($v:ident => $name:literal $(| $alias:literal)*),+ $(,)? }) => {
        $crate::words!($ty { $($v => $name),+ });

        impl ::std::str::FromStr for $ty {
            type Err = ::std::string::String;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                let word = s.trim().to_ascii_lowercase();
                match word.as_str() {
                    $($name $(| $alias)* => Ok($ty::$v),)+
                    _ => Err(format!(
                        concat!("unknown ", $what, " `{}`: expected one of {}"),
                        $crate::words!(@echo s word $($echo)?),
                        $crate::words!(@expected $ty $($expected)?),
                    )),
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use crate::coaching::ContentKind;
    use crate::consent::{Purpose, Source, Status};
    use crate::history::{ItemKind, Network};
    use crate::relationships::{Act, Stage};
    use crate::{Category, Channel, Severity};

    #[test]
    fn names_aliases_and_errors_are_the_hand_written_ones() {
        assert_eq!(" Reply ".parse::<Channel>(), Ok(Channel::Comment));
        assert_eq!("PM".parse::<Channel>(), Ok(Channel::Dm));
        assert_eq!("warn".parse::<Severity>(), Ok(Severity::Warning));
        assert_eq!(Category::ALL.len(), 11);
        assert_eq!(Purpose::ProductUpdates.to_string(), "product-updates");
        assert_eq!("added-by-me".parse::<Source>(), Ok(Source::AddedByMe));
        assert_eq!("withdrawn".parse::<Status>(), Ok(Status::Withdrawn));
        assert_eq!("messenger".parse::<Network>(), Ok(Network::Facebook));
        assert_eq!("share_post".parse::<ItemKind>(), Ok(ItemKind::Post));
        assert_eq!("Following".parse::<ItemKind>(), Ok(ItemKind::Connection));
        assert_eq!(Act::ALL.len(), 12);
        assert_eq!(Act::CommentOnTheirs.to_string(), "comment-on-theirs");
        assert_eq!(ContentKind::OffTopic.as_str(), "off-topic");

        // What a refused word says: the word as given, then the words allowed.
        let refused = [
            (
                "tv".parse::<Channel>().unwrap_err(),
                "unknown channel `tv`: expected one of post, comment, dm, bio",
            ),
            (
                " Loud ".parse::<Severity>().unwrap_err(),
                "unknown severity `loud`: expected one of error, warning, info",
            ),
            (
                " Spam ".parse::<Purpose>().unwrap_err(),
                "unknown purpose ` Spam `: expected one of newsletter, product-updates, opportunity",
            ),
            (
                "Phone".parse::<Source>().unwrap_err(),
                "unknown source `Phone`: expected one of message, form, email-reply, in-person (connection, list and added-by-me are not opt-ins)",
            ),
            (" pending".parse::<Status>().unwrap_err(), "unknown consent status ` pending`"),
            (
                "Myspace".parse::<Network>().unwrap_err(),
                "unknown network `myspace`: expected one of facebook, instagram, x, linkedin, other",
            ),
            (
                "poke".parse::<ItemKind>().unwrap_err(),
                "unknown kind `poke`: expected one of post, comment, message, reaction, share, connection",
            ),
            (
                "x".parse::<Stage>().unwrap_err(),
                "unknown stage `x`: expected one of connected, engaged, conversation, customer, team, lapsed",
            ),
        ];
        for (got, want) in refused {
            assert_eq!(got, want);
        }
        assert!(
            "x".parse::<Category>()
                .unwrap_err()
                .starts_with("unknown category `x`: expected one of income, ")
        );
    }
}
