//! The route table, the handlers and the middleware stack.
//!
//! | route | what |
//! |---|---|
//! | `POST /v1/analyze` | one article → `Report` |
//! | `POST /v1/analyze/batch` | `{"documents": [...]}` → `{"results": [Report \| {"error"}]}` |
//! | `POST /v1/summarize` | → `{"summary": Summary}` |
//! | `POST /v1/stance` | → `{"target", "speakers"}` |
//! | `GET /v1/models` | loaded models |
//! | `GET /health` | liveness (always 200) |
//! | `GET /ready` | 200 once models are loaded and warmed up, 503 before |
//! | `GET /metrics` | Prometheus text |
//! | `GET /openapi.json`, `GET /docs` | the API description and a page rendering it |
//! | `GET /` | the web page |
//!
//! Middleware, outermost first: request id (set, traced, echoed), CORS (optional),
//! metrics (by matched route), API key, panic catcher, body limit; model routes add
//! admission (the concurrency semaphore, tried without waiting).

use std::sync::LazyLock;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;
use utoipa::ToSchema;

use super::error::{ApiError, ApiJson, ErrorBody};
use super::metrics::Gauges;
use super::queue::SubmitError;
use super::{AppState, Readiness};
use crate::engine::{AnalyzeRequest, ModelInfo};
use crate::report::{Report, SpeakerReport, Summary};

/// `POST /v1/summarize` answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SummarizeResponse {
    pub summary: Summary,
}

/// `POST /v1/stance` answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StanceResponse {
    pub target: String,
    pub speakers: Vec<SpeakerReport>,
}

/// `POST /v1/analyze/batch` body.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    /// At most `max-batch-documents` articles. Each is checked on its own: a bad item
    /// gets an inline error and does not fail the others.
    pub documents: Vec<AnalyzeRequest>,
}

/// One batch result: a report, or an error for that document alone.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum BatchItem {
    Report(Box<Report>),
    Error(ErrorBody),
}

/// `POST /v1/analyze/batch` answer: one item per document, in order.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BatchResponse {
    pub results: Vec<BatchItem>,
}

/// `GET /v1/models` answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ModelsResponse {
    pub models: Vec<ModelInfo>,
}

/// `GET /health` and `GET /ready` answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct StatusResponse {
    /// `ok` (health) or `ready`.
    pub status: String,
}

/// The batch body as received: items stay raw JSON so each is parsed (and fails) alone.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBatch {
    documents: Vec<serde_json::Value>,
}

/// Paths served without an API key: probes, and pages a browser loads by navigation
/// (which cannot carry a bearer token); none of them runs a model or reveals data.
const PUBLIC_PATHS: &[&str] = &["/health", "/ready", "/", "/docs", "/openapi.json"];

const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Build the app for `state`: routes, fallbacks and the middleware stack. The model
/// worker must be started separately ([`AppState::start`]); [`super::serve`] does both.
pub fn router(state: AppState) -> Router {
    build(state, Router::new())
}

/// The app with `extra` routes inside the middleware stack (tests add a panicking one).
fn build(state: AppState, extra: Router<AppState>) -> Router {
    let model_routes = Router::new()
        .route("/v1/analyze", post(analyze))
        .route("/v1/analyze/batch", post(analyze_batch))
        .route("/v1/summarize", post(summarize))
        .route("/v1/stance", post(stance))
        .route_layer(middleware::from_fn_with_state(state.clone(), admit));

    let mut app = Router::new()
        .route("/", get(index))
        .route("/docs", get(docs))
        .route("/openapi.json", get(openapi_json))
        .route("/health", get(health))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
        .route("/v1/models", get(models))
        .merge(model_routes)
        .merge(extra)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config().max_body_bytes))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            require_api_key,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), track));
    if let Some(cors) = cors_layer(&state.config().cors_origins) {
        app = app.layer(cors);
    }
    app.layer(PropagateRequestIdLayer::new(X_REQUEST_ID))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request| {
                    let id = req
                        .headers()
                        .get(&X_REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    // The path only: query strings may carry article text.
                    tracing::info_span!(
                        "request",
                        request_id = %id,
                        method = %req.method(),
                        path = %req.uri().path(),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO))
                // 5xx answers are logged where they arise, with their cause (ApiError,
                // the panic catcher); a second generic line per failure adds nothing.
                .on_failure(()),
        )
        .layer(SetRequestIdLayer::new(X_REQUEST_ID, MakeRequestUuid))
        .with_state(state)
}

