//! pix2pix's `ImagePool` (`--pool_size`): the discriminator is shown a mix of the current
//! generated pairs and earlier ones, which damps the two networks chasing each other.
//! Each query stores the new pair while the pool fills; once full, with probability ½ it
//! hands back a stored pair at random and keeps the new one in its place.
//!
//! The pool is part of a run's state: checkpoints save it, so `--resume` stays exact.

use burn::tensor::{Tensor, TensorData};
use rand::{Rng, RngExt};

use super::TrainError;
use crate::model::{Init, NamedTensor, WeightError, WeightSource};

pub struct ImagePool {
    capacity: usize,
    /// Each a `[channels, height, width]` image (the (A, G(A)) pair the discriminator sees).
    images: Vec<TensorData>,
}

impl ImagePool {
    pub fn new(capacity: usize) -> Self {
        ImagePool { capacity, images: Vec::with_capacity(capacity) }
    }

    pub fn len(&self) -> usize {
        self.images.len()
    }

    pub fn is_empty(&self) -> bool {
        self.images.is_empty()
    }

    /// The batch the discriminator sees instead of `pairs` (`[n, c, h, w]`, no gradient).
    /// With no capacity, `pairs` itself: nothing is read back.
    pub fn query(&mut self, pairs: Tensor<4>, rng: &mut impl Rng) -> Tensor<4> {
        if self.capacity == 0 {
            return pairs;
        }
        let device = pairs.device();
        let [n, c, h, w] = pairs.dims();
        let values = pairs.into_data().convert::<f32>().try_into_vec::<f32>().expect("converted to f32 just above");
        let plane = c * h * w;
        let mut chosen = Vec::with_capacity(values.len());
        for image in values.chunks_exact(plane) {
            let image = TensorData::new(image.to_vec(), vec![c, h, w]);
            let shown = match self.images.len() < self.capacity {
                true => {
                    self.images.push(image.clone());
                    image
                }
                false if rng.random_bool(0.5) => {
                    let slot = rng.random_range(0..self.capacity);
                    std::mem::replace(&mut self.images[slot], image)
                }
                false => image,
            };
            chosen.extend(shown.try_into_vec::<f32>().expect("pool images are f32"));
        }
        Tensor::from_data(TensorData::new(chosen, vec![n, c, h, w]), &device)
    }

    /// The stored images as named tensors, for a checkpoint.
    pub fn tensors(&self) -> Vec<NamedTensor> {
        self.images
            .iter()
            .enumerate()
            .map(|(i, image)| NamedTensor {
                key: format!("pool.{i}"),
                shape: image.shape().to_vec(),
                values: image.try_to_vec::<f32>().expect("pool images are f32"),
            })
            .collect()
    }

    /// A pool of `capacity` holding the images a checkpoint saved, each `shape`.
    pub fn restore(capacity: usize, saved: &mut impl WeightSource, stored: usize, shape: [usize; 3]) -> Result<Self, TrainError> {
        if stored > capacity {
            return Err(TrainError::Checkpoint(format!("pool.bin holds {stored} images, more than the run's pool of {capacity}")));
        }
        let images = (0..stored)
            .map(|i| saved.take(&format!("pool.{i}"), &shape, Init::Zeros))
            .collect::<Result<Vec<_>, WeightError>>()
            .map_err(|e| TrainError::Checkpoint(format!("pool.bin: {e}")))?;
        Ok(ImagePool { capacity, images })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::tensor::Device;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn batch(values: &[f32], device: &Device) -> Tensor<4> {
        Tensor::from_data(TensorData::new(values.to_vec(), vec![values.len(), 1, 1, 1]), device)
    }

    fn values(t: Tensor<4>) -> Vec<f32> {
        t.into_data().try_into_vec::<f32>().unwrap()
    }

    #[test]
    fn no_capacity_passes_the_batch_through() {
        let device = Device::flex();
        let mut pool = ImagePool::new(0);
        let shown = pool.query(batch(&[1.0, 2.0], &device), &mut StdRng::seed_from_u64(0));
        assert_eq!(values(shown), [1.0, 2.0]);
        assert!(pool.is_empty());
    }

    #[test]
    fn a_full_pool_swaps_about_half_of_the_images_for_stored_ones() {
        let device = Device::flex();
        let mut pool = ImagePool::new(4);
        let mut rng = StdRng::seed_from_u64(7);
        // Filling: every image is shown as it is, and kept.
        assert_eq!(values(pool.query(batch(&[0.0, 1.0, 2.0, 3.0], &device), &mut rng)), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(pool.len(), 4);
        let fresh: Vec<f32> = (100..1100).map(|v| v as f32).collect();
        let shown = values(pool.query(batch(&fresh, &device), &mut rng));
        let swapped = shown.iter().zip(&fresh).filter(|(a, b)| a != b).count();
        assert!((400..600).contains(&swapped), "{swapped} of 1000 came from the pool");
        // Whatever was shown instead of a fresh image was an earlier one.
        assert!(shown.iter().zip(&fresh).all(|(a, b)| a == b || a < b));
        assert_eq!(pool.len(), 4, "the pool never grows past its capacity");
    }

    #[test]
    fn the_pool_survives_a_checkpoint() {
        let device = Device::flex();
        let mut pool = ImagePool::new(3);
        pool.query(batch(&[5.0, 6.0], &device), &mut StdRng::seed_from_u64(1));
        let saved = crate::train::checkpoint::encode_tensors(&pool.tensors());
        let mut map = crate::train::checkpoint::TensorMap::decode(&saved, "pool.bin").unwrap();
        let restored = ImagePool::restore(3, &mut map, 2, [1, 1, 1]).unwrap();
        assert_eq!(restored.tensors().iter().map(|t| t.values[0]).collect::<Vec<_>>(), [5.0, 6.0]);
        assert!(ImagePool::restore(1, &mut map, 2, [1, 1, 1]).is_err());
    }
}
