//! `gansketch eval` as a user runs it, on the page's default model: a JSON report per city
//! with both baselines, and the best / worst grid. The default model must beat both
//! baselines on Helsinki, a city it never saw in training.
#![cfg(not(target_family = "wasm"))]

use std::path::Path;
use std::process::Command;

#[test]
fn eval_scores_the_model_and_both_baselines_per_city() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    // The page's samples, as two "cities".
    for (city, prefix) in [("helsinki", "helsinki-"), ("kotka", "kotka-")] {
        let target = dir.path().join("data").join(city);
        std::fs::create_dir_all(&target).unwrap();
        for entry in std::fs::read_dir(root.join("samples")).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.starts_with(prefix) && name.ends_with(".png") {
                std::fs::copy(&path, target.join(&name)).unwrap();
            }
        }
    }
    let index: serde_json::Value = serde_json::from_slice(&std::fs::read(root.join("models/index.json")).unwrap()).unwrap();
    let default_model = root.join("models").join(index[0]["file"].as_str().unwrap());
    let out = dir.path().join("report.json");
    let run = Command::new(env!("CARGO_BIN_EXE_gansketch"))
        .args(["eval", "--model"])
        .arg(&default_model)
        .arg("--data")
        .arg(dir.path().join("data"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let table = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{table}");
    assert!(table.contains("street band") && table.contains("no buildings"), "{table}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    for city in ["helsinki", "kotka"] {
        let group = &report["groups"][city];
        assert_eq!(group["model"]["tiles"], 8, "{city}");
        assert_eq!(group["no_buildings"]["f1"], 0.0, "predicting nothing finds nothing");
        assert_eq!(group["no_buildings"]["footprints"], 0);
        assert!(group["street_band"]["f1"].as_f64().unwrap() > 0.1, "buildings do stand along streets");
        assert!(group["model"]["target_footprints"].as_u64().unwrap() > 0);
    }
    assert_eq!(report["all"]["model"]["tiles"], 16);
    let helsinki = &report["groups"]["helsinki"];
    let f1 = |predictor: &str| helsinki[predictor]["f1"].as_f64().unwrap();
    println!("Helsinki F1: model {:.3}, street band {:.3}", f1("model"), f1("street_band"));
    assert!(f1("model") > f1("street_band"), "the default model should place buildings better than a band along the streets");
    let grid = image::open(out.with_extension("png")).unwrap();
    assert_eq!(grid.width(), 3 * 256 + 16, "input | generated | target");
}
