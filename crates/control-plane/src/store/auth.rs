//! Projects, users, access tokens and membership. Tokens and passwords are stored hashed.

use super::{ms, Store};
use crate::error::{ControlPlaneError, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::Engine;
use chrono::{DateTime, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::Row;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub struct User {
    pub id: Uuid,
    pub email: String,
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn new_token() -> String {
    let mut buf = [0u8; 32];
    rand::rng().fill(&mut buf);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buf)
}

impl Store {
    pub async fn ensure_project(&self, name: &str, now: DateTime<Utc>) -> Result<()> {
        let exists =
            sqlx::query("SELECT name FROM projects WHERE name = $1").bind(name).fetch_optional(&self.pool).await?;
        if exists.is_none() {
            sqlx::query("INSERT INTO projects (name, created_at) VALUES ($1, $2)")
                .bind(name)
                .bind(ms(now))
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    pub async fn project_exists(&self, name: &str) -> Result<bool> {
        Ok(sqlx::query("SELECT name FROM projects WHERE name = $1")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
    }

    /// Creates the user if needed (setting the password when given) and returns it.
    pub async fn ensure_user(&self, email: &str, password: Option<&str>, now: DateTime<Utc>) -> Result<User> {
        let hash = password.map(|p| {
            let salt = SaltString::encode_b64(&rand::rng().random::<[u8; 16]>()).expect("16-byte salt");
            Argon2::default().hash_password(p.as_bytes(), &salt).expect("argon2 defaults").to_string()
        });
        let existing =
            sqlx::query("SELECT id FROM users WHERE email = $1").bind(email).fetch_optional(&self.pool).await?;
        let id = match existing {
            Some(row) => {
                let id: String = row.try_get("id")?;
                if let Some(h) = &hash {
                    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                        .bind(h)
                        .bind(&id)
                        .execute(&self.pool)
                        .await?;
                }
                id
            }
            None => {
                let id = Uuid::new_v4().to_string();
                sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(&id)
                    .bind(email)
                    .bind(hash)
                    .bind(ms(now))
                    .execute(&self.pool)
                    .await?;
                id
            }
        };
        Ok(User {
            id: Uuid::parse_str(&id).map_err(|e| ControlPlaneError::Store(e.to_string()))?,
            email: email.to_string(),
        })
    }

    pub async fn add_member(&self, project: &str, user: &User) -> Result<()> {
        let exists = sqlx::query("SELECT project FROM project_members WHERE project = $1 AND user_id = $2")
            .bind(project)
            .bind(user.id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        if exists.is_none() {
            sqlx::query("INSERT INTO project_members (project, user_id) VALUES ($1, $2)")
                .bind(project)
                .bind(user.id.to_string())
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Issues a new access token; only its hash is kept.
    pub async fn create_token(&self, user: &User, description: &str, now: DateTime<Utc>) -> Result<String> {
        let token = new_token();
        sqlx::query("INSERT INTO access_tokens (token_hash, user_id, description, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash(&token))
            .bind(user.id.to_string())
            .bind(description)
            .bind(ms(now))
            .execute(&self.pool)
            .await?;
        Ok(token)
    }

    pub async fn authenticate(&self, token: &str) -> Result<User> {
        Ok(self.authenticate_session(token).await?.0)
    }

    /// The token's user and when the token was issued.
    pub async fn authenticate_session(&self, token: &str) -> Result<(User, DateTime<Utc>)> {
        let row = sqlx::query(
            "SELECT u.id, u.email, t.created_at FROM access_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1",
        )
        .bind(token_hash(token))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(ControlPlaneError::InvalidToken)?;
        let id: String = row.try_get("id")?;
        let user = User {
            id: Uuid::parse_str(&id).map_err(|e| ControlPlaneError::Store(e.to_string()))?,
            email: row.try_get("email")?,
        };
        Ok((user, super::at(row.try_get("created_at")?)))
    }

    /// `POST /v1/userauth`: email + password for a new token.
    pub async fn login(&self, email: &str, password: &str, now: DateTime<Utc>) -> Result<String> {
        let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(ControlPlaneError::BadLogin)?;
        let hash: Option<String> = row.try_get("password_hash")?;
        let ok = hash
            .as_deref()
            .and_then(|h| PasswordHash::new(h).ok())
            .is_some_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok());
        if !ok {
            return Err(ControlPlaneError::BadLogin);
        }
        let id: String = row.try_get("id")?;
        let user = User {
            id: Uuid::parse_str(&id).map_err(|e| ControlPlaneError::Store(e.to_string()))?,
            email: email.to_string(),
        };
        self.create_token(&user, "userauth", now).await
    }

    pub async fn projects_of(&self, user: &User) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT project FROM project_members WHERE user_id = $1 ORDER BY project")
            .bind(user.id.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| r.try_get::<String, _>("project").map_err(Into::into)).collect()
    }

    /// Project isolation: a token only reaches projects its user is a member of.
    pub async fn ensure_member(&self, user: &User, project: &str) -> Result<()> {
        if self.projects_of(user).await?.iter().any(|p| p == project) {
            Ok(())
        } else {
            Err(ControlPlaneError::NotProjectMember(project.to_string()))
        }
    }
}
