//! Encoder forward at batch 1, 8 and 32 on the workload's sentences (tokenise, forward,
//! mean-pool, normalise: what `Encoder::embed` does), named by device; and the bare BERT
//! forward of parley's `Bert` against its peer, candle-transformers' `BertModel`, on the
//! same weights and token ids in the same run.
//!
//! `cargo bench --bench encoder` (`PARLEY_BENCH_DEVICE=cuda` on a CUDA build).

mod common;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use parley::bench::workload;
use parley::model::encoder::Encoder;

fn encoder_forward(c: &mut Criterion) {
    let (dev, label) = common::device();
    let models = common::models();
    let encoder = Encoder::load(&models.encoder, &dev).expect("load the encoder");
    let sentences = workload::encoder_sentences(32);
    let refs: Vec<&str> = sentences.iter().map(String::as_str).collect();
    let mut g = c.benchmark_group(format!("encoder/{label}"));
    g.sample_size(20);
    for b in [1usize, 8, 32] {
        g.throughput(Throughput::Elements(b as u64));
        g.bench_with_input(BenchmarkId::new("batch", b), &refs[..b], |bench, batch| {
            bench.iter(|| encoder.embed_batched(black_box(batch), usize::MAX).unwrap())
        });
    }
    g.finish();
}

fn bert_vs_candle(c: &mut Criterion) {
    use candle_core::{DType, Tensor};
    use candle_transformers::models::bert::{BertModel, Config};
    use parley::model::bert::Bert;

    let (dev, label) = common::device();
    let files = common::models().encoder;
    let cfg: Config = serde_json::from_str(&std::fs::read_to_string(&files.config).unwrap())
        .expect("the encoder's config");
    let vb = || unsafe {
        candle_nn::VarBuilder::from_mmaped_safetensors(&[&files.weights], DType::F32, &dev)
            .expect("the encoder's weights")
    };
    let candle = BertModel::load(vb(), &cfg).expect("BertModel");
    let parley = Bert::load(vb(), &cfg).expect("Bert");
    let encoder = Encoder::load(&files, &dev).expect("load the encoder");
    let sentences = workload::encoder_sentences(8);
    let mut g = c.benchmark_group(format!("bert_forward/{label}"));
    g.sample_size(20);
    for b in [1usize, 8] {
        // Token ids of the first b sentences, padded to the longest, and the mask.
        let encs: Vec<_> = sentences[..b]
            .iter()
            .map(|s| encoder.tokenizer().encode(s.as_str(), true).unwrap())
            .collect();
        let len = encs.iter().map(|e| e.get_ids().len()).max().unwrap();
        let mut ids = vec![0u32; b * len];
        let mut mask = vec![0u32; b * len];
        for (i, e) in encs.iter().enumerate() {
            for (j, &id) in e.get_ids().iter().enumerate() {
                ids[i * len + j] = id;
                mask[i * len + j] = 1;
            }
        }
        let ids = Tensor::from_vec(ids, (b, len), &dev).unwrap();
        let types = ids.zeros_like().unwrap();
        let mask = Tensor::from_vec(mask, (b, len), &dev).unwrap();
        g.throughput(Throughput::Elements(b as u64));
        g.bench_function(BenchmarkId::new("parley", b), |bench| {
            bench.iter(|| parley.forward(&ids, &types, Some(&mask)).unwrap())
        });
        g.bench_function(BenchmarkId::new("candle", b), |bench| {
            bench.iter(|| candle.forward(&ids, &types, Some(&mask)).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, encoder_forward, bert_vs_candle);
criterion_main!(benches);
