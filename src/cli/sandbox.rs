//! `permit-tui sandbox`: serve the sandbox PDP standalone.

#[derive(Debug, clap::Args)]
pub struct SandboxArgs {}

pub async fn run(_args: SandboxArgs) -> anyhow::Result<i32> {
    anyhow::bail!("the sandbox is not built yet")
}
