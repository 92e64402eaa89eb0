//! Aiven's error body: `{"message": …, "errors": [{"message": …, "status": …}]}`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Every failure, in Aiven's shape. `message` repeats the first error's message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorOut {
    /// What went wrong and how to fix it.
    pub message: String,
    /// The errors; always one.
    #[schema(min_items = 1)]
    pub errors: Vec<ErrorItem>,
}

/// One error.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ErrorItem {
    /// What went wrong and how to fix it.
    pub message: String,
    /// The HTTP status, repeated.
    pub status: u16,
    /// A stable machine-readable code (isthmus extension).
    pub error_code: String,
    /// For `invalid_input`: the request field (or path parameter) at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ErrorOut {
    /// The body for one error.
    pub fn new(message: String, status: u16, error_code: &str, field: Option<String>) -> Self {
        let item = ErrorItem { message: message.clone(), status, error_code: error_code.to_string(), field };
        ErrorOut { message, errors: vec![item] }
    }
}
