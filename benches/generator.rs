//! Generator hot paths at batch 1, named by device: one decode step (one token through the
//! model with a KV cache of 128–192 positions) and a 128-token prefill.
//!
//! `cargo bench --bench generator` (`PARLEY_BENCH_DEVICE=cuda` on a CUDA build).

mod common;

use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parley::bench::{argmax, workload};
use parley::model::generator::Generator;

const PROMPT: usize = 128;
/// Decode steps before the cache is rebuilt, so every timed step sees 128–192 positions.
const WINDOW: usize = 64;

fn generator(c: &mut Criterion) {
    let (dev, label) = common::device();
    let models = common::models();
    let mut gen = Generator::load(&models.generator, &dev).expect("load the generator");
    let mut ids = gen
        .tokenize(workload::generator_prompt_text())
        .expect("tokenize");
    ids.truncate(PROMPT);
    assert_eq!(ids.len(), PROMPT, "the prompt article is long enough");

    let mut g = c.benchmark_group(format!("generator/{label}"));
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    g.throughput(Throughput::Elements(1));
    g.bench_function("decode_step", |b| {
        b.iter_custom(|iters| {
            let mut timed = Duration::ZERO;
            let mut done = 0u64;
            while done < iters {
                // Untimed: rebuild the prompt's cache.
                gen.clear_cache();
                let mut next = argmax(&gen.forward_tokens(&ids, 0).unwrap());
                let steps = (iters - done).min(WINDOW as u64);
                let t = Instant::now();
                for pos in PROMPT..PROMPT + steps as usize {
                    next = argmax(&gen.forward_tokens(&[next], pos).unwrap());
                }
                timed += t.elapsed();
                done += steps;
            }
            timed
        })
    });
    g.throughput(Throughput::Elements(PROMPT as u64));
    g.bench_function(format!("prefill_{PROMPT}"), |b| {
        b.iter(|| {
            gen.clear_cache();
            gen.forward_tokens(&ids, 0).unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, generator);
criterion_main!(benches);
