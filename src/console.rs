//! The two console calls the widget makes, bound once (`console.warn` for values
//! replaced by defaults, `console.error` for the one line per failed widget).

/// `console.warn(message)`.
pub fn warn(message: &str) {
    web_sys::console::warn_1(&message.into());
}

/// `console.error(message)`.
pub fn error(message: &str) {
    web_sys::console::error_1(&message.into());
}
