//! The server's one error shape and its one status mapping.
//!
//! Every failure a client can see — a rejected body, an engine error, overload, a missing
//! route, a panic — becomes `{"error": {"code": "...", "message": "..."}}` with a status
//! chosen here, so the API never answers with axum's plain-text rejections. The custom
//! [`ApiJson`] extractor replaces `axum::Json` for request bodies for the same reason:
//! it splits client mistakes into 400 (not JSON / not UTF-8), 413 (too large), 415 (not
//! declared as JSON) and 422 (JSON of the wrong shape), and never answers a client mistake
//! with a 5xx.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::Error;

/// The body of every error response.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A stable machine-readable `code` and a human-readable `message`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// One of: `malformed_json`, `invalid_utf8`, `payload_too_large`,
    /// `unsupported_media_type`, `invalid_input`, `too_many_documents`, `overloaded`,
    /// `queue_full`, `not_ready`, `timeout`, `unauthorized`, `not_found`,
    /// `method_not_allowed`, `model_unavailable`, `inference_failed`, `shutting_down`,
    /// `internal`.
    pub code: String,
    pub message: String,
}

/// An error on its way to becoming a response.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds for a `Retry-After` header (429 and 503 answers).
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn with_retry_after(mut self, secs: u32) -> Self {
        self.retry_after = Some(secs);
        self
    }

    pub fn malformed_json(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed_json", msg)
    }
    pub fn invalid_input(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", msg)
    }
    pub fn overloaded(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "overloaded", msg).with_retry_after(1)
    }
    pub fn queue_full(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::TOO_MANY_REQUESTS, "queue_full", msg).with_retry_after(1)
    }
    pub fn not_ready(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "not_ready", msg).with_retry_after(5)
    }
    pub fn shutting_down() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting_down",
            "the server is shutting down",
        )
    }
    pub fn timeout(secs: f64) -> Self {
        Self::new(
            StatusCode::GATEWAY_TIMEOUT,
            "timeout",
            format!("the analysis did not finish within the request timeout ({secs} s)"),
        )
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "missing or wrong API key: send `Authorization: Bearer <key>`",
        )
    }
    pub fn not_found(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no route for {path}"),
        )
    }
    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{method} is not allowed on {path}"),
        )
    }
    pub fn internal(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", msg)
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code.to_string(),
                message: self.message.clone(),
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Server-side failures are logged here, once, inside the request's span (so with
        // its request id); client mistakes are not worth a log line beyond the access log.
        if self.status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(code = self.code, message = %self.message, "request failed");
        } else if self.status.is_server_error() && self.code != "not_ready" {
            // (`not_ready` is routine: readiness probes poll it while models load.)
            tracing::warn!(code = self.code, message = %self.message, "request not served");
        }
        let mut resp = (self.status, axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        resp
    }
}

/// The one mapping from engine errors to statuses: the caller's fault is 4xx, a model
/// that is missing is 503 (the operator can fix it without a code change), anything
/// else that breaks inside is 500.
impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match &e {
            Error::InvalidInput(m) => ApiError::invalid_input(m.clone()),
            Error::Overloaded(m) => ApiError::overloaded(m.clone()),
            Error::ModelUnavailable(_) | Error::Checksum { .. } => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "model_unavailable",
                e.to_string(),
            ),
            Error::Inference(_) => ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "inference_failed",
                e.to_string(),
            ),
            Error::Io { .. } | Error::Other(_) => ApiError::internal(e.to_string()),
        }
    }
}

/// A JSON request body, with every rejection in the API's error shape.
///
/// Order of checks: content type (415), body size (413, enforced by the router's
/// `DefaultBodyLimit`), UTF-8 (400), JSON syntax (400), shape (422).
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        check_json_content_type(req.headers())?;
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|rej| body_rejection(rej.status(), rej.body_text()))?;
        parse_json(&bytes).map(ApiJson)
    }
}

