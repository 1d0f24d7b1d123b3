//! The interactive explorer.

/// Runs the explorer until the user quits. Returns the process exit code.
pub async fn run() -> anyhow::Result<i32> {
    anyhow::bail!("the explorer is not built yet; use `permit-tui check`")
}
