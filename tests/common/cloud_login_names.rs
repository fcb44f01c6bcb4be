//! The names that steer a cloud login (`Reserved::CloudLogin`), each with a value a hostile secret
//! could hold, and the AWS credentials users keep in Infisical on purpose. Shared by the tests of a
//! child and the exports (`env_security.rs`) and of this process (`env_process_cloud.rs`).

/// Where a cloud login fetches its tokens or sends its proof, or which credentials it takes.
pub const STEERING: &[(&str, &str)] = &[
    ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://attacker"),
    ("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6"),
    ("AWS_EC2_METADATA_DISABLED", "true"),
    ("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://attacker/creds"),
    ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/../attacker"),
    ("AWS_CONTAINER_AUTHORIZATION_TOKEN", "t"),
    ("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/tmp/evil"),
    ("AWS_ENDPOINT_URL", "https://attacker"),
    ("AWS_ENDPOINT_URL_STS", "https://attacker"),
    ("aws_endpoint_url_sso", "https://attacker"),
    ("AWS_WEB_IDENTITY_TOKEN_FILE", "/tmp/evil"),
    ("AWS_ROLE_ARN", "arn:aws:iam::666:role/attacker"),
    ("AWS_CONFIG_FILE", "/tmp/evil"),
    ("AWS_SHARED_CREDENTIALS_FILE", "/tmp/evil"),
    ("AWS_PROFILE", "admin"),
    ("GCE_METADATA_HOST", "attacker:80"),
    ("GCE_METADATA_ROOT", "attacker:80"),
    ("GCE_METADATA_IP", "10.0.0.66:80"),
    ("GOOGLE_APPLICATION_CREDENTIALS", "/tmp/evil.json"),
    ("IDENTITY_ENDPOINT", "http://attacker/msi/token"),
    ("IDENTITY_HEADER", "h"),
    ("MSI_ENDPOINT", "http://attacker"),
    ("MSI_SECRET", "s"),
    ("IMDS_ENDPOINT", "http://attacker"),
    ("IDENTITY_SERVER_THUMBPRINT", "00"),
    ("AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://attacker"),
    ("AZURE_AUTHORITY_HOST", "https://attacker"),
    ("AZURE_FEDERATED_TOKEN_FILE", "/tmp/evil"),
];

/// What users keep in Infisical on purpose: the AWS keys and region. They pass.
pub const CREDENTIALS: &[(&str, &str)] = &[
    ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
    ("AWS_SECRET_ACCESS_KEY", "secret-key"),
    ("AWS_SESSION_TOKEN", "session-token"),
    ("AWS_REGION", "eu-west-1"),
    ("AWS_DEFAULT_REGION", "eu-west-1"),
];