fn check_json_content_type(headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let unsupported = |got: &str| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("expected `Content-Type: application/json`, got {got}"),
        )
    };
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(unsupported("no Content-Type"));
    };
    let Ok(value) = value.to_str() else {
        return Err(unsupported("an unreadable Content-Type"));
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let is_json = essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"));
    if is_json {
        Ok(())
    } else {
        Err(unsupported(&format!("{value:?}")))
    }
}

fn body_rejection(status: StatusCode, text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is larger than the server's limit (--max-body-bytes)",
        )
    } else if status.is_client_error() {
        ApiError::new(status, "bad_request", text)
    } else {
        // Failing to read the body is the connection's fault, not the server's; still
        // answer as a client error so a broken upload never shows up as a 5xx.
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", text)
    }
}

/// Parse a JSON body: invalid UTF-8 and bad syntax are 400, a well-formed document of
/// the wrong shape (wrong type, missing field, unknown enum value) is 422.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_utf8",
            format!("the request body is not valid UTF-8: {e}"),
        ));
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| json_error(&e))?;
    from_object(value)
}

/// Deserialize a parsed body or batch item, which must be a JSON object: serde would
/// otherwise accept a struct written as an array of its fields (`["text"]`), which no
/// client means.
pub fn from_object<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    if !value.is_object() {
        return Err(ApiError::invalid_input(format!(
            "expected a JSON object, got {}",
            json_kind(&value)
        )));
    }
    serde_json::from_value(value).map_err(|e| json_error(&e))
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Classify a serde_json error the way [`parse_json`] does.
pub fn json_error(e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    match e.classify() {
        Category::Data => ApiError::invalid_input(format!("invalid request: {e}")),
        Category::Syntax | Category::Eof | Category::Io => {
            ApiError::malformed_json(format!("the request body is not valid JSON: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AnalyzeRequest;

    #[test]
    fn syntax_errors_are_400_and_shape_errors_are_422() {
        let e = parse_json::<AnalyzeRequest>(b"{\"text\": ").unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(e.code, "malformed_json");

        let e = parse_json::<AnalyzeRequest>(b"{\"text\": 5}").unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);

        let e = parse_json::<AnalyzeRequest>(b"{\"text\": \"x\", \"summary_mode\": \"fast\"}")
            .unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.message.contains("fast"), "{}", e.message);

        let e = parse_json::<AnalyzeRequest>(b"{\"text\": \"caf\xe9\"}").unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(e.code, "invalid_utf8");

        let e = parse_json::<AnalyzeRequest>(b"[\"text\"]").unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(e.message.contains("an array"), "{}", e.message);

        let e = parse_json::<AnalyzeRequest>(b"{\"text\": \"x\", \"tagret\": \"the merger\"}")
            .unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            e.message.contains("unknown field `tagret`"),
            "{}",
            e.message
        );

        let ok = parse_json::<AnalyzeRequest>(b"{\"text\": \"x\"}").unwrap();
        assert_eq!(ok.target, crate::engine::DEFAULT_TARGET);
    }

    #[test]
    fn content_types() {
        let mut h = axum::http::HeaderMap::new();
        assert!(check_json_content_type(&h).is_err());
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"));
        assert_eq!(
            check_json_content_type(&h).unwrap_err().status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE
        );
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        assert!(check_json_content_type(&h).is_ok());
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/vnd.api+json"),
        );
        assert!(check_json_content_type(&h).is_ok());
    }

    #[test]
    fn engine_errors_map_by_cause() {
        let e: ApiError = Error::InvalidInput("text is empty".into()).into();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        let e: ApiError = Error::Overloaded("busy".into()).into();
        assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(e.retry_after, Some(1));
        let e: ApiError = Error::ModelUnavailable("gone".into()).into();
        assert_eq!(e.status, StatusCode::SERVICE_UNAVAILABLE);
        let e: ApiError = Error::Inference("nan".into()).into();
        assert_eq!(e.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}
