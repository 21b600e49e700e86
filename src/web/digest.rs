//! SHA-256 of a model's tensors by the browser's WebCrypto, which runs natively (SHA
//! instructions where the CPU has them): for a 218 MB model it takes 1.2 s off the cold
//! start that sha2 in wasm needs (bench/results/webcrypto.json).

use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// The SHA-256 of `data`: by WebCrypto where the page has it, else in wasm. WebCrypto is
/// missing outside secure contexts, e.g. a page served over plain http from another host.
pub async fn sha256(data: &[u8]) -> Vec<u8> {
    match web_crypto_sha256(data).await {
        Some(digest) => digest,
        None => Sha256::digest(data).to_vec(),
    }
}

/// The SHA-256 of `data` by `crypto.subtle` (in a window or a worker), or `None` where
/// there is none.
pub async fn web_crypto_sha256(data: &[u8]) -> Option<Vec<u8>> {
    let crypto = js_sys::Reflect::get(&js_sys::global(), &"crypto".into()).ok()?;
    let subtle = js_sys::Reflect::get(&crypto, &"subtle".into()).ok()?;
    let subtle = subtle.dyn_into::<web_sys::SubtleCrypto>().ok()?;
    // WebCrypto copies `data` before this call returns, so the view into wasm memory is safe.
    let promise = subtle.digest_with_str_and_u8_array("SHA-256", data).ok()?;
    let digest = JsFuture::from(promise).await.ok()?;
    Some(js_sys::Uint8Array::new(&digest).to_vec())
}
