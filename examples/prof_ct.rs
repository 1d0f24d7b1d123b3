use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use permit_tui::pdp::PdpClient;
use permit_tui::tui::bootstrap::demo_input;
use std::time::{Duration, Instant};
fn main() {
    let url = std::env::args().nth(1).unwrap();
    let pause: u64 = std::env::args()
        .nth(2)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let client = PdpClient::new(
            &url,
            Some("permit_key_sandbox_dev".into()),
            Duration::from_secs(5),
        )
        .unwrap();
        let q = demo_input().to_query().unwrap();
        let stream = tokio::net::TcpStream::connect(url.trim_start_matches("http://"))
            .await
            .unwrap();
        stream.set_nodelay(true).unwrap();
        let (mut send, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
                .await
                .unwrap();
        tokio::spawn(conn);
        let body = Bytes::from(serde_json::to_vec(&q).unwrap());
        let headers = client.headers();
        for round in 0..2 {
            let mut v = Vec::new();
            for _ in 0..2000 {
                v.push(
                    client
                        .check_unparsed(&q)
                        .await
                        .parse::<permit_tui::pdp::types::AllowedResult>()
                        .latency,
                );
                if pause > 0 {
                    tokio::time::sleep(Duration::from_micros(pause)).await;
                }
            }
            v.sort();
            println!("round {round} pause {pause} PdpClient p50 {:?}", v[1000]);
            let mut v = Vec::new();
            for _ in 0..2000 {
                let mut req = hyper::Request::post("/allowed")
                    .header("host", "127.0.0.1")
                    .body(Full::new(body.clone()))
                    .unwrap();
                for (k, val) in headers.iter() {
                    req.headers_mut().insert(k, val.clone());
                }
                let t = Instant::now();
                let resp = send.send_request(req).await.unwrap();
                let b = resp.into_body().collect().await.unwrap().to_bytes();
                v.push(t.elapsed());
                std::hint::black_box(b);
                if pause > 0 {
                    tokio::time::sleep(Duration::from_micros(pause)).await;
                }
            }
            v.sort();
            println!("round {round} pause {pause} raw hyper p50 {:?}", v[1000]);
        }
    });
}
