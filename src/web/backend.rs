//! Which device the page computes on: WebGPU through burn-wgpu, or wasm on the CPU (flex).
//!
//! `auto` takes WebGPU on a hardware adapter. A software adapter (SwiftShader, reported
//! by WebGPU as `isFallbackAdapter`) runs our generators 30–100× slower than wasm on the
//! CPU, so `auto` declines it; `webgpu` takes it anyway (the tests use it to exercise the
//! real WebGPU path without a GPU). When WebGPU cannot be had at all, every choice ends on
//! the CPU, with the reason.

use burn::tensor::Device;
use burn::tensor::wgpu::wgpu::DeviceType;
use std::cell::RefCell;
use wasm_bindgen::JsValue;

/// What the page asked for (`?backend=`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BackendRequest {
    Auto,
    WebGpu,
    Cpu,
}

impl BackendRequest {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "" | "auto" => Ok(BackendRequest::Auto),
            "webgpu" => Ok(BackendRequest::WebGpu),
            "cpu" => Ok(BackendRequest::Cpu),
            other => Err(format!("unknown backend `{other}`: expected webgpu, cpu or auto")),
        }
    }
}

/// The device chosen, its name as the page shows it, and why it was chosen.
pub struct Backend {
    pub device: Device,
    /// `webgpu` or `cpu`.
    pub name: &'static str,
    /// One sentence for `#status`.
    pub reason: String,
    /// The WebGPU adapter's description, when one was found.
    pub adapter: String,
    /// Whether that adapter is a software fallback (SwiftShader and the like).
    pub software_adapter: bool,
}

impl Backend {
    fn cpu(reason: String, adapter: String) -> Self {
        Backend { device: Device::flex(), name: "cpu", reason, adapter, software_adapter: false }
    }
}

/// WebGPU as started: burn's wgpu runtime starts once per wasm instance.
#[derive(Clone)]
struct StartedWebGpu {
    device: Device,
    adapter: String,
    software: bool,
}

thread_local! {
    static WEBGPU: RefCell<Option<Result<StartedWebGpu, String>>> = const { RefCell::new(None) };
}

/// Starts WebGPU the first time; afterwards hands out the same device (or the same error).
async fn start_webgpu() -> Result<StartedWebGpu, String> {
    if let Some(started) = WEBGPU.with(|w| w.borrow().clone()) {
        return started;
    }
    let started = match Device::wgpu_options().init_with_setup_async().await {
        Ok((device, setup)) => {
            let info = setup.adapter.get_info();
            let software = info.device_type == DeviceType::Cpu;
            // Browsers may withhold the description (SwiftShader gives none).
            let adapter = match (info.name.is_empty(), software) {
                (false, _) => info.name.clone(),
                (true, true) => "the browser's software renderer".to_string(),
                (true, false) => "an unnamed GPU".to_string(),
            };
            Ok(StartedWebGpu { device, adapter, software })
        }
        Err(error) => Err(error.to_string()),
    };
    WEBGPU.with(|w| w.replace(Some(started.clone())));
    started
}

/// Is `navigator.gpu` there, in a window or in a worker?
fn browser_has_webgpu() -> bool {
    let navigator = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("navigator"));
    navigator
        .and_then(|navigator| js_sys::Reflect::get(&navigator, &JsValue::from_str("gpu")))
        .is_ok_and(|gpu| !gpu.is_undefined() && !gpu.is_null())
}

pub async fn choose(request: BackendRequest) -> Backend {
    if request == BackendRequest::Cpu {
        return Backend::cpu("the CPU backend was asked for (backend=cpu)".into(), String::new());
    }
    if !browser_has_webgpu() {
        return Backend::cpu("this browser offers no WebGPU (navigator.gpu is missing), so the model runs in wasm on the CPU".into(), String::new());
    }
    let webgpu = match start_webgpu().await {
        Ok(webgpu) => webgpu,
        Err(error) if error.contains("No adapter") || error.contains("no adapters") => {
            return Backend::cpu("WebGPU could not start: the browser offers no WebGPU adapter (disabled, or no supported GPU), so the model runs in wasm on the CPU".into(), String::new());
        }
        Err(error) => {
            return Backend::cpu(format!("WebGPU could not start ({error}), so the model runs in wasm on the CPU"), String::new());
        }
    };
    let StartedWebGpu { device, adapter, software } = webgpu;
    match (request, software) {
        (BackendRequest::Auto, true) => {
            let reason = format!(
                "the only WebGPU adapter ({adapter}) is a software fallback, slower than wasm on the CPU; add ?backend=webgpu to use it anyway"
            );
            let mut backend = Backend::cpu(reason, adapter);
            backend.software_adapter = true;
            backend
        }
        (_, true) => Backend {
            device,
            name: "webgpu",
            reason: format!("WebGPU on a software adapter ({adapter}), as asked: expect it to be slow"),
            adapter,
            software_adapter: true,
        },
        (_, false) => Backend { device, name: "webgpu", reason: format!("WebGPU on {adapter}"), adapter, software_adapter: false },
    }
}
