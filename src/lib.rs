//! gansketch: pix2pix generators in burn, natively and in the browser.
//!
//! - [`model`]: the networks (U-Net, ResNet, PatchGAN), pure burn;
//! - [`store`]: weights in and out (our model file; reference `.pth` checkpoints natively);
//! - [`translate`] (native): the `gansketch translate` pipeline over PNG and `.npy` files.

pub mod error;
pub mod model;
pub mod store;
#[cfg(not(target_family = "wasm"))]
pub mod translate;

pub use error::{Error, Result};
