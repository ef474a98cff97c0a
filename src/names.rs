//! Values users choose by name — result orders, histogram periods, input formats —
//! listed once with their names and help, so that every front-end (command-line flags,
//! URL parameters) parses and lists them the same way. Each value type implements
//! [`Named`] beside its definition.

/// A value with a name users type.
pub trait Named: Copy + PartialEq + Sized + 'static {
    /// Every value, with its name and a line of help.
    const VALUES: &'static [(Self, &'static str, &'static str)];

    /// The value's name.
    fn name(self) -> &'static str {
        Self::VALUES.iter().find(|v| v.0 == self).map_or("", |v| v.1)
    }

    /// The value called `name`.
    fn from_name(name: &str) -> Option<Self> {
        Self::VALUES.iter().find(|v| v.1 == name).map(|v| v.0)
    }

    /// Every name, joined by `|` (for errors).
    fn names() -> String {
        Self::VALUES.iter().map(|v| v.1).collect::<Vec<_>>().join("|")
    }
}