fn cors_layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow = if origins.iter().any(|o| o == "*") {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|o| HeaderValue::from_str(o).ok())
                .collect::<Vec<_>>(),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION])
            .expose_headers([X_REQUEST_ID, header::RETRY_AFTER])
            .max_age(std::time::Duration::from_secs(3600)),
    )
}

// ---------------------------------------------------------------- middleware

/// Count and time every request by matched route (never the raw path: bounded labels).
async fn track(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let method = match *req.method() {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        _ => "other",
    };
    let t = Instant::now();
    let resp = next.run(req).await;
    st.metrics().observe_request(
        &route,
        method,
        resp.status().as_u16(),
        t.elapsed().as_secs_f64(),
    );
    resp
}

async fn require_api_key(State(st): State<AppState>, req: Request, next: Next) -> Response {
    let Some(key) = st.config().api_key.as_deref() else {
        return next.run(req).await;
    };
    if PUBLIC_PATHS.contains(&req.uri().path()) || req.method() == Method::OPTIONS {
        return next.run(req).await;
    }
    let given = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(g) if constant_time_eq(g.as_bytes(), key.as_bytes()) => next.run(req).await,
        _ => ApiError::unauthorized().into_response(),
    }
}

/// Compare without an early exit, so response time does not leak how much of a guessed
/// key was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Admission for model routes: take a permit without waiting, or refuse with 429. The
/// permit is held until the response is built, so it bounds queued + running work.
async fn admit(State(st): State<AppState>, req: Request, next: Next) -> Response {
    match st.admission().clone().try_acquire_owned() {
        Ok(permit) => {
            let resp = next.run(req).await;
            drop(permit);
            resp
        }
        Err(_) => {
            st.metrics().observe_rejection("overloaded");
            ApiError::overloaded(format!(
                "the server is handling its maximum of {} requests; retry shortly",
                st.config().max_concurrent_requests
            ))
            .into_response()
        }
    }
}

fn panic_response(p: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let msg = super::panic_message(&*p);
    tracing::error!(panic = %msg, "a handler panicked");
    ApiError::internal("internal error (the failure was logged)").into_response()
}

// ---------------------------------------------------------------- model work

/// Estimated tokens of a document, for the batch token budget: WordPiece averages
/// about four bytes of English per token; exactness does not matter for a budget.
fn estimate_tokens(req: &AnalyzeRequest) -> usize {
    req.text.len() / 4 + 1
}

impl AppState {
    fn ready_engine(&self) -> Result<&std::sync::Arc<crate::Engine>, ApiError> {
        match self.engine() {
            Some(e) => Ok(e),
            None => Err(match self.readiness() {
                Readiness::Failed(m) => ApiError::not_ready(format!("model loading failed: {m}")),
                _ => ApiError::not_ready("models are still loading; see GET /ready"),
            }),
        }
    }

