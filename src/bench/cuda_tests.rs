//! CPU-vs-CUDA agreement of the runtimes on the benchmark workload. Compiled only with the
//! `cuda` feature and ignored by default (they need a GPU and the default models):
//! `cargo test --features cuda --lib -- --include-ignored cuda` (scripts/gpu-bench.sh).

use candle_core::Device;

use super::{resolve_models, workload};
use crate::engine::EngineConfig;
use crate::model::device::{select_device, DeviceSpec};
use crate::model::encoder::Encoder;
use crate::model::generator::Generator;
use crate::model::Embedder;

fn gpu() -> Device {
    select_device(DeviceSpec::Cuda(0)).expect("CUDA device 0 opens")
}

#[test]
#[ignore = "needs a CUDA GPU and the default models"]
fn cuda_encoder_matches_cpu_at_every_batch_size() {
    let m = resolve_models(&EngineConfig::default()).expect("default models");
    let sentences = workload::encoder_sentences(40);
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let cpu = Encoder::load(&m.encoder, &Device::Cpu).unwrap();
    let cuda = Encoder::load(&m.encoder, &gpu()).unwrap();
    let want = cpu.embed(&refs).unwrap();
    for batch_tokens in [64, 1024, usize::MAX] {
        let got = cuda.embed_batched(&refs, batch_tokens).unwrap();
        for (i, (a, b)) in want.iter().zip(&got).enumerate() {
            let diff = a
                .iter()
                .zip(b)
                .map(|(x, y)| (x - y).abs())
                .fold(0f32, f32::max);
            assert!(
                diff < 1e-3,
                "sentence {i}, cap {batch_tokens}: max diff {diff}"
            );
        }
    }
}

#[test]
#[ignore = "needs a CUDA GPU and the default models"]
fn cuda_generator_agrees_with_cpu() {
    let m = resolve_models(&EngineConfig::default()).expect("default models");
    let mut cpu = Generator::load(&m.generator, &Device::Cpu).unwrap();
    let mut cuda = Generator::load(&m.generator, &gpu()).unwrap();
    let mut ids = cpu.tokenize(workload::generator_prompt_text()).unwrap();
    ids.truncate(64);
    let a = cpu.forward_tokens(&ids, 0).unwrap();
    let b = cuda.forward_tokens(&ids, 0).unwrap();
    let argmax = |v: &[f32]| {
        v.iter()
            .enumerate()
            .max_by(|x, y| x.1.total_cmp(y.1))
            .map(|(i, _)| i)
            .unwrap()
    };
    assert_eq!(argmax(&a), argmax(&b), "top token after the prompt");
    // Quantized kernels differ between devices; the logit vectors must still point the same way.
    let dot: f64 = a.iter().zip(&b).map(|(x, y)| *x as f64 * *y as f64).sum();
    let na: f64 = a.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| (*x as f64).powi(2)).sum::<f64>().sqrt();
    assert!(dot / (na * nb) > 0.999, "cosine {}", dot / (na * nb));
    // One decode step on top of the prompt's cache agrees too.
    let next = argmax(&a) as u32;
    let a = cpu.forward_tokens(&[next], ids.len()).unwrap();
    let b = cuda.forward_tokens(&[next], ids.len()).unwrap();
    assert_eq!(argmax(&a), argmax(&b), "top token after one decode step");
}
