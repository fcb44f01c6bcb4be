//! The server's refusals on the dynamic-secret routes, turned into the errors a caller acts on
//! ([`LeaseError`]), by status and message, on servers of 2024 and current ones alike.

use super::model::Lease;
use super::requests::DynamicSecretFolder;
use super::ttl::Ttl;
use crate::Client;
use crate::error::{ApiError, ApiMessage, Error, LeaseError};
use crate::resources::secrets::{ListSecrets, missing_target};

/// The call that was refused, with what it named.
#[derive(Clone, Copy)]
pub(super) enum Op<'a> {
    List,
    Get(&'a str),
    Leases(&'a str),
    Create { name: &'a str, ttl: Option<&'a Ttl>, kubernetes: bool },
    GetLease(&'a str),
    Renew(&'a str),
    Revoke(&'a str),
}

/// What a role needs to lease (current servers: the `lease` action on the Dynamic Secrets subject).
const LEASE_PERMISSION: &str = "the `Lease` action of its Dynamic Secrets permission for this environment and \
     folder (servers of 2024: read, edit and delete on Secrets)";

impl Op<'_> {
    fn action(self, folder: &DynamicSecretFolder) -> String {
        let place = folder.describe();
        match self {
            Op::List => format!("list the dynamic secrets of {place}"),
            Op::Get(name) => format!("read dynamic secret `{name}` in {place}"),
            Op::Leases(name) => format!("list the leases of dynamic secret `{name}` in {place}"),
            Op::Create { name, .. } => format!("lease dynamic secret `{name}` in {place}"),
            Op::GetLease(id) => format!("read lease `{id}` in {place}"),
            Op::Renew(id) => format!("renew lease `{id}` in {place}"),
            Op::Revoke(id) => format!("revoke lease `{id}` in {place}"),
        }
    }

    fn permission(self) -> &'static str {
        match self {
            Op::List => "membership of the project and `Read Root Credential` on Dynamic Secrets",
            Op::Get(_) => {
                "`Read Root Credential` and `Edit Root Credential` on Dynamic Secrets (the answer holds the \
                 provider's root credentials; leasing needs only `Lease`, and no `get`)"
            }
            _ => LEASE_PERMISSION,
        }
    }

    fn missing_route(self) -> &'static str {
        match self {
            Op::Create { kubernetes: true, .. } => {
                "this Infisical server has no kubernetes lease route (servers from mid-2025 have it)"
            }
            _ => "this Infisical server has no dynamic-secret routes",
        }
    }
}

/// The error a refusal of `op` on `folder` becomes: a [`LeaseError`] when the answer asks for a
/// decision, [`Error::NotFound`] for an unknown environment or folder (a 404 now, a 400 in 2024), else
/// the server's answer as it is.
pub(super) async fn explain(client: &Client, folder: &DynamicSecretFolder, op: Op<'_>, api: Box<ApiError>) -> Error {
    let text = match api.message() {
        ApiMessage::Text(text) => text.to_ascii_lowercase(),
        _ => String::new(),
    };
    if text.starts_with("folder ") || text.starts_with("environment ") {
        let target = ListSecrets::new(folder.project.clone(), folder.environment.clone()).path(folder.path.clone());
        return match missing_target(client, &target).await {
            Ok(Some(missing)) => missing,
            // The server's own words stand when the check cannot say more.
            _ => Error::Api(api),
        };
    }
    classify(folder, op, *api, &text)
}

fn classify(folder: &DynamicSecretFolder, op: Op<'_>, api: ApiError, text: &str) -> Error {
    let status = api.status();
    if api.is_unknown_route() {
        return api.with_hint(op.missing_route()).into();
    }
    if status == 400 && text.contains("plan restriction") {
        return LeaseError::NotLicensed { source: api }.into();
    }
    if status == 403 && !api.is_token_rejected() {
        return LeaseError::PermissionDenied { action: op.action(folder), permission: op.permission(), source: api }
            .into();
    }
    // A 404 naming the project is about the project, not what the call named.
    let not_found = status == 404 && !text.starts_with("project ");
    match op {
        Op::Create { name, ttl, .. } if status == 400 && text.contains("ttl cannot be larger than max ttl") => {
            LeaseError::TtlOverMax { name: name.to_owned(), ttl: ttl.map(Ttl::to_string), source: api }.into()
        }
        Op::Renew(id)
            if status == 400
                && (text.contains("maximum allowed lease duration")
                    || text.contains("ttl cannot be larger than max ttl")) =>
        {
            LeaseError::RenewalPastMaxTtl { lease_id: id.to_owned(), source: api }.into()
        }
        Op::Get(name) | Op::Leases(name) | Op::Create { name, .. }
            if not_found || (status == 400 && text.contains("dynamic secret not found")) =>
        {
            LeaseError::UnknownDynamicSecret { name: name.to_owned(), place: folder.describe(), source: api }.into()
        }
        Op::GetLease(id) | Op::Renew(id) | Op::Revoke(id)
            if not_found || (status == 400 && text.contains("lease not found")) =>
        {
            LeaseError::Gone { lease_id: id.to_owned(), source: api }.into()
        }
        _ => api.into(),
    }
}

/// A revoke answered 200 is a failure when the server marked the lease `Failed to delete`.
pub(super) fn revoked(lease: Lease) -> Result<Lease, Error> {
    if !lease.is_revoke_failed() {
        return Ok(lease);
    }
    Err(LeaseError::RevokeFailed {
        lease_id: lease.id.clone(),
        details: lease.status_details.clone().map(crate::error::bounded),
        lease: Box::new(lease),
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, message: &str) -> ApiError {
        let body = serde_json::json!({"statusCode": status, "message": message, "error": "X"});
        ApiError::from_response(status, body.to_string().as_bytes(), None)
    }

    fn kind(op: Op<'_>, status: u16, message: &str) -> String {
        let folder = DynamicSecretFolder::new("p", "dev");
        match classify(&folder, op, answer(status, message), &message.to_ascii_lowercase()) {
            Error::Lease(lease) => format!("{lease:?}").split([' ', '{']).next().unwrap().to_owned(),
            Error::Api(api) => format!("Api {}", api.status()),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn refusals_of_both_generations_become_the_same_errors() {
        let create = Op::Create { name: "db", ttl: None, kubernetes: false };
        let cases = [
            (
                create,
                400,
                "Failed to create lease due to plan restriction. Upgrade plan to create dynamic secret.",
                "NotLicensed",
            ),
            (
                Op::Renew("l"),
                400,
                "Failed to renew lease due to plan restriction. Upgrade plan to create dynamic secret.",
                "NotLicensed",
            ),
            (create, 404, "Dynamic secret with name 'db' in folder with path '/' not found", "UnknownDynamicSecret"),
            (create, 400, "Dynamic secret not found", "UnknownDynamicSecret"),
            (Op::Get("db"), 404, "Dynamic secret with name 'db in folder '/' not found", "UnknownDynamicSecret"),
            (create, 400, "TTL cannot be larger than max TTL", "TtlOverMax"),
            (
                Op::Renew("l"),
                400,
                "The requested renewal would exceed the maximum allowed lease duration. Please choose a shorter TTL",
                "RenewalPastMaxTtl",
            ),
            (Op::Renew("l"), 400, "TTL cannot be larger than max ttl", "RenewalPastMaxTtl"),
            (Op::Renew("l"), 404, "Dynamic secret lease with ID 'l' not found", "Gone"),
            (Op::Revoke("l"), 400, "Dynamic secret lease not found", "Gone"),
            (Op::GetLease("l"), 404, "Dynamic secret with ID 'd' not found", "Gone"),
            (Op::Revoke("l"), 403, "You are not allowed to lease on dynamic-secrets", "PermissionDenied"),
            // What asks for no decision stays the server's answer.
            (create, 404, "Project with slug 'p' not found", "Api 404"),
            (create, 400, "Max lease limit reached. Limit: 10000", "Api 400"),
            (Op::Renew("l"), 422, "TTL must be a greater than 1min", "Api 422"),
            (Op::Revoke("l"), 404, "Route DELETE:/api/v1/dynamic-secrets/leases/l not found", "Api 404"),
            (Op::List, 500, "Something went wrong", "Api 500"),
        ];
        for (op, status, message, expected) in cases {
            assert_eq!(kind(op, status, message), expected, "{status} {message}");
        }
    }

    #[test]
    fn a_rejected_token_is_not_a_missing_permission() {
        let token =
            ApiError::from_response(403, br#"{"statusCode":403,"message":"jwt malformed","error":"TokenError"}"#, None);
        let folder = DynamicSecretFolder::new("p", "dev");
        assert!(matches!(classify(&folder, Op::List, token, "jwt malformed"), Error::Api(_)));
    }
}
