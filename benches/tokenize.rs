//! Tokenisation hot paths: the MiniLM tokenizer (tokenizer.json through `tokenizers`, as the
//! encoder runs it) on one sentence and on the workload's sentences, and the GGUF tokenizer
//! (built from the generator's file) on a whole article. Tokenisation runs on the host
//! whatever the model device, hence `host` in the names.
//!
//! `cargo bench --bench tokenize`

mod common;

use std::hint::black_box;

use candle_core::quantized::gguf_file;
use candle_core::Device;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use parley::bench::workload;
use parley::model::encoder::Encoder;
use parley::model::gguf_tokenizer::GgufTokenizer;

fn minilm(c: &mut Criterion) {
    let models = common::models();
    let encoder = Encoder::load(&models.encoder, &Device::Cpu).expect("load the encoder");
    let tok = encoder.tokenizer();
    let sentences = workload::encoder_sentences(64);
    let mut g = c.benchmark_group("tokenize/host/minilm");
    g.throughput(Throughput::Elements(1));
    g.bench_function("sentence", |b| {
        b.iter(|| tok.encode(black_box(sentences[1].as_str()), true).unwrap())
    });
    g.throughput(Throughput::Elements(sentences.len() as u64));
    g.bench_function("64_sentences", |b| {
        b.iter(|| {
            for s in &sentences {
                black_box(tok.encode(s.as_str(), true).unwrap());
            }
        })
    });
    g.finish();
}

fn gguf(c: &mut Criterion) {
    let models = common::models();
    let mut file = std::fs::File::open(&models.generator).expect("open the GGUF file");
    let content = gguf_file::Content::read(&mut file).expect("read GGUF metadata");
    let tok = GgufTokenizer::from_gguf(&content).expect("GGUF tokenizer");
    let article = workload::ARTICLES[0].1;
    let mut g = c.benchmark_group("tokenize/host/gguf");
    g.throughput(Throughput::Bytes(article.len() as u64));
    g.bench_function("article", |b| {
        b.iter(|| tok.encode(black_box(article)).unwrap())
    });
    let ids = tok.encode(article).unwrap();
    g.bench_function("decode_article", |b| {
        b.iter(|| tok.decode(black_box(&ids), true).unwrap())
    });
    g.finish();
}

criterion_group!(benches, minilm, gguf);
criterion_main!(benches);
