//! AWS IAM: a signed `GetCallerIdentity`, with region and credentials from the instance metadata
//! (the IMDSv2 token first).

use super::*;

/// The signed request Infisical replays to STS, decoded from the login body.
fn aws_signed(req: &Request) -> Option<(serde_json::Value, serde_json::Value)> {
    let body: serde_json::Value = serde_json::from_slice(&req.body).ok()?;
    let headers = STANDARD.decode(body["iamRequestHeaders"].as_str()?).ok()?;
    Some((body.clone(), serde_json::from_slice(&headers).ok()?))
}

#[tokio::test]
async fn aws_iam_sends_a_signed_get_caller_identity() {
    let infisical = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/aws-auth/login"))
        .and(|req: &Request| {
            let Some((body, headers)) = aws_signed(req) else { return false };
            let mut fields: Vec<&String> = body.as_object().unwrap().keys().collect();
            fields.sort();
            fields == ["iamHttpRequestMethod", "iamRequestBody", "iamRequestHeaders", "identityId"]
                && body["identityId"] == "id-aws"
                && body["iamHttpRequestMethod"] == "POST"
                && body["iamRequestBody"] == STANDARD.encode("Action=GetCallerIdentity&Version=2011-06-15")
                && headers["Host"] == "sts.eu-west-1.amazonaws.com"
                && headers["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
                && headers["X-Amz-Security-Token"] == "session-token"
                && headers["Authorization"].as_str().is_some_and(|a| {
                    a.starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/") && a.contains("/eu-west-1/sts/aws4_request")
                })
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(issued(1)))
        .expect(1)
        .mount(&infisical)
        .await;
    list_ok(&infisical, "identity-token-1").await;
    // The AWS chain's first link: the keys in the environment; the region from AWS_REGION.
    let env = EnvSource::from_pairs([
        ("INFISICAL_AWS_IAM_AUTH_IDENTITY_ID", "id-aws"),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_ACCESS_KEY_ID", "AKIDTEST"),
        ("AWS_SECRET_ACCESS_KEY", "aws-secret-key"),
        ("AWS_SESSION_TOKEN", "session-token"),
    ]);
    listed(&infisical, None, env).await;
}

#[tokio::test]
async fn aws_iam_takes_region_and_credentials_from_instance_metadata_with_the_imdsv2_token() {
    let imds = MockServer::start().await;
    let infisical = MockServer::start().await;
    // IMDSv2: a session token first (PUT, with its TTL), then every read carries it.
    Mock::given(method("PUT"))
        .and(path("/latest/api/token"))
        .and(header("x-aws-ec2-metadata-token-ttl-seconds", "21600"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("imds-session")
                .insert_header("x-aws-ec2-metadata-token-ttl-seconds", "21600"),
        )
        .mount(&imds)
        .await;
    let get = |route: &'static str, body: String| {
        Mock::given(method("GET"))
            .and(path(route))
            .and(header("x-aws-ec2-metadata-token", "imds-session"))
            .respond_with(ResponseTemplate::new(200).set_body_string(body))
    };
    get("/latest/meta-data/placement/region", "ap-south-1".into()).expect(1).mount(&imds).await;
    get("/latest/meta-data/iam/security-credentials/", "instance-role".into()).mount(&imds).await;
    let expiry = (chrono_like_in_an_hour()).to_owned();
    get(
        "/latest/meta-data/iam/security-credentials/instance-role",
        json!({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAINSTANCE", "SecretAccessKey": "instance-secret",
               "Token": "instance-session", "Expiration": expiry, "LastUpdated": "2026-01-01T00:00:00Z"})
        .to_string(),
    )
    .expect(1..)
    .mount(&imds)
    .await;
    Mock::given(method("POST"))
        .and(path("/api/v1/auth/aws-auth/login"))
        .and(|req: &Request| {
            aws_signed(req).is_some_and(|(_, h)| {
                h["Host"] == "sts.ap-south-1.amazonaws.com"
                    && h["X-Amz-Security-Token"] == "instance-session"
                    && h["Authorization"].as_str().is_some_and(|a| a.contains("Credential=ASIAINSTANCE/"))
            })
        })
        .respond_with(ResponseTemplate::new(200).set_body_json(issued(1)))
        .expect(1)
        .mount(&infisical)
        .await;
    list_ok(&infisical, "identity-token-1").await;
    let login = IdentityLogin::aws_iam("id-aws").platform_endpoint(imds.uri());
    listed(&infisical, Some(login), empty_env()).await;
}

/// An RFC 3339 time an hour from now, as IMDS writes `Expiration`.
fn chrono_like_in_an_hour() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}