    /// Queue documents (already validated) and wait for their results, bounded by the
    /// request timeout.
    async fn run_model(
        &self,
        docs: Vec<AnalyzeRequest>,
    ) -> Result<Vec<crate::Result<Report>>, ApiError> {
        let cost = docs.iter().map(estimate_tokens).sum();
        // Generation is slow: abstractive work batches only with abstractive work.
        let class = u8::from(
            docs.iter()
                .any(|d| d.summary_mode == crate::report::SummaryMode::Abstractive),
        );
        let rx = match self.queue().submit(docs, cost, class) {
            Ok(rx) => rx,
            Err(SubmitError::Full) => {
                self.metrics().observe_rejection("queue_full");
                return Err(ApiError::queue_full(format!(
                    "the work queue is full ({} documents waiting); retry shortly",
                    self.queue().depth()
                )));
            }
            Err(SubmitError::Closed) => return Err(ApiError::shutting_down()),
        };
        let limit = self.config().request_timeout;
        match tokio::time::timeout(limit, rx).await {
            Ok(Ok(results)) => Ok(results),
            Ok(Err(_)) => Err(ApiError::shutting_down()),
            Err(_) => {
                // Dropping `rx` here tells the worker to skip this work if not started.
                self.metrics().observe_rejection("timeout");
                Err(ApiError::timeout(limit.as_secs_f64()))
            }
        }
    }

    async fn analyze_one(&self, req: AnalyzeRequest) -> Result<Report, ApiError> {
        let engine = self.ready_engine()?;
        engine.validate(&req)?;
        let result = self
            .run_model(vec![req])
            .await?
            .pop()
            .ok_or_else(|| ApiError::internal("the engine returned no result"))?;
        Ok(result?)
    }
}

// ---------------------------------------------------------------- handlers

