//! The OpenAPI 3.1 description served at `GET /openapi.json` (and rendered by `/docs`),
//! derived with utoipa from the handlers' annotations and the request/report types, so
//! it cannot drift from the code's JSON.

use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::error::{ErrorBody, ErrorDetail};
use super::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "parley",
        description = "Summaries and speaker stance for news articles. Every error is \
`{\"error\": {\"code\", \"message\"}}`. Character offsets (`start`, `end`) count Unicode \
scalar values of the submitted text, end exclusive. When the server runs with an API key, \
send `Authorization: Bearer <key>` on every route except /health, /ready and the pages."
    ),
    paths(
        routes::analyze,
        routes::analyze_batch,
        routes::summarize,
        routes::stance,
        routes::models,
        routes::health,
        routes::ready,
        routes::metrics,
    ),
    components(schemas(ErrorBody, ErrorDetail)),
    modifiers(&BearerAuth),
    tags(
        (name = "analysis", description = "Model work: queued, batched, admission-controlled"),
        (name = "service", description = "Probes, metrics and model information"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document as pretty JSON.
pub fn openapi_json() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"cannot render the OpenAPI document: {e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_lists_every_route_and_the_report_schema() {
        let doc: serde_json::Value = serde_json::from_str(&openapi_json()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        for p in [
            "/v1/analyze",
            "/v1/analyze/batch",
            "/v1/summarize",
            "/v1/stance",
            "/v1/models",
            "/health",
            "/ready",
            "/metrics",
        ] {
            assert!(paths.contains_key(p), "missing {p}");
        }
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for s in [
            "Report",
            "AnalyzeRequest",
            "SpeakerReport",
            "Summary",
            "ErrorBody",
            "BatchResponse",
        ] {
            assert!(schemas.contains_key(s), "missing schema {s}");
        }
        // The request's only required field is the text.
        let required = &schemas["AnalyzeRequest"]["required"];
        assert_eq!(required, &serde_json::json!(["text"]));
    }
}
