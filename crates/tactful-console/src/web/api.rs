//! The console's JSON API (`/api/v1/company/…` for people, with the same
//! role checks as the pages). Not built yet: no routes.

use axum::Router;

use super::Shared;

pub(super) fn routes() -> Router<Shared> {
    Router::new()
}