/// Analyse one article: summary, speakers, stance.
#[utoipa::path(
    post, path = "/v1/analyze", tag = "analysis",
    request_body = AnalyzeRequest,
    responses(
        (status = 200, description = "The report (same JSON as the CLI's)", body = Report),
        (status = 400, description = "Malformed JSON or invalid UTF-8", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 413, description = "Body over --max-body-bytes", body = ErrorBody),
        (status = 415, description = "Content-Type is not application/json", body = ErrorBody),
        (status = 422, description = "Valid JSON, invalid fields (empty text, unknown summary_mode, wrong type)", body = ErrorBody),
        (status = 429, description = "Overloaded; see Retry-After", body = ErrorBody),
        (status = 503, description = "Models not loaded yet, or shutting down", body = ErrorBody),
        (status = 504, description = "Not finished within the request timeout", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn analyze(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<AnalyzeRequest>,
) -> Result<Json<Report>, ApiError> {
    Ok(Json(st.analyze_one(req).await?))
}

/// Only the summary of one article.
#[utoipa::path(
    post, path = "/v1/summarize", tag = "analysis",
    request_body = AnalyzeRequest,
    responses(
        (status = 200, description = "The summary", body = SummarizeResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody), (status = 504, body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn summarize(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<AnalyzeRequest>,
) -> Result<Json<SummarizeResponse>, ApiError> {
    let report = st.analyze_one(req).await?;
    Ok(Json(SummarizeResponse {
        summary: report.summary,
    }))
}

/// Only the speakers of one article and their stance toward the target.
#[utoipa::path(
    post, path = "/v1/stance", tag = "analysis",
    request_body = AnalyzeRequest,
    responses(
        (status = 200, description = "Speakers with stance", body = StanceResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody), (status = 429, body = ErrorBody),
        (status = 503, body = ErrorBody), (status = 504, body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn stance(
    State(st): State<AppState>,
    ApiJson(req): ApiJson<AnalyzeRequest>,
) -> Result<Json<StanceResponse>, ApiError> {
    let report = st.analyze_one(req).await?;
    Ok(Json(StanceResponse {
        target: report.target,
        speakers: report.speakers,
    }))
}

/// Analyse several articles in one call (their model work is batched together).
/// Errors of one document are reported inline, in its slot.
#[utoipa::path(
    post, path = "/v1/analyze/batch", tag = "analysis",
    request_body = BatchRequest,
    responses(
        (status = 200, description = "One result per document, in order", body = BatchResponse),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, description = "No documents, too many, or not a list", body = ErrorBody),
        (status = 429, body = ErrorBody), (status = 503, body = ErrorBody),
        (status = 504, body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn analyze_batch(
    State(st): State<AppState>,
    ApiJson(batch): ApiJson<RawBatch>,
) -> Result<Json<BatchResponse>, ApiError> {
    let max = st.config().max_batch_documents;
    let n = batch.documents.len();
    if n == 0 {
        return Err(ApiError::invalid_input("`documents` is empty"));
    }
    if n > max {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_documents",
            format!("{n} documents; at most {max} per request (--max-batch-documents)"),
        ));
    }
    let engine = st.ready_engine()?;
    // Parse and validate each item alone; only the good ones go to the model.
    let mut slots: Vec<Option<ApiError>> = Vec::with_capacity(n);
    let mut good = Vec::new();
    for value in batch.documents {
        let checked = super::error::from_object::<AnalyzeRequest>(value)
            .map_err(|e| ApiError::invalid_input(format!("invalid document: {}", e.message)))
            .and_then(|req| {
                engine.validate(&req)?;
                Ok(req)
            });
        match checked {
            Ok(req) => {
                good.push(req);
                slots.push(None);
            }
            Err(e) => slots.push(Some(e)),
        }
    }
    let mut reports = if good.is_empty() {
        Vec::new()
    } else {
        st.run_model(good).await?
    }
    .into_iter();
    let results = slots
        .into_iter()
        .map(|slot| {
            let outcome = match slot {
                Some(err) => Err(err),
                None => match reports.next() {
                    Some(r) => r.map_err(ApiError::from),
                    None => Err(ApiError::internal("the engine returned too few results")),
                },
            };
            match outcome {
                Ok(report) => BatchItem::Report(Box::new(report)),
                Err(e) => BatchItem::Error(e.body()),
            }
        })
        .collect();
    Ok(Json(BatchResponse { results }))
}

/// The loaded models (503 until loaded).
#[utoipa::path(
    get, path = "/v1/models", tag = "service",
    responses(
        (status = 200, body = ModelsResponse),
        (status = 401, body = ErrorBody),
        (status = 503, body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn models(State(st): State<AppState>) -> Result<Json<ModelsResponse>, ApiError> {
    let engine = st.ready_engine()?;
    Ok(Json(ModelsResponse {
        models: engine.models(),
    }))
}

/// Liveness: 200 while the process serves, even while models load.
#[utoipa::path(get, path = "/health", tag = "service",
    responses((status = 200, body = StatusResponse)))]
pub async fn health() -> Json<StatusResponse> {
    Json(StatusResponse {
        status: "ok".into(),
    })
}

/// Readiness: 200 once the models are loaded and a warm-up analysis succeeded.
#[utoipa::path(get, path = "/ready", tag = "service",
    responses(
        (status = 200, body = StatusResponse),
        (status = 503, description = "Loading, or loading failed", body = ErrorBody),
    ))]
pub async fn ready(State(st): State<AppState>) -> Result<Json<StatusResponse>, ApiError> {
    st.ready_engine()?;
    Ok(Json(StatusResponse {
        status: "ready".into(),
    }))
}

/// Prometheus metrics, prefix `parley_`.
#[utoipa::path(get, path = "/metrics", tag = "service",
    responses(
        (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
        (status = 401, body = ErrorBody),
    ),
    security((), ("bearer" = [])))]
pub async fn metrics(State(st): State<AppState>) -> Response {
    let text = st.metrics().render(Gauges {
        queue_depth: st.queue().depth(),
        in_flight: st.in_flight(),
        ready: st.engine().is_some(),
    });
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        text,
    )
        .into_response()
}

static OPENAPI_JSON: LazyLock<String> = LazyLock::new(super::openapi::openapi_json);

async fn openapi_json() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        OPENAPI_JSON.as_str(),
    )
        .into_response()
}

/// The demo article shown by the web page's "Try an example" button and `/?demo=1`.
/// Invented names and places.
pub const DEMO_ARTICLE: &str = include_str!("web/demo.txt");
/// The demo article's title.
pub const DEMO_TITLE: &str = "Ferry truce talks stall as Velmora and Drusk trade terms";

