//! Our model file: one self-describing file the page and the CLI both load.
//!
//! ```text
//! magic "GANSKTCH" | version u32 LE | header length u64 LE | header JSON | tensor bytes
//! ```
//! The JSON header describes the network, the tensors (name, dtype, shape, offset and
//! length in the tensor bytes) and carries provenance, licence and the SHA-256 of the
//! tensor bytes. Everything is checked before anything of a tensor's size is allocated.

use burn::tensor::TensorData;
use half::f16;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

use crate::model::{GeneratorConfig, Init, NamedTensor, NormStats, WeightError, WeightSource};

pub const MAGIC: &[u8; 8] = b"GANSKTCH";
pub const VERSION: u32 = 1;
const PREAMBLE: usize = 8 + 4 + 8;
/// A header describes a few hundred tensors; 16 MiB is far beyond any real one.
const MAX_HEADER_BYTES: u64 = 16 << 20;
/// No pix2pix tensor comes near 2^30 elements (a 4 GiB f32 tensor).
const MAX_TENSOR_ELEMENTS: u64 = 1 << 30;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ModelFileError {
    #[error("not a gansketch model file: expected it to start with \"GANSKTCH\", found {found}")]
    NotAModel { found: String },
    #[error("model file version {found} is not supported: this build reads version {VERSION}")]
    Version { found: u32 },
    #[error("the model file is truncated: {0}")]
    Truncated(String),
    #[error("the model file's header is invalid: {0}")]
    Header(String),
    #[error("the model file is corrupted: {0}")]
    Corrupted(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageType {
    F32,
    F16,
}

impl StorageType {
    fn size(self) -> u64 {
        match self {
            StorageType::F32 => 4,
            StorageType::F16 => 2,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TensorEntry {
    pub name: String,
    pub dtype: StorageType,
    pub shape: Vec<u64>,
    /// Byte offset into the tensor section.
    pub offset: u64,
    pub length: u64,
}

/// One class of the input legend: what a colour in the input image means.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LegendEntry {
    pub label: String,
    /// `#rrggbb`.
    pub color: String,
    /// Relative stroke width, where it is a brush.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<f32>,
}

/// What the file says about its network and where it came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub generator: GeneratorConfig,
    /// The statistics batch norm layers use unless the caller says otherwise.
    pub norm_stats: NormStats,
    /// Side of the square tile the model was made for, in pixels.
    pub tile_size: usize,
    #[serde(default)]
    pub legend: Vec<LegendEntry>,
    /// Free-form: source checkpoint, data, training steps, metrics.
    #[serde(default)]
    pub provenance: serde_json::Value,
    #[serde(default)]
    pub license: String,
    #[serde(default)]
    pub attribution: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Header {
    #[serde(flatten)]
    info: ModelInfo,
    tensors: Vec<TensorEntry>,
    /// SHA-256 of the tensor section, lowercase hex.
    sha256: String,
}

/// Serialises `tensors` with `info` into the bytes of a model file.
pub fn encode(info: &ModelInfo, tensors: &[NamedTensor], storage: StorageType) -> Vec<u8> {
    let mut section = Vec::new();
    let mut entries = Vec::with_capacity(tensors.len());
    for tensor in tensors {
        // Keep every tensor 4-byte aligned so readers can view f32 data in place.
        while section.len() % 4 != 0 {
            section.push(0);
        }
        let offset = section.len() as u64;
        match storage {
            StorageType::F32 => tensor.values.iter().for_each(|v| section.extend_from_slice(&v.to_le_bytes())),
            StorageType::F16 => tensor
                .values
                .iter()
                .for_each(|v| section.extend_from_slice(&f16::from_f32(*v).to_le_bytes())),
        }
        entries.push(TensorEntry {
            name: tensor.key.clone(),
            dtype: storage,
            shape: tensor.shape.iter().map(|&d| d as u64).collect(),
            offset,
            length: section.len() as u64 - offset,
        });
    }
    let header = Header {
        info: info.clone(),
        tensors: entries,
        sha256: hex(&Sha256::digest(&section)),
    };
    let json = serde_json::to_vec(&header).expect("the header serialises");
    let mut bytes = Vec::with_capacity(PREAMBLE + json.len() + section.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&(json.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&json);
    bytes.extend_from_slice(&section);
    bytes
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Does `bytes` start like one of our model files?
pub fn is_model_file(bytes: &[u8]) -> bool {
    bytes.starts_with(MAGIC)
}

/// A model file checked and ready to supply its tensors.
#[derive(Debug)]
pub struct ModelFile<'a> {
    pub info: ModelInfo,
    tensors: HashMap<String, TensorEntry>,
    section: &'a [u8],
}

impl<'a> ModelFile<'a> {
    /// Parses and checks `bytes`: preamble, header, every tensor's extent and the checksum.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ModelFileError> {
        let unverified = UnverifiedModelFile::parse(bytes)?;
        let digest = Sha256::digest(unverified.tensor_section());
        unverified.verify(&digest)
    }

    /// A weight source over this file's tensors that remembers which were taken.
    pub fn weights(&self) -> FileWeights<'_, 'a> {
        FileWeights { file: self, taken: Vec::new() }
    }

    pub fn tensor_names(&self) -> impl Iterator<Item = &str> {
        self.tensors.keys().map(String::as_str)
    }
}

/// A model file whose structure is checked but whose checksum is not yet: the caller
/// hashes [`Self::tensor_section`] and hands the digest to [`Self::verify`]. The page
/// hashes with the browser's WebCrypto, which is far faster than SHA-256 in wasm.
#[derive(Debug)]
pub struct UnverifiedModelFile<'a> {
    file: ModelFile<'a>,
    recorded_sha256: String,
}

impl<'a> UnverifiedModelFile<'a> {
    /// Parses and checks `bytes`: preamble, header and every tensor's extent.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ModelFileError> {
        if bytes.len() < MAGIC.len() || !is_model_file(bytes) {
            let shown = &bytes[..bytes.len().min(8)];
            let found = match bytes.is_empty() {
                true => "an empty file".to_string(),
                false => format!("{:?}", String::from_utf8_lossy(shown)),
            };
            return Err(ModelFileError::NotAModel { found });
        }
        if bytes.len() < PREAMBLE {
            return Err(ModelFileError::Truncated(format!("{} bytes, shorter than the {PREAMBLE}-byte preamble", bytes.len())));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != VERSION {
            return Err(ModelFileError::Version { found: version });
        }
        let header_length = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
        let available = (bytes.len() - PREAMBLE) as u64;
        if header_length > MAX_HEADER_BYTES {
            return Err(ModelFileError::Header(format!("it claims {header_length} bytes; at most {MAX_HEADER_BYTES} are allowed")));
        }
        if header_length > available {
            return Err(ModelFileError::Truncated(format!("the header claims {header_length} bytes, but only {available} follow")));
        }
        let header_end = PREAMBLE + header_length as usize;
        let header: Header = serde_json::from_slice(&bytes[PREAMBLE..header_end])
            .map_err(|e| ModelFileError::Header(e.to_string()))?;
        let section = &bytes[header_end..];
        let mut tensors = HashMap::with_capacity(header.tensors.len());
        for entry in header.tensors {
            check_extent(&entry, section.len() as u64)?;
            if tensors.contains_key(&entry.name) {
                return Err(ModelFileError::Header(format!("tensor `{}` is listed twice", entry.name)));
            }
            tensors.insert(entry.name.clone(), entry);
        }
        Ok(UnverifiedModelFile { file: ModelFile { info: header.info, tensors, section }, recorded_sha256: header.sha256 })
    }

    /// The bytes the header's SHA-256 covers: every tensor, back to back.
    pub fn tensor_section(&self) -> &'a [u8] {
        self.file.section
    }

    /// The file, once `sha256` — the caller's digest of [`Self::tensor_section`] — matches
    /// the one its header records.
    pub fn verify(self, sha256: &[u8]) -> Result<ModelFile<'a>, ModelFileError> {
        let digest = hex(sha256);
        if digest != self.recorded_sha256 {
            return Err(ModelFileError::Corrupted(format!(
                "the tensors' SHA-256 is {digest}, the header records {}",
                self.recorded_sha256
            )));
        }
        Ok(self.file)
    }
}

/// Refuses a tensor whose shape is absurd or whose bytes are not inside the file.
fn check_extent(entry: &TensorEntry, section_length: u64) -> Result<(), ModelFileError> {
    let name = &entry.name;
    let elements = entry
        .shape
        .iter()
        .try_fold(1u64, |n, &d| n.checked_mul(d))
        .filter(|&n| n <= MAX_TENSOR_ELEMENTS)
        .ok_or_else(|| {
            ModelFileError::Header(format!(
                "tensor `{name}` claims shape {:?}, more than the {MAX_TENSOR_ELEMENTS} elements any tensor may have",
                entry.shape
            ))
        })?;
    let expected = elements * entry.dtype.size();
    if entry.length != expected {
        return Err(ModelFileError::Header(format!(
            "tensor `{name}` of shape {:?} needs {expected} bytes, the header says {}",
            entry.shape, entry.length
        )));
    }
    let end = entry.offset.checked_add(entry.length);
    if end.is_none_or(|end| end > section_length) {
        return Err(ModelFileError::Truncated(format!(
            "tensor `{name}` lies at bytes {}..{} of the tensor section, which holds {section_length}",
            entry.offset,
            entry.offset.saturating_add(entry.length)
        )));
    }
    Ok(())
}

/// Supplies a model file's tensors to a network being built.
pub struct FileWeights<'f, 'a> {
    file: &'f ModelFile<'a>,
    taken: Vec<String>,
}

impl FileWeights<'_, '_> {
    /// Tensors in the file that the network did not ask for.
    pub fn unused(&self) -> Vec<String> {
        let mut unused: Vec<String> = self
            .file
            .tensors
            .keys()
            .filter(|name| !self.taken.contains(name))
            .cloned()
            .collect();
        unused.sort();
        unused
    }
}

impl WeightSource for FileWeights<'_, '_> {
    fn take(&mut self, key: &str, shape: &[usize], _init: Init) -> Result<TensorData, WeightError> {
        let entry = self.file.tensors.get(key).ok_or_else(|| WeightError::Missing {
            key: key.to_string(),
            expected: shape.to_vec(),
        })?;
        let found: Vec<usize> = entry.shape.iter().map(|&d| d as usize).collect();
        if found != shape {
            return Err(WeightError::Shape { key: key.to_string(), expected: shape.to_vec(), found });
        }
        let bytes = &self.file.section[entry.offset as usize..(entry.offset + entry.length) as usize];
        let values: Vec<f32> = match entry.dtype {
            StorageType::F32 => bytes.chunks_exact(4).map(|c| f32::from_le_bytes(c.try_into().expect("4 bytes"))).collect(),
            StorageType::F16 => bytes
                .chunks_exact(2)
                .map(|c| f16::from_le_bytes(c.try_into().expect("2 bytes")).to_f32())
                .collect(),
        };
        self.taken.push(key.to_string());
        Ok(TensorData::new(values, found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Architecture, GeneratorConfig};

    fn info() -> ModelInfo {
        ModelInfo {
            name: "test".into(),
            generator: GeneratorConfig::new(Architecture::Unet128),
            norm_stats: NormStats::Running,
            tile_size: 128,
            legend: Vec::new(),
            provenance: serde_json::Value::Null,
            license: String::new(),
            attribution: String::new(),
        }
    }

    /// A file whose header is `header` (with an empty tensor section).
    fn file_with_header(header: serde_json::Value) -> Vec<u8> {
        let json = serde_json::to_vec(&header).unwrap();
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&VERSION.to_le_bytes());
        bytes.extend_from_slice(&(json.len() as u64).to_le_bytes());
        bytes.extend_from_slice(&json);
        bytes
    }

    #[test]
    fn an_absurd_shape_is_refused_before_any_allocation() {
        let mut header = serde_json::to_value(Header { info: info(), tensors: vec![], sha256: hex(&Sha256::digest([])) }).unwrap();
        // 2^40 elements: 4 TiB as f32. Parsing must refuse it from the header alone.
        header["tensors"] = serde_json::json!([{ "name": "model.model.0.weight", "dtype": "f32", "shape": [1u64 << 20, 1u64 << 20], "offset": 0, "length": 4u64 << 40 }]);
        let error = ModelFile::parse(&file_with_header(header.clone())).unwrap_err();
        assert!(error.to_string().contains("more than the"), "{error}");
        // A shape whose element count overflows u64 is refused the same way.
        header["tensors"][0]["shape"] = serde_json::json!([u64::MAX, 16]);
        let error = ModelFile::parse(&file_with_header(header)).unwrap_err();
        assert!(error.to_string().contains("more than the"), "{error}");
    }

    #[test]
    fn a_header_longer_than_the_file_is_truncation() {
        let mut bytes = encode(&info(), &[], StorageType::F32);
        bytes.truncate(PREAMBLE + 10);
        assert!(matches!(ModelFile::parse(&bytes), Err(ModelFileError::Truncated(_))));
        let mut huge = bytes.clone();
        huge[12..20].copy_from_slice(&(1u64 << 40).to_le_bytes());
        assert!(matches!(ModelFile::parse(&huge), Err(ModelFileError::Header(_))));
    }

    #[test]
    fn tensors_round_trip_in_both_storage_types() {
        let tensor = NamedTensor { key: "w".into(), shape: vec![2, 3], values: vec![0.5, -1.25, 3.0, 0.1, -0.2, 7.0] };
        for (storage, tolerance) in [(StorageType::F32, 0.0), (StorageType::F16, 5e-3)] {
            let bytes = encode(&info(), std::slice::from_ref(&tensor), storage);
            let file = ModelFile::parse(&bytes).unwrap();
            let data = file.weights().take("w", &[2, 3], Init::Zeros).unwrap();
            let values = data.try_to_vec::<f32>().unwrap();
            for (a, b) in values.iter().zip(&tensor.values) {
                assert!((a - b).abs() <= tolerance * b.abs().max(1.0), "{storage:?}: {a} vs {b}");
            }
            assert!(matches!(file.weights().take("w", &[3, 2], Init::Zeros), Err(WeightError::Shape { .. })));
        }
    }

    #[test]
    fn verify_takes_only_the_digest_of_the_tensor_section() {
        let tensor = NamedTensor { key: "w".into(), shape: vec![2], values: vec![1.0, 2.0] };
        let bytes = encode(&info(), std::slice::from_ref(&tensor), StorageType::F32);
        let section = UnverifiedModelFile::parse(&bytes).unwrap().tensor_section();
        assert_eq!(section.len(), 8, "two f32 values");
        assert!(UnverifiedModelFile::parse(&bytes).unwrap().verify(&Sha256::digest(section)).is_ok());
        let error = UnverifiedModelFile::parse(&bytes).unwrap().verify(&Sha256::digest(&bytes)).unwrap_err();
        assert!(matches!(error, ModelFileError::Corrupted(_)), "{error}");
        assert!(error.to_string().contains("the header records"), "{error}");
    }
}
