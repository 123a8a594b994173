//! Bearer tokens and roles. A token is 32 random bytes shown once when it is created; only its
//! SHA-256 hash is stored, so a stolen database yields no usable token. Writes need EDITOR,
//! token administration ADMIN; reads are open unless the server restricts them.
//!
//! The web app's sessions are opened with a token and act as it: a session's cookie is 32
//! random bytes kept only as a hash too, it ends when signed out, after `SESSION_LIFETIME`, or
//! as soon as its token is revoked, and it carries the secret its forms must send back (CSRF).

use crate::error::{AppError, AppResult};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use entity::{api_token, web_session};
use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};

/// What a token may do; each role may do what the ones before it may.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, async_graphql::Enum)]
pub enum Role {
    /// Read, where reads are restricted to tokens.
    Reader,
    /// Read and change the record.
    Editor,
    /// Everything, including tokens and the audit log.
    Admin,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "READER",
            Role::Editor => "EDITOR",
            Role::Admin => "ADMIN",
        }
    }

    /// The role of a name, in any case.
    pub fn parse(text: &str) -> Option<Role> {
        match text.to_ascii_uppercase().as_str() {
            "READER" => Some(Role::Reader),
            "EDITOR" => Some(Role::Editor),
            "ADMIN" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// Who is calling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    /// No credentials.
    Anonymous,
    /// A valid token.
    Token {
        /// The token's name, recorded in the history.
        name: String,
        /// Its role.
        role: Role,
    },
    /// Credentials that are not a valid token (unknown, revoked or malformed).
    Invalid,
}

impl Identity {
    /// The caller's name for the history, when it may act with `role`.
    pub fn require(&self, role: Role) -> AppResult<&str> {
        match self {
            Identity::Token { name, role: held } if *held >= role => Ok(name),
            Identity::Token { .. } => Err(AppError::Forbidden),
            Identity::Anonymous | Identity::Invalid => Err(AppError::Unauthenticated),
        }
    }
}

/// How long a web session lasts: a working day, with margin.
pub const SESSION_LIFETIME: chrono::Duration = chrono::Duration::hours(12);

/// 32 random bytes, URL-safe, after `prefix`.
fn secret(prefix: &str) -> AppResult<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(AppError::internal)?;
    Ok(format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

/// A fresh random secret for a form that no session guards yet (the sign-in form's
/// double-submitted cookie).
pub fn form_secret() -> AppResult<String> {
    secret("")
}

/// Whether two secrets are equal, in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A signed-in browser: who it acts as and the secret its forms carry.
#[derive(Clone, Debug)]
pub struct Session {
    /// The identity of the session's token.
    pub identity: Identity,
    /// The secret every form of the session sends back.
    pub csrf: String,
}

/// Opens a session for a valid token: returns the cookie's value (shown only here) and the
/// session, or UNAUTHENTICATED for a token that is unknown or revoked. Expired sessions are
/// cleared on the way.
pub async fn open_session(db: &DatabaseConnection, token: &str) -> AppResult<(String, Session)> {
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash(token.trim())))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    let Some((token, role)) = found.and_then(|t| Role::parse(&t.role).map(|role| (t, role))) else {
        return Err(AppError::Unauthenticated);
    };
    let now = Utc::now();
    web_session::Entity::delete_many().filter(web_session::Column::ExpiresAt.lt(now)).exec(db).await?;
    let cookie = secret("s_")?;
    let csrf = secret("")?;
    web_session::ActiveModel {
        session_hash: ActiveValue::Set(hash(&cookie)),
        token_id: ActiveValue::Set(token.id),
        csrf: ActiveValue::Set(csrf.clone()),
        created_at: ActiveValue::Set(now),
        expires_at: ActiveValue::Set(now + SESSION_LIFETIME),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok((cookie, Session { identity: Identity::Token { name: token.name, role }, csrf }))
}

/// The live session of a cookie's value: none when it is unknown, expired, or its token revoked.
pub async fn session(db: &DatabaseConnection, cookie: &str) -> AppResult<Option<Session>> {
    let Some(found) = web_session::Entity::find()
        .filter(web_session::Column::SessionHash.eq(hash(cookie)))
        .filter(web_session::Column::ExpiresAt.gt(Utc::now()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let token =
        api_token::Entity::find_by_id(found.token_id).filter(api_token::Column::RevokedAt.is_null()).one(db).await?;
    Ok(token
        .and_then(|t| Role::parse(&t.role).map(|role| (t.name, role)))
        .map(|(name, role)| Session { identity: Identity::Token { name, role }, csrf: found.csrf }))
}

/// Ends the session of a cookie's value (nothing when there is none).
pub async fn close_session(db: &DatabaseConnection, cookie: &str) -> AppResult<()> {
    web_session::Entity::delete_many().filter(web_session::Column::SessionHash.eq(hash(cookie))).exec(db).await?;
    Ok(())
}

/// The SHA-256 of a token, in hex.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// Creates a token named `name` with `role` and returns it; it is not shown again.
pub async fn create_token(db: &DatabaseConnection, name: &str, role: Role) -> AppResult<String> {
    if name.trim().is_empty() {
        return Err(AppError::bad_input("name", "a token needs a name"));
    }
    if api_token::Entity::find().filter(api_token::Column::Name.eq(name)).one(db).await?.is_some() {
        return Err(AppError::Conflict { message: format!("a token named \"{name}\" exists already") });
    }
    let token = secret("gt_")?;
    api_token::ActiveModel {
        name: ActiveValue::Set(name.to_owned()),
        role: ActiveValue::Set(role.as_str().to_owned()),
        token_hash: ActiveValue::Set(hash(&token)),
        created_at: ActiveValue::Set(Utc::now()),
        revoked_at: ActiveValue::Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// Every token, oldest first (hashes only).
pub async fn list_tokens(db: &DatabaseConnection) -> AppResult<Vec<api_token::Model>> {
    Ok(api_token::Entity::find().order_by_asc(api_token::Column::Id).all(db).await?)
}

/// Revokes the token named `name`; it stops working at once.
pub async fn revoke_token(db: &DatabaseConnection, name: &str) -> AppResult<()> {
    let token = api_token::Entity::find()
        .filter(api_token::Column::Name.eq(name))
        .one(db)
        .await?
        .ok_or_else(|| AppError::not_found(format!("no token is named \"{name}\"")))?;
    if token.revoked_at.is_none() {
        let mut active: api_token::ActiveModel = token.into();
        active.revoked_at = ActiveValue::Set(Some(Utc::now()));
        active.update(db).await?;
    }
    Ok(())
}

/// The token of an `Authorization` value `Bearer <token>`; the scheme's name is
/// case-insensitive (RFC 9110, 11.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim_start().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// Who an `Authorization` header value names.
pub async fn identify(db: &DatabaseConnection, authorization: Option<&str>) -> AppResult<Identity> {
    let Some(value) = authorization else { return Ok(Identity::Anonymous) };
    let Some(token) = bearer_token(value) else {
        return Ok(Identity::Invalid);
    };
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(hash(token)))
        .filter(api_token::Column::RevokedAt.is_null())
        .one(db)
        .await?;
    Ok(match found.and_then(|t| Role::parse(&t.role).map(|role| (t.name, role))) {
        Some((name, role)) => Identity::Token { name, role },
        None => Identity::Invalid,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_ones_below() {
        let editor = Identity::Token { name: "e".into(), role: Role::Editor };
        assert_eq!(editor.require(Role::Reader).unwrap(), "e");
        assert_eq!(editor.require(Role::Editor).unwrap(), "e");
        assert_eq!(editor.require(Role::Admin).unwrap_err().code(), "FORBIDDEN");
        assert_eq!(Identity::Anonymous.require(Role::Reader).unwrap_err().code(), "UNAUTHENTICATED");
        assert_eq!(Identity::Invalid.require(Role::Editor).unwrap_err().code(), "UNAUTHENTICATED");
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        for value in ["Bearer gt_a", "bearer gt_a", "BEARER  gt_a ", "bEaReR gt_a"] {
            assert_eq!(bearer_token(value), Some("gt_a"), "{value}");
        }
        for value in ["Basic gt_a", "Bearer", "Bearer   ", "Bearergt_a", ""] {
            assert_eq!(bearer_token(value), None, "{value}");
        }
    }

    #[test]
    fn hashes_are_stable_hex() {
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(Role::parse("editor"), Some(Role::Editor));
        assert_eq!(Role::parse("boss"), None);
    }
}
