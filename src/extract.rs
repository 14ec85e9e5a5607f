//! Request extractors that turn every kind of bad input into a problem+json answer:
//! JSON bodies (size, content type, nesting depth, syntax, types, then `validator` rules),
//! query strings, version preconditions and idempotency keys.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{dev::Payload, web, FromRequest, HttpRequest};
use serde::de::DeserializeOwned;
use validator::Validate;

use crate::error::{ApiError, FieldError};

/// The request limits the extractors enforce, from [`crate::config::Settings`].
#[derive(Debug, Clone, Copy)]
pub struct RequestLimits {
    pub max_body_bytes: usize,
    pub max_import_bytes: usize,
    pub max_evidence_bytes: usize,
    pub max_json_depth: usize,
}

/// A JSON body that parsed and passed its `validator` rules.
#[derive(Debug)]
pub struct ValidatedJson<T>(pub T);

impl<T> ValidatedJson<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for ValidatedJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limits = request_limits(req);
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let mime = v.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        let body = read_body(req, payload, limits.max_body_bytes);
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::UnsupportedMediaType("Send the body as application/json".into()));
            }
            let bytes = body.await?;
            let value: T = parse_json(&bytes, limits.max_json_depth)?;
            value.validate()?;
            Ok(ValidatedJson(value))
        })
    }
}

/// Reads the whole body, answering 413 past `limit` bytes.
pub fn read_body(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> impl Future<Output = Result<web::Bytes, ApiError>> + 'static {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    let body = web::Bytes::from_request(req, payload);
    async move {
        if declared.is_some_and(|n| n > limit) {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        let bytes = body.await.map_err(|e| {
            if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit }
            } else {
                ApiError::bad_request("unreadable_body", "The request body could not be read")
            }
        })?;
        if bytes.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        Ok(bytes)
    }
}

pub fn request_limits(req: &HttpRequest) -> RequestLimits {
    let configured: Option<&web::Data<RequestLimits>> = req.app_data();
    configured.map(|l| *l.get_ref()).unwrap_or(RequestLimits {
        max_body_bytes: 256 * 1024,
        max_import_bytes: 5 * 1024 * 1024,
        max_evidence_bytes: 5 * 1024 * 1024,
        max_json_depth: 32,
    })
}

/// Parses JSON: syntax errors are 400, wrong shapes are 422 naming the field.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], max_depth: usize) -> Result<T, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("malformed_json", "The request body is empty; send a JSON document"));
    }
    let shape = json_shape(bytes);
    if shape.depth > max_depth {
        return Err(ApiError::bad_request("json_too_deep", format!("JSON may nest at most {max_depth} levels")));
    }
    if shape.has_nul {
        // PostgreSQL cannot store U+0000 in text, and no field of this API needs it.
        return Err(ApiError::bad_request("invalid_text", "Text may not contain the NUL character (\\u0000)"));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(shape_error)?;
    deserializer
        .end()
        .map_err(|e| ApiError::bad_request("malformed_json", format!("The body is not valid JSON: {e}")))?;
    // A derived struct also takes an array, filling its fields by position: a client listing the
    // values in the order the spec lists the properties fills the wrong ones. The spec says
    // object, so a body with an array in it is read a second time, refusing an array where a
    // record goes (by its path); lists stay lists.
    if bytes.contains(&b'[') {
        let tree: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| ApiError::bad_request("malformed_json", format!("The body is not valid JSON: {e}")))?;
        serde_path_to_error::deserialize::<_, T>(strict::Records(&tree)).map_err(shape_error)?;
    }
    Ok(value)
}

/// A body that parses but does not fit the type: 422 naming the field (an unknown field by its name).
fn shape_error(error: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    match inner.classify() {
        serde_json::error::Category::Data => {
            let message = strip_position(&inner.to_string());
            // serde names an unknown field in backticks: "unknown field `x`, expected one of …".
            let unknown = message.strip_prefix("unknown field `").and_then(|rest| rest.split_once('`'));
            match unknown {
                Some((name, _)) => {
                    // The path already ends at the unknown key.
                    let field = if path == "." { name.to_string() } else { path };
                    ApiError::Validation(vec![FieldError::new(field, "unknown_field", message)])
                }
                None => {
                    let field = if path == "." { "body".to_string() } else { path };
                    ApiError::Validation(vec![FieldError::new(field, "invalid_type", message)])
                }
            }
        }
        _ => ApiError::bad_request("malformed_json", format!("The body is not valid JSON: {inner}")),
    }
}

