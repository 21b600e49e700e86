//! The wasm face of gansketch (wasm32 only): what the page's Web Worker calls.
//!
//! - [`backend`]: WebGPU or the CPU, and why;
//! - [`digest`]: SHA-256 of a model by the browser's WebCrypto;
//! - [`translator`]: load a model from bytes, translate canvas pixels.

pub mod backend;
pub mod digest;
pub mod translator;

pub use translator::{Translator, translate_data};