static INDEX_HTML: LazyLock<String> = LazyLock::new(|| {
    let demo = serde_json::json!({ "title": DEMO_TITLE, "text": DEMO_ARTICLE }).to_string();
    // `</` inside a script must not close it: JSON allows `\/` as an escape for `/`.
    let demo = demo.replace("</", "<\\/");
    include_str!("web/index.html").replace("/*DEMO*/null", &demo)
});

async fn index() -> Html<&'static str> {
    Html(INDEX_HTML.as_str())
}

async fn docs() -> Html<&'static str> {
    Html(include_str!("web/docs.html"))
}

async fn not_found(uri: Uri) -> ApiError {
    ApiError::not_found(uri.path())
}

async fn method_not_allowed(method: Method, uri: Uri) -> ApiError {
    ApiError::method_not_allowed(method.as_str(), uri.path())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    async fn call(
        app: Router,
        req: axum::http::Request<Body>,
    ) -> (StatusCode, axum::http::HeaderMap, serde_json::Value) {
        let resp = app.oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), 1 << 20)
            .await
            .unwrap();
        let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (status, headers, json)
    }

    fn get_req(path: &str) -> axum::http::Request<Body> {
        axum::http::Request::get(path).body(Body::empty()).unwrap()
    }

    /// The middleware stack without models: the worker is never started here, which is
    /// exactly the "still loading" state. Model-backed behaviour is in tests/server.rs.
    #[tokio::test]
    async fn a_panicking_handler_becomes_a_json_500_and_the_app_keeps_serving() {
        let state = AppState::new(super::super::ServeConfig::default());
        let extra = Router::new().route(
            "/boom",
            get(|| async {
                panic!("deliberate test panic");
                #[allow(unreachable_code)]
                ""
            }),
        );
        let app = build(state.clone(), extra);
        let (status, headers, body) = call(app.clone(), get_req("/boom")).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(body["error"]["code"], "internal");
        assert!(headers.contains_key("x-request-id"));
        let (status, _, body) = call(app.clone(), get_req("/health")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["status"], "ok");
        let text = state.metrics().render(Default::default());
        assert!(
            text.contains("route=\"/boom\",method=\"GET\",status=\"500\"} 1"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn before_loading_probes_answer_and_model_routes_are_503() {
        let app = router(AppState::new(super::super::ServeConfig::default()));
        let (status, _, _) = call(app.clone(), get_req("/health")).await;
        assert_eq!(status, StatusCode::OK);
        let (status, headers, body) = call(app.clone(), get_req("/ready")).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(body["error"]["code"], "not_ready");
        assert!(headers.contains_key(header::RETRY_AFTER));
        let req = axum::http::Request::post("/v1/analyze")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"text": "Someone said something."}"#))
            .unwrap();
        let (status, _, body) = call(app.clone(), req).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        let (status, _, body) = call(app.clone(), get_req("/nope")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(body["error"]["code"], "not_found");
        let (status, _, body) = call(app.clone(), get_req("/v1/analyze")).await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(body["error"]["code"], "method_not_allowed");
    }

    #[tokio::test]
    async fn the_request_id_is_echoed_when_given() {
        let app = router(AppState::new(super::super::ServeConfig::default()));
        let req = axum::http::Request::get("/health")
            .header("x-request-id", "abc-123")
            .body(Body::empty())
            .unwrap();
        let (_, headers, _) = call(app, req).await;
        assert_eq!(headers["x-request-id"], "abc-123");
    }

    #[test]
    fn keys_compare_exactly() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }

    #[test]
    fn the_page_embeds_the_demo_as_a_script_safe_literal() {
        assert!(!INDEX_HTML.contains("/*DEMO*/null"));
        assert!(INDEX_HTML.contains("Velmora"));
        let start = INDEX_HTML.find("<script>").unwrap();
        let script = &INDEX_HTML[start + 8..];
        let end = script.find("</script>").unwrap();
        assert!(script[..end].contains("const DEMO"));
    }
}
