//! Reading a stored row into a record, field by field in declaration order:
//! a record whose SELECT lists its columns in the order of its fields needs no
//! hand-written mapping, only `#[derive(Deserialize)]`. A cell reads the way
//! [`Cell::int`] and [`Cell::take_text`] read it (NULL as 0 or ""), and as
//! `None` where the field is an `Option`.

use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IntoDeserializer, SeqAccess, Visitor};
use tactful_store::people::Cell;

/// One row as a record of type `T`; the message says what did not fit (a
/// field type this reader does not know, or too few columns).
pub(crate) fn read<T: DeserializeOwned>(r: &mut [Cell]) -> Result<T, String> {
    T::deserialize(Row { cells: r.iter_mut() }).map_err(|e| format!("a stored row: {}", e.0))
}

#[derive(Debug)]
pub(crate) struct Unfit(String);

impl fmt::Display for Unfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Unfit {}

impl de::Error for Unfit {
    fn custom<M: fmt::Display>(msg: M) -> Self {
        Unfit(msg.to_string())
    }
}

struct Row<'a> {
    cells: std::slice::IterMut<'a, Cell>,
}

impl<'de> de::Deserializer<'de> for Row<'_> {
    type Error = Unfit;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unfit> {
        visitor.visit_seq(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

impl<'de> SeqAccess<'de> for Row<'_> {
    type Error = Unfit;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Unfit> {
        self.cells.next().map(|c| seed.deserialize(Column(c))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.cells.len())
    }
}

struct Column<'a>(&'a mut Cell);

impl<'de> de::Deserializer<'de> for Column<'_> {
    type Error = Unfit;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unfit> {
        match self.0 {
            Cell::Null => visitor.visit_none(),
            Cell::Int(i) => visitor.visit_i64(*i),
            Cell::Text(_) => visitor.visit_string(self.0.take_text()),
        }
    }

    fn deserialize_i64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unfit> {
        visitor.visit_i64(self.0.int())
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unfit> {
        visitor.visit_i64(self.0.int())
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unfit> {
        visitor.visit_string(self.0.take_text())
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unfit> {
        self.deserialize_string(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Unfit> {
        match self.0 {
            Cell::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    /// A unit variant stored as its name (`queued`, `sent`…).
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Unfit> {
        visitor.visit_enum(self.0.take_text().into_deserializer())
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i128 u8 u16 u32 u128 f32 f64 char
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Record {
        id: i64,
        name: String,
        note: Option<String>,
        done_at: Option<i64>,
    }

    #[test]
    fn fields_read_their_columns_in_order() {
        let mut r = [Cell::Int(7), Cell::Text("Ann".into()), Cell::Null, Cell::Text("12".into())];
        let got: Record = read(&mut r).unwrap();
        assert_eq!(got, Record { id: 7, name: "Ann".into(), note: None, done_at: Some(12) });
    }

    #[test]
    fn null_reads_as_zero_or_empty_where_the_field_is_not_optional() {
        let mut r = [Cell::Null, Cell::Null, Cell::Int(3), Cell::Null];
        let got: Record = read(&mut r).unwrap();
        assert_eq!(got, Record { id: 0, name: String::new(), note: Some("3".into()), done_at: None });
    }

    #[test]
    fn too_few_columns_is_an_error_not_a_default() {
        let mut r = [Cell::Int(7)];
        let e = read::<Record>(&mut r).unwrap_err();
        assert!(e.starts_with("a stored row: invalid length 1"), "{e}");
    }
}