/// Reading a parsed body into a type where a struct (a record) takes only an object, never an
/// array; everything else reads as serde_json reads it.
mod strict {
    use serde::de::{self, IntoDeserializer, Unexpected, Visitor};
    use serde_json::{Error, Value};

    pub struct Records<'de>(pub &'de Value);

    impl<'de> de::Deserializer<'de> for Records<'de> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                Value::Null => visitor.visit_unit(),
                Value::Bool(b) => visitor.visit_bool(*b),
                Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                    (Some(u), _) => visitor.visit_u64(u),
                    (None, Some(i)) => visitor.visit_i64(i),
                    (None, None) => visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN)),
                },
                Value::String(s) => visitor.visit_borrowed_str(s),
                Value::Array(items) => visitor.visit_seq(Seq(items.iter())),
                Value::Object(map) => visitor.visit_map(Fields(map.iter(), None)),
            }
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            _fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.0 {
                Value::Array(_) => Err(de::Error::invalid_type(Unexpected::Seq, &visitor)),
                _ => self.deserialize_any(visitor),
            }
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.0 {
                Value::Null => visitor.visit_none(),
                _ => visitor.visit_some(self),
            }
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Error> {
            visitor.visit_newtype_struct(self)
        }

        fn deserialize_enum<V: Visitor<'de>>(
            self,
            name: &'static str,
            variants: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            match self.0 {
                Value::String(s) => visitor.visit_enum(s.as_str().into_deserializer()),
                // A variant with data (none of the request bodies has one) reads as serde_json reads it.
                other => de::Deserializer::deserialize_enum(other, name, variants, visitor),
            }
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
            unit_struct seq tuple tuple_struct map identifier ignored_any
        }
    }

    struct Seq<'de>(std::slice::Iter<'de, Value>);

    impl<'de> de::SeqAccess<'de> for Seq<'de> {
        type Error = Error;

        fn next_element_seed<T: de::DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Error> {
            self.0.next().map(|item| seed.deserialize(Records(item))).transpose()
        }

        fn size_hint(&self) -> Option<usize> {
            Some(self.0.len())
        }
    }

    struct Fields<'de>(serde_json::map::Iter<'de>, Option<&'de Value>);

    impl<'de> de::MapAccess<'de> for Fields<'de> {
        type Error = Error;

        fn next_key_seed<K: de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Error> {
            match self.0.next() {
                Some((key, value)) => {
                    self.1 = Some(value);
                    seed.deserialize(key.as_str().into_deserializer()).map(Some)
                }
                None => Ok(None),
            }
        }

        fn next_value_seed<V: de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
            let value = self.1.take().ok_or_else(|| de::Error::custom("a value without its key"))?;
            seed.deserialize(Records(value))
        }
    }
}

fn strip_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// What [`json_shape`] finds without parsing: the deepest nesting of arrays and objects (brackets
/// inside strings do not count), and whether any string holds an escaped NUL (`\u0000`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JsonShape {
    pub depth: usize,
    pub has_nul: bool,
}

