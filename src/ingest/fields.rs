//! Which key of a record holds which field. Exports name their keys in English,
//! Chinese, or both (`标题title`); an exact name wins over a key that merely contains a
//! telling word, and `--field title=标题` overrides both. The key names live in the
//! field table ([`crate::article::FIELDS`]).

pub use crate::article::Field;

/// The fields an input record can carry, in the order keys are matched.
fn input_fields() -> impl Iterator<Item = &'static crate::article::Spec> {
    crate::article::FIELDS.iter().filter(|s| s.from_input)
}

/// Maps the keys of a record (or the columns of a CSV header) to fields.
#[derive(Clone, Debug, Default)]
pub struct KeyMap {
    /// User overrides: field → key.
    overrides: Vec<(Field, String)>,
}

/// Parses the field name of `--field NAME=KEY`: a field records can carry.
pub fn input_field(name: &str) -> Option<Field> {
    input_fields().find(|s| s.name == name).map(|s| s.field)
}

/// The names `--field` accepts, for help and errors.
pub fn input_field_names() -> String {
    Field::names(|s| s.from_input, ", ")
}

impl KeyMap {
    /// A key map with `--field name=key` overrides.
    pub(crate) fn with_overrides(overrides: Vec<(Field, String)>) -> Self {
        KeyMap { overrides }
    }

    /// For each field, the index of the key in `keys` that holds it.
    pub fn resolve<S: AsRef<str>>(&self, keys: &[S]) -> Vec<(Field, usize)> {
        let lower: Vec<String> = keys.iter().map(|k| k.as_ref().trim().to_lowercase()).collect();
        let mut taken = vec![false; keys.len()];
        let mut out: Vec<(Field, usize)> = Vec::new();
        for (field, key) in &self.overrides {
            if let Some(i) = keys.iter().position(|k| k.as_ref() == key) {
                out.push((*field, i));
                taken[i] = true;
            }
        }
        let has = |out: &Vec<(Field, usize)>, f: Field| out.iter().any(|(g, _)| *g == f);
        for spec in input_fields() {
            let field = spec.field;
            if has(&out, field) {
                continue;
            }
            if let Some(i) = (0..keys.len()).find(|&i| !taken[i] && spec.keys.contains(&lower[i].as_str())) {
                out.push((field, i));
                taken[i] = true;
            }
        }
        for spec in input_fields() {
            let field = spec.field;
            if has(&out, field) {
                continue;
            }
            if let Some(i) = (0..keys.len()).find(|&i| !taken[i] && spec.telling.iter().any(|w| lower[i].contains(w))) {
                out.push((field, i));
                taken[i] = true;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_the_seed_keys() {
        let keys = ["文章标识符aid", "标题title", "链接url", "时间time", "公众号名称", "finalContent"];
        let mut m = KeyMap::default().resolve(&keys);
        m.sort_by_key(|(_, i)| *i);
        let fields: Vec<Field> = m.into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::Id, Field::Title, Field::Url, Field::Date, Field::Source, Field::Content]);
    }

    #[test]
    fn overrides_win() {
        let keys = ["title", "标题", "pub_time"];
        let m = KeyMap::with_overrides(vec![(Field::Title, "标题".into())]).resolve(&keys);
        assert!(m.contains(&(Field::Title, 1)));
        assert!(m.contains(&(Field::Date, 2)));
    }
}
