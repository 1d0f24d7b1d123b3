//! server
#[derive(Debug, Clone, Copy, Default)]
pub struct ServeOptions { pub allow_remote: bool, pub verbose: bool }
#[derive(Debug, thiserror::Error)]
#[error("x")]
pub struct ServeError;
pub struct RunningSandbox { pub addr: std::net::SocketAddr }
pub async fn serve(_s: super::Sandbox, _b: std::net::SocketAddr, _o: ServeOptions) -> Result<RunningSandbox, ServeError> { Err(ServeError) }
