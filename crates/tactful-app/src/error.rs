//! The one error type of the use cases. Which variant it is decides what the
//! person sees: their own input (exit 2, HTTP 400), a thing that does not
//! exist (HTTP 404), or the store or a model failing under them.

/// What went wrong in a use case.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The person's input: a flag, a pack, a name, a date. The message says
    /// what was expected.
    #[error("{0}")]
    Input(String),
    /// A contact, item or rule asked for by id that is not there.
    #[error("{0}")]
    NotFound(String),
    /// A name that fits several contacts, or only part of one: the
    /// candidates, so that the person can pick.
    #[error("{0}")]
    Ambiguous(crate::contacts::Ambiguous),
    /// Something stored that cannot be read back (a plan written by a later version).
    #[error("{0}")]
    Stored(String),
    #[error(transparent)]
    Store(#[from] tactful_store::StoreError),
    /// An embedded model that cannot be loaded: a damaged build.
    #[error("a built-in classifier cannot be loaded: {0}")]
    Model(String),
}

/// The result of a use case.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// True when the person can fix it by changing what they typed or gave.
    pub fn is_input(&self) -> bool {
        matches!(self, Error::Input(_) | Error::Ambiguous(_))
    }
}
