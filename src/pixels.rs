//! Pixels ⇄ tensors, as the reference's `ToTensor` + `Normalize(0.5, 0.5)` and `tensor2im`
//! do it: shared by the CLI (PNG files) and the page (canvas RGBA).

use burn::tensor::TensorData;

/// RGBA bytes (row-major) to a [1, channels, height, width] tensor in [-1, 1].
pub fn rgba_to_tensor(rgba: &[u8], width: usize, height: usize, channels: usize) -> TensorData {
    let plane = width * height;
    let mut values = vec![0f32; channels * plane];
    for (i, pixel) in rgba.chunks_exact(4).enumerate() {
        let alpha = pixel[3] as f32 / 255.0;
        let on_white = |c: u8| c as f32 * alpha + 255.0 * (1.0 - alpha);
        let [r, g, b] = [on_white(pixel[0]), on_white(pixel[1]), on_white(pixel[2])];
        if channels == 1 {
            let luma = (r * 299.0 + g * 587.0 + b * 114.0) / 1000.0;
            values[i] = luma.round() / 127.5 - 1.0;
        } else {
            for (c, value) in [r, g, b].into_iter().enumerate().take(channels) {
                values[c * plane + i] = value.round() / 127.5 - 1.0;
            }
        }
    }
    TensorData::new(values, vec![1, channels, height, width])
}

/// A [1, channels, height, width] tensor in [-1, 1] to RGBA bytes (one channel is grey).
pub fn tensor_to_rgba(values: &[f32], channels: usize, width: usize, height: usize) -> Vec<u8> {
    let plane = width * height;
    // The reference's `tensor2im`: (x + 1) / 2 · 255, truncated to u8.
    let to_byte = |v: f32| ((v + 1.0) / 2.0 * 255.0).clamp(0.0, 255.0) as u8;
    let mut rgba = Vec::with_capacity(plane * 4);
    for i in 0..plane {
        let channel = |c: usize| to_byte(values[c.min(channels - 1) * plane + i]);
        rgba.extend_from_slice(&[channel(0), channel(1), channel(2), 255]);
    }
    rgba
}
