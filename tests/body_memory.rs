//! The response size cap also caps memory: reading a body of unknown length (chunked) or of
//! announced length never holds much more than the cap. Measured as the process's peak resident
//! memory above its baseline, so this binary holds one test and runs its cases one after another.
#![cfg(target_os = "linux")]

use std::time::Duration;

use infisical_config::error::TransportErrorKind;
use infisical_config::resources::ListSecrets;
use infisical_config::{Client, EnvSource, Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const MIB: usize = 1024 * 1024;
const CAP: usize = 64 * MIB;

fn status_kib(field: &str) -> usize {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

/// Resets the peak to the current resident size and returns it, in bytes.
fn reset_peak() -> usize {
    std::fs::write("/proc/self/clear_refs", "5").expect("the kernel lets a process reset its own peak");
    status_kib("VmRSS:") * 1024
}

fn peak() -> usize {
    status_kib("VmHWM:") * 1024
}

/// Answers every request with `len` bytes of `x`, chunked or with a Content-Length.
async fn serve(len: usize, chunked: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                let head = if chunked {
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n".to_owned()
                } else {
                    format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {len}\r\n\r\n")
                };
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let block = vec![b'x'; 64 * 1024];
                let mut sent = 0;
                while sent < len {
                    let n = block.len().min(len - sent);
                    let ok = if chunked {
                        let framed = [format!("{n:x}\r\n").as_bytes(), &block[..n], b"\r\n"].concat();
                        socket.write_all(&framed).await
                    } else {
                        socket.write_all(&block[..n]).await
                    };
                    if ok.is_err() {
                        return;
                    }
                    sent += n;
                }
                if chunked {
                    let _ = socket.write_all(b"0\r\n\r\n").await;
                }
                let _ = socket.flush().await;
            });
        }
    });
    uri
}

async fn read_once(len: usize, chunked: bool) -> (Error, usize) {
    let uri = serve(len, chunked).await;
    let client = Client::builder()
        .site(uri)
        .env_source(EnvSource::from_pairs::<_, String, String>([]))
        .cli_login(false)
        .access_token("t")
        .max_response_bytes(CAP)
        .retry(RetryPolicy::disabled())
        .timeout(Duration::from_secs(60))
        .api_version(infisical_config::resources::ApiVersion::Current)
        .build()
        .unwrap();
    let baseline = reset_peak();
    let err = client.secrets().list(&ListSecrets::new("p", "dev")).await.unwrap_err();
    (err, peak().saturating_sub(baseline))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reading_a_body_never_costs_much_more_than_the_cap() {
    let bound = CAP + CAP / 4;
    let cases = [
        ("chunked, over the cap", CAP + 16 * MIB, true),
        ("chunked, just under the cap", CAP - MIB, true),
        ("with Content-Length, just under the cap", CAP - MIB, false),
        ("with Content-Length, over the cap", CAP + 16 * MIB, false),
    ];
    for (name, len, chunked) in cases {
        let (err, grew) = read_once(len, chunked).await;
        let too_large = matches!(err, Error::Transport { kind: TransportErrorKind::ResponseTooLarge, .. });
        assert_eq!(too_large, len > CAP, "{name}: {err}");
        if !too_large {
            assert!(matches!(err, Error::Decode { .. }), "{name}: the body was read whole, then refused: {err}");
        }
        println!(
            "{name}: peak grew by {:.1} MiB (bound {:.1} MiB)",
            grew as f64 / MIB as f64,
            bound as f64 / MIB as f64
        );
        assert!(grew <= bound, "{name}: peak grew by {grew} bytes, over {bound}");
    }
}
