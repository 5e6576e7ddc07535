//! Unknown fields, collected rather than fatal: a typo in one session must
//! not hide a bad time in the next, so the raw structs take what they know
//! and every key they do not is noted here, with its YAML path and the
//! fields that were expected there.
//!
//! serde's `deny_unknown_fields` stops the whole parse at the first unknown
//! key. Instead, the YAML is read through `serde_ignored`, which calls back
//! with the path of each key the structs ignored; the structs' own field
//! lists (serde's, asked by [`fields_of`]) give the "did you mean".

use serde::de::{self, Deserialize, Visitor};

use super::raw::*;
use super::{closest, join, LoadProblem};
use crate::error::Problem;

/// `T` read from YAML text, and the path of every key it did not know
/// (`sessions[2].romo`), in the order they are written.
pub(super) fn from_str<'de, T: Deserialize<'de>>(
    source: &'de str,
) -> Result<(T, Vec<String>), yaml_serde::Error> {
    let mut unknown = Vec::new();
    let value = serde_ignored::deserialize(yaml_serde::Deserializer::from_str(source), |path| {
        unknown.push(path_text(&path))
    })?;
    Ok((value, unknown))
}

/// A path as the rest of the loader writes it: `patterns[0].occurrences.2020-09-28.romo`.
fn path_text(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", path_text(parent)),
        Path::Map { parent, key } => join(&path_text(parent), key),
        Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => path_text(parent),
    }
}

/// The problem an unknown key at `path` is, with the fields its mapping takes.
pub(super) fn problem(path: String) -> LoadProblem {
    let (parent, field) = match path.rsplit_once('.') {
        Some((parent, field)) => (parent, field.to_owned()),
        None => ("", path.clone()),
    };
    let expected: Vec<String> = fields_at(parent).iter().map(|f| (*f).to_owned()).collect();
    let suggestion = closest(&field, expected.iter().map(String::as_str));
    LoadProblem {
        path,
        position: None,
        problem: Problem::UnknownField {
            field,
            suggestion,
            expected,
        },
    }
}

/// The fields of the raw struct that the mapping at `parent` is read into.
fn fields_at(parent: &str) -> &'static [&'static str] {
    // The last name in the path, without its index, says which struct.
    let names: Vec<&str> = parent
        .split('.')
        .map(|s| s.split('[').next().unwrap_or(s))
        .collect();
    let last = names.last().copied().unwrap_or_default();
    let under_occurrences = names.len() >= 2 && names[names.len() - 2] == "occurrences";
    match last {
        "" => fields_of::<RawSchedule>(),
        _ if under_occurrences => fields_of::<RawSession>(),
        "course" => fields_of::<RawCourse>(),
        "feed" => fields_of::<RawFeed>(),
        "page" => fields_of::<RawPage>(),
        "defaults" | "sessions" => fields_of::<RawSession>(),
        "patterns" => fields_of::<RawPattern>(),
        "holidays" => fields_of::<RawHoliday>(),
        "deadlines" => fields_of::<RawDeadline>(),
        "modules" => fields_of::<RawModule>(),
        "audiences" => fields_of::<RawAudience>(),
        "readings" => fields_of::<RawReading>(),
        "links" => fields_of::<RawLink>(),
        _ => &[],
    }
}

/// The field names serde's derive gives a struct, asked of the struct
/// itself so that the list cannot drift from it: a deserializer that only
/// records what `deserialize_struct` is called with.
fn fields_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    let fields = std::cell::Cell::new(&[][..]);
    let _ = T::deserialize(Capture(&fields));
    fields.get()
}

struct Capture<'a>(&'a std::cell::Cell<&'static [&'static str]>);

impl<'de> de::Deserializer<'de> for Capture<'_> {
    type Error = de::value::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(de::Error::custom("only a struct's fields are asked"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.set(fields);
        Err(de::Error::custom("only a struct's fields are asked"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Test that every unknown key is found, each with its path, and the
    // known ones are read; a value under an unknown key is not looked into.
    #[test]
    fn every_unknown_key_is_noted() {
        let yaml = "course: {name: A, timezone: UTC, colour: red}\nsessions:\n  - {kind: L, number: 1, romo: B1, readings: [{title: T, ulr: x}]}\n  - {kind: L, number: 2, extra: {deep: 1}}\n";
        let (raw, unknown): (RawSchedule, _) = from_str(yaml).expect("parses");
        assert_eq!(
            unknown,
            vec![
                "course.colour",
                "sessions[0].romo",
                "sessions[0].readings[0].ulr",
                "sessions[1].extra"
            ]
        );
        assert_eq!(raw.sessions.map(|s| s.len()), Some(2));
    }

    // Test that the expected fields come from the structs, for the hint.
    #[test]
    fn expected_fields_by_place() {
        let p = problem("sessions[3].romo".into());
        assert_eq!(p.path, "sessions[3].romo");
        match p.problem {
            Problem::UnknownField {
                field,
                suggestion,
                expected,
            } => {
                assert_eq!(
                    (field.as_str(), suggestion.as_deref()),
                    ("romo", Some("room"))
                );
                assert!(expected.iter().any(|f| f == "groups"), "{expected:?}");
            }
            other => panic!("{other:?}"),
        }
        assert!(fields_at("patterns[0].occurrences.2020-09-28").contains(&"topic"));
        assert!(fields_at("modules[1].readings[0]").contains(&"optional"));
        assert!(fields_at("").contains(&"holidays"));
        assert!(fields_at("modules[0].readings[2].links[0]").contains(&"label"));
    }
}
