//! `isthmus project create`: a project, a member and an access token, straight in the database
//! (how an operator bootstraps a control plane before anyone can call its API).

use super::serve::DatabaseArgs;

#[derive(clap::Args)]
pub struct Args {
    /// The project's name.
    name: String,
    /// The member's email; created if new.
    #[arg(long)]
    user: String,
    /// Set the member's password (for `POST /v1/userauth`).
    #[arg(long, env = "ISTHMUS_USER_PASSWORD")]
    password: Option<String>,
    #[command(flatten)]
    db: DatabaseArgs,
}

/// Prints `token <access token>`: shown once, stored hashed.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let store = args.db.open().await?;
    let now = chrono::Utc::now();
    store.ensure_project(&args.name, now).await?;
    let user = store.ensure_user(&args.user, args.password.as_deref(), now).await?;
    store.add_member(&args.name, &user).await?;
    let token = store.create_token(&user, "isthmus project create", now).await?;
    println!("token {token}");
    Ok(())
}