pub fn json_shape(bytes: &[u8]) -> JsonShape {
    let (mut depth, mut deepest, mut in_string, mut has_nul) = (0usize, 0usize, false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if in_string {
            match b {
                b'\\' => {
                    has_nul |= bytes.get(i) == Some(&b'u') && bytes.get(i + 1..i + 5) == Some(b"0000");
                    i += 1; // the escaped character
                }
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    JsonShape { depth: deepest, has_nul }
}

/// Refuses a path or query string that decodes to a NUL character (`%00`) before any handler
/// sees it: no identifier or filter contains one, and PostgreSQL cannot compare text with it.
pub async fn reject_nul_in_url(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    if req.uri().path_and_query().is_some_and(|pq| pq.as_str().contains("%00")) {
        let problem = ApiError::bad_request("invalid_text", "The URL may not contain the NUL character (%00)");
        return Ok(req.error_response(problem).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// A query string that parsed and passed its `validator` rules.
#[derive(Debug)]
pub struct ValidatedQuery<T>(pub T);

impl<T: DeserializeOwned + Validate> FromRequest for ValidatedQuery<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(
            web::Query::<T>::from_query(req.query_string())
                .map_err(|e| ApiError::bad_request("invalid_query", format!("Bad query parameter: {e}")))
                .and_then(|q| {
                    q.validate()?;
                    Ok(ValidatedQuery(q.into_inner()))
                }),
        )
    }
}

/// The version a client read, from `If-Match: "N"`; required on updates of shared documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IfMatch(pub i32);

impl FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match req.headers().get(header::IF_MATCH) {
            None => Err(ApiError::PreconditionRequired),
            Some(value) => value
                .to_str()
                .ok()
                .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
                .and_then(|v| v.parse::<i32>().ok())
                .map(IfMatch)
                .ok_or_else(|| {
                    ApiError::bad_request("invalid_if_match", "If-Match must be an ETag returned by this service")
                }),
        };
        std::future::ready(parsed)
    }
}

/// The `ETag` of a document at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// `Idempotency-Key`: a client's name for one logical write, so a retried request is not applied twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let parsed = match req.headers().get("Idempotency-Key") {
            None => Ok(IdempotencyKey(None)),
            Some(value) => value
                .to_str()
                .ok()
                .filter(|v| (1..=255).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_graphic()))
                .map(|v| IdempotencyKey(Some(v.to_string())))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_idempotency_key",
                        "Idempotency-Key must be 1 to 255 visible ASCII characters",
                    )
                }),
        };
        std::future::ready(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_ignores_brackets_in_strings() {
        assert_eq!(json_shape(br#"{"a":[1,{"b":"[[[{{"}]}"#).depth, 3);
        assert_eq!(json_shape(br#""\"[""#).depth, 0);
        assert_eq!(json_shape(b"[[[[]]]]").depth, 4);
    }

    #[test]
    fn an_escaped_nul_is_found_and_an_escaped_backslash_before_u0000_is_not_one() {
        assert!(json_shape(br#"{"name":"a\u0000b"}"#).has_nul);
        assert!(!json_shape(br#"{"name":"a\\u0000b"}"#).has_nul);
        assert!(!json_shape(br#"{"name":"a\u0001b"}"#).has_nul);
        assert!(!json_shape(br#"{"u0000":1}"#).has_nul);
        let problem = parse_json::<serde_json::Value>(br#"{"nip":"\u0000"}"#, 8).unwrap_err();
        assert_eq!(problem.code(), "invalid_text");
    }

    #[test]
    fn syntax_errors_are_bad_requests_and_shape_errors_name_the_field() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            name: String,
            count: u32,
        }
        let syntax = parse_json::<Body>(b"{\"name\": ", 8).unwrap_err();
        assert_eq!(syntax.code(), "malformed_json");
        let shape = parse_json::<Body>(br#"{"name":"x","count":"many"}"#, 8).unwrap_err();
        match shape {
            ApiError::Validation(errors) => assert_eq!(errors[0].field, "count"),
            other => panic!("expected a validation error, got {other:?}"),
        }
        let deep = parse_json::<serde_json::Value>(b"[[[[[[1]]]]]]", 4).unwrap_err();
        assert_eq!(deep.code(), "json_too_deep");
    }

    #[test]
    fn a_record_takes_an_object_never_an_array_and_lists_stay_lists() {
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Inner {
            a: u32,
            b: Option<String>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Body {
            inner: Inner,
            optional: Option<Inner>,
            list: Vec<Inner>,
            numbers: Vec<f64>,
        }
        let field = |body: &[u8]| match parse_json::<Body>(body, 8) {
            Err(ApiError::Validation(errors)) => (errors[0].field.clone(), errors[0].code.clone()),
            other => panic!("expected a validation error, got {other:?}"),
        };
        let fine = br#"{"inner":{"a":1},"optional":null,"list":[{"a":2,"b":"x"}],"numbers":[1,2.5]}"#;
        let body = parse_json::<Body>(fine, 8).unwrap();
        assert_eq!((body.list.len(), body.numbers[1]), (1, 2.5));
        assert_eq!(field(br#"[{"a":1},null,[],[]]"#), ("body".into(), "invalid_type".into()));
        assert_eq!(
            field(br#"{"inner":[1,"x"],"optional":null,"list":[],"numbers":[]}"#),
            ("inner".into(), "invalid_type".into())
        );
        assert_eq!(
            field(br#"{"inner":{"a":1},"optional":[1],"list":[],"numbers":[]}"#),
            ("optional".into(), "invalid_type".into())
        );
        assert_eq!(
            field(br#"{"inner":{"a":1},"optional":null,"list":[[3]],"numbers":[]}"#),
            ("list[0]".into(), "invalid_type".into())
        );
    }
}
