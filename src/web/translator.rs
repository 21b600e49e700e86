//! The `Translator` the page's worker drives: load a model from bytes, turn canvas RGBA
//! into generated RGBA. Every read-back is asynchronous: a synchronous read on WebGPU
//! panics in the browser.

use burn::tensor::{Device, Tensor, TensorData};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;

use super::backend::{Backend, BackendRequest, choose};
use super::digest::sha256;
use crate::pixels::{rgba_to_tensor, tensor_to_rgba};
use crate::store::{LoadedModel, Overrides, UnverifiedModelFile, load_model_file};

#[wasm_bindgen]
pub struct Translator {
    backend: Backend,
    /// Shared with translations in flight, so a new model never pulls one out from under them.
    model: RefCell<Option<Rc<LoadedModel>>>,
}

#[wasm_bindgen]
impl Translator {
    /// Starts the backend `backend` asks for: `auto`, `webgpu` or `cpu`.
    pub async fn create(backend: String) -> Result<Translator, JsError> {
        console_error_panic_hook::set_once();
        let request = BackendRequest::parse(&backend).map_err(|e| JsError::new(&e))?;
        Ok(Translator { backend: choose(request).await, model: RefCell::new(None) })
    }

    /// `webgpu` or `cpu`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.name.to_string()
    }

    /// Why this backend: one sentence for the page's status line.
    #[wasm_bindgen(getter)]
    pub fn reason(&self) -> String {
        self.backend.reason.clone()
    }

    /// The WebGPU adapter's description, or "" when none was found.
    #[wasm_bindgen(getter)]
    pub fn adapter(&self) -> String {
        self.backend.adapter.clone()
    }

    /// Loads a gansketch model file and returns its description (JSON: the model file's
    /// header without the tensors). On error the previous model stays loaded.
    pub async fn load(&self, bytes: Vec<u8>) -> Result<String, JsError> {
        let unverified = UnverifiedModelFile::parse(&bytes)?;
        let digest = sha256(unverified.tensor_section()).await;
        let file = unverified.verify(&digest)?;
        let model = load_model_file(&file, &Overrides::default(), &self.backend.device)?;
        let description = serde_json::to_string(&model.info)?;
        self.model.replace(Some(Rc::new(model)));
        Ok(description)
    }

    /// Translates `width`×`height` RGBA pixels (alpha composited on white) into RGBA
    /// pixels of the same size.
    pub async fn translate(&self, rgba: Vec<u8>, width: u32, height: u32) -> Result<Vec<u8>, JsError> {
        let model = self.model.borrow().clone().ok_or_else(|| JsError::new("no model is loaded yet"))?;
        let (width, height) = (width as usize, height as usize);
        if rgba.len() != width * height * 4 {
            return Err(JsError::new(&format!(
                "expected {width}×{height} RGBA pixels ({} bytes), found {} bytes",
                width * height * 4,
                rgba.len()
            )));
        }
        let channels = model.info.generator.input_channels;
        let input = rgba_to_tensor(&rgba, width, height, channels);
        let output = translate_data(&model, input, &self.backend.device).await?;
        let values = output.try_to_vec::<f32>().map_err(|e| JsError::new(&format!("{e:?}")))?;
        Ok(tensor_to_rgba(&values, model.info.generator.output_channels, width, height))
    }
}

/// Runs `model` on an NCHW tensor in [-1, 1] and reads the result back asynchronously.
pub async fn translate_data(model: &LoadedModel, input: TensorData, device: &Device) -> Result<TensorData, JsError> {
    let input = Tensor::<4>::from_data(input, device);
    let output = model.generator.translate(input, model.norm_stats())?;
    output
        .into_data_async()
        .await
        .map_err(|e| JsError::new(&format!("reading the output back failed: {e:?}")))
}
