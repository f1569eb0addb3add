//! How much one record may hold. Exports come from the internet, and what one
//! field holds can be copied many times: a Messenger thread's participants go
//! into every message of the thread, so one 1 MiB name in a 1 MB file once
//! made a 636 MB store. A record over a cap is refused, naming the file, the
//! position and the field; the importers then skip its whole file (or, strict,
//! stop). Nothing is cut short in silence.

use tactful_core::history::{Person, Record};

use crate::ImportError;

/// A handle, a name or an email, in characters.
pub const MAX_NAME: usize = 256;
/// A profile URL, an id, a thread or a parent (often a link), in characters.
pub const MAX_LINK: usize = 2048;
/// What was written, in bytes (a long post is a few kilobytes).
pub const MAX_TEXT: usize = 1 << 20;
/// The other people of one record (a Messenger group holds at most 250).
pub const MAX_PEOPLE: usize = 1000;
/// One JSONL line or one CSV record, in bytes: room for a text at
/// [`MAX_TEXT`] written with JSON escapes, and the other fields.
pub const MAX_LINE: u64 = 8 << 20;

/// The length of `s` in characters when it is over `max`, else `None`.
fn over(s: &str, max: usize) -> Option<usize> {
    // Bytes are never fewer than characters: short strings are not counted.
    if s.len() <= max {
        return None;
    }
    let n = s.chars().count();
    (n > max).then_some(n)
}

fn refuse(file: &str, position: &str, field: &str, max: usize, found: usize, unit: &str) -> ImportError {
    ImportError::format(
        file,
        position,
        format!("`{field}` of at most {max} {unit}"),
        format!("{found} {unit}"),
    )
}

/// The first field of a person over its cap: its name, its cap and its length.
fn person_over(p: &Person) -> Option<(&'static str, usize, usize)> {
    let fields = [
        ("handle", Some(p.handle.as_str()), MAX_NAME),
        ("name", p.name.as_deref(), MAX_NAME),
        ("email", p.email.as_deref(), MAX_NAME),
        ("profile_url", p.profile_url.as_deref(), MAX_LINK),
    ];
    fields.into_iter().find_map(|(name, value, max)| Some((name, max, over(value?, max)?)))
}

/// Check one person's fields; `field` names them in the error (`author`, `owner`).
pub fn check_person(p: &Person, file: &str, position: &str, field: &str) -> Result<(), ImportError> {
    match person_over(p) {
        Some((name, max, n)) => Err(refuse(file, position, &format!("{field}.{name}"), max, n, "characters")),
        None => Ok(()),
    }
}

/// Check a record against every cap.
pub fn check(r: &Record) -> Result<(), ImportError> {
    let item = match r {
        Record::Owner { person, source, .. } => {
            return check_person(person, &source.file, &source.position, "owner");
        }
        Record::Item(i) => i,
    };
    let (file, position) = (item.source.file.as_str(), item.source.position.as_str());
    if item.text.len() > MAX_TEXT {
        return Err(refuse(file, position, "text", MAX_TEXT, item.text.len(), "bytes"));
    }
    check_person(&item.author, file, position, "author")?;
    if item.counterparts.len() > MAX_PEOPLE {
        return Err(ImportError::format(
            file,
            position,
            format!("at most {MAX_PEOPLE} people in `counterparts`"),
            item.counterparts.len().to_string(),
        ));
    }
    for (i, p) in item.counterparts.iter().enumerate() {
        // The field's name is made only for an error: this runs for every record.
        if let Some((name, max, n)) = person_over(p) {
            return Err(refuse(file, position, &format!("counterparts[{i}].{name}"), max, n, "characters"));
        }
    }
    let links = [("external_id", &item.external_id), ("thread", &item.thread), ("parent", &item.parent)];
    for (name, value) in links {
        if let Some(n) = value.as_deref().and_then(|v| over(v, MAX_LINK)) {
            return Err(refuse(file, position, name, MAX_LINK, n, "characters"));
        }
    }
    Ok(())
}

/// Is this name short enough to be anyone's? For the owner guesses, which
/// count names before any record is made: an over-long one cannot win.
pub(crate) fn fits(name: &str) -> bool {
    over(name, MAX_NAME).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tactful_core::history::{Item, ItemKind, Network, SourceRef};

    fn item(author: &str, text: &str) -> Record {
        Record::Item(Item {
            network: Network::Facebook,
            kind: ItemKind::Message,
            external_id: None,
            author: Person::named(author),
            by_owner: false,
            counterparts: vec![Person::named("ann")],
            thread: None,
            parent: None,
            at: 1,
            text: text.into(),
            source: SourceRef { file: "m.json".into(), position: "messages[3]".into() },
        })
    }

    #[test]
    fn names_the_field_over_its_cap() {
        assert!(check(&item(&"é".repeat(MAX_NAME), "hi")).is_ok(), "the cap counts characters");
        let e = check(&item(&"a".repeat(MAX_NAME + 1), "hi")).unwrap_err().to_string();
        assert_eq!(
            e,
            "m.json:messages[3]: expected `author.handle` of at most 256 characters, found 257 characters"
        );
        let e = check(&item("bob", &"x".repeat(MAX_TEXT + 1))).unwrap_err().to_string();
        assert!(e.contains("`text` of at most 1048576 bytes"), "{e}");
    }
}
