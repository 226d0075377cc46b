//! Shared set-up for the criterion benches: the device under test and the model files.
//!
//! `PARLEY_BENCH_DEVICE` picks the device (`cpu` by default; `cuda`, `cuda:N` on a CUDA
//! build). Models come from parley's model store (`PARLEY_HOME`, fetched if missing), the
//! same files `parley bench` and the engine use.

#![allow(dead_code)]

use candle_core::Device;
use parley::bench::{resolve_models, BenchModels};
use parley::model::device::{select_device, DeviceSpec};
use parley::EngineConfig;

/// The device the benches run on and its label for bench names.
pub fn device() -> (Device, String) {
    let name = std::env::var("PARLEY_BENCH_DEVICE").unwrap_or_else(|_| "cpu".into());
    let spec: DeviceSpec = name
        .parse()
        .unwrap_or_else(|e| panic!("PARLEY_BENCH_DEVICE={name:?}: {e}"));
    let dev = select_device(spec).unwrap_or_else(|e| panic!("open device {spec}: {e}"));
    let label = match dev {
        Device::Cpu => "cpu".to_string(),
        _ => spec.to_string(),
    };
    (dev, label)
}

/// The default preset's encoder and generator files.
pub fn models() -> BenchModels {
    resolve_models(&EngineConfig::default()).unwrap_or_else(|e| {
        panic!("the benches need the default models (run `parley models pull` or set PARLEY_HOME): {e}")
    })
}
