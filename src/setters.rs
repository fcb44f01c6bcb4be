//! The one shape every builder setter has, written once.

/// Builder setters that store one value: each entry is its docs, then
/// `name(arg: Type, ...) => field = value;`, which becomes
/// `pub fn name(mut self, arg: Type) -> Self { self.field = value; self }`.
macro_rules! setters {
    ($( $(#[$attr:meta])* $name:ident ( $($arg:ident : $ty:ty),+ ) => $($field:ident).+ = $value:expr ; )*) => {
        $(
            $(#[$attr])*
            pub fn $name(mut self, $($arg: $ty),+) -> Self {
                self.$($field).+ = $value;
                self
            }
        )*
    };
}
pub(crate) use setters;
