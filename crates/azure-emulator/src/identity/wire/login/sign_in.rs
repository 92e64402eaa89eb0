//! The one sign-in page of the browser flows (device code at `/devicelogin`, authorization code at
//! `/{tenant}/oauth2/v2.0/authorize`) and the one check of what a person typed into it.

use crate::error::Result;
use crate::identity::objects::User;
use crate::wire::AppState;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// What differs between the flows' pages.
pub struct Page<'a> {
    pub heading: &'a str,
    pub intro: &'a str,
    /// Where the form posts: a path (and query) on this origin.
    pub action: &'a str,
    /// The device-code flow also asks for the code shown on the device.
    pub ask_code: bool,
}

/// A line above the form: what went wrong, or that it worked.
pub enum Note<'a> {
    None,
    Error(&'a str),
    Ok(&'a str),
}

/// The page with its form.
pub fn render(page: &Page, note: Note) -> String {
    let code = if page.ask_code {
        r#"<label for="code">Code</label><input id="code" name="code" autocomplete="off" required>
"#
    } else {
        ""
    };
    let form = format!(
        r#"<form method="post" action="{action}">
{code}<label for="username">Email or phone</label><input id="username" name="username" type="email" required>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<p><button type="submit">Sign in</button></p>
</form>"#,
        action = escape(page.action)
    );
    shell(page.heading, &format!("<p>{}</p>\n{}{form}", escape(page.intro), note_html(&note)))
}

/// A page without a form, for a request that cannot be served at all.
pub fn error_page(message: &str) -> String {
    shell("Sorry, but we're having trouble signing you in.", &note_html(&Note::Error(message)))
}

fn note_html(note: &Note) -> String {
    match note {
        Note::None => String::new(),
        Note::Error(m) => format!("<p class=\"error\" role=\"status\">{}</p>\n", escape(m)),
        Note::Ok(m) => format!("<p class=\"ok\" role=\"status\">{}</p>\n", escape(m)),
    }
}

fn shell(heading: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title>
<style>body{{font-family:sans-serif;max-width:28em;margin:4em auto}}label{{display:block;margin-top:1em}}input{{width:100%;padding:.4em}}.error{{color:#a00}}.ok{{color:#060}}</style></head>
<body><h1>{}</h1>
{body}</body></html>"#,
        escape(heading)
    )
}

pub fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// The user whose user name and password were typed into the form, with Entra's lockout.
pub async fn credentials(app: &AppState, form: &HashMap<String, String>, now: DateTime<Utc>) -> Result<User> {
    let username = form.get("username").map(|v| v.trim()).unwrap_or_default();
    let password = form.get("password").map(String::as_str).unwrap_or_default();
    let world = app.store.read();
    app.passwords.sign_in(&world, username, password, now).await
}
