//! Device selection: which candle device runs the models, how many CPU threads candle uses,
//! and what SIMD the CPU kernels were built with. Chosen once at start-up and handed to the
//! runtimes; this file does not load models.

use std::fmt;
use std::str::FromStr;
use std::sync::Once;

use candle_core::Device;

use crate::{Error, Result};

/// Which device the user asked for (`--device auto|cpu|cuda|cuda:N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceSpec {
    /// CUDA device 0 when this build has CUDA and a GPU answers; otherwise the CPU.
    #[default]
    Auto,
    /// The CPU, always.
    Cpu,
    /// This CUDA device; an error when the build lacks CUDA or the device does not answer.
    Cuda(usize),
}

impl FromStr for DeviceSpec {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "auto" => Ok(DeviceSpec::Auto),
            "cpu" => Ok(DeviceSpec::Cpu),
            "cuda" | "gpu" => Ok(DeviceSpec::Cuda(0)),
            _ => match t.strip_prefix("cuda:") {
                Some(n) => n.parse::<usize>().map(DeviceSpec::Cuda).map_err(|_| {
                    Error::InvalidInput(format!(
                        "device {s:?}: the CUDA ordinal after `cuda:` must be a number, e.g. cuda:0"
                    ))
                }),
                None => Err(Error::InvalidInput(format!(
                    "device {s:?}: expected one of auto, cpu, cuda, cuda:N"
                ))),
            },
        }
    }
}

impl fmt::Display for DeviceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceSpec::Auto => f.write_str("auto"),
            DeviceSpec::Cpu => f.write_str("cpu"),
            DeviceSpec::Cuda(n) => write!(f, "cuda:{n}"),
        }
    }
}

/// Whether this binary was built with the `cuda` feature.
pub const fn cuda_compiled() -> bool {
    cfg!(feature = "cuda")
}

/// Open the device `spec` names.
///
/// # Errors
/// `ModelUnavailable` when CUDA is asked for but the build lacks the `cuda` feature, or the
/// CUDA device cannot be opened.
pub fn select_device(spec: DeviceSpec) -> Result<Device> {
    match spec {
        DeviceSpec::Cpu => Ok(Device::Cpu),
        DeviceSpec::Auto => {
            if cuda_compiled() && candle_core::utils::cuda_is_available() {
                match Device::new_cuda(0) {
                    Ok(d) => return Ok(d),
                    // A driver that is present but broken should not stop a CPU run.
                    Err(e) => {
                        tracing::warn!(error = %e, "CUDA device 0 failed to open; using the CPU")
                    }
                }
            }
            Ok(Device::Cpu)
        }
        DeviceSpec::Cuda(n) => {
            if !cuda_compiled() {
                return Err(Error::ModelUnavailable(format!(
                    "device cuda:{n} requested, but this build of parley has no CUDA support: \
                     rebuild with `--features cuda` (needs the CUDA toolkit), or use --device cpu"
                )));
            }
            Device::new_cuda(n)
                .map_err(|e| Error::ModelUnavailable(format!("cannot open CUDA device {n}: {e}")))
        }
    }
}

/// Cap the number of CPU threads candle uses. `None` keeps candle's default (the physical
/// cores, or `RAYON_NUM_THREADS` / `CANDLE_NUM_THREADS` when the user set them).
///
/// candle 0.11 reads `RAYON_NUM_THREADS` on every float matmul (gemm's parallelism) and once
/// when it builds its own rayon pool; its quantized matmuls use a separate barrier pool sized
/// once from `CANDLE_NUM_THREADS` (falling back to `RAYON_NUM_THREADS`). So both variables are
/// set, and the global rayon pool (used by some candle kernels and by our own parallel code)
/// is built with the same count.
///
/// Call it at start-up, before any model runs and before other threads start: the pools are
/// sized on first use, and changing the environment while other threads read it is racy.
///
/// # Errors
/// `InvalidInput` when the global rayon pool was already built (the setting would apply only
/// partly).
pub fn set_threads(n: Option<usize>) -> Result<()> {
    let Some(n) = n.filter(|&n| n > 0) else {
        return Ok(());
    };
    std::env::set_var("RAYON_NUM_THREADS", n.to_string());
    std::env::set_var("CANDLE_NUM_THREADS", n.to_string());
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build_global()
        .map_err(|e| {
            Error::InvalidInput(format!(
                "cannot set {n} threads: the thread pool is already running ({e}); \
                 set threads before loading any model"
            ))
        })
}

/// The number of threads candle's CPU kernels use.
pub fn cpu_threads() -> usize {
    candle_core::utils::get_num_threads()
}

/// The SIMD extensions candle's CPU kernels can use here, e.g. "avx2 f16c fma avx512f".
///
/// candle 0.11 detects features at run time: its `with_avx()` reports AVX2, `with_f16c()`
/// F16C, `with_neon()` NEON; its quantized x86 kernels also dispatch on FMA and AVX-512
/// (VNNI), which candle does not expose, so those are detected here the same way.
pub fn cpu_features() -> String {
    use candle_core::utils::{with_avx, with_f16c, with_neon, with_simd128};
    let mut out = Vec::new();
    if with_avx() {
        out.push("avx2");
    }
    if with_f16c() {
        out.push("f16c");
    }
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    {
        if std::is_x86_feature_detected!("fma") {
            out.push("fma");
        }
        if std::is_x86_feature_detected!("avx512f") {
            out.push("avx512f");
        }
        if std::is_x86_feature_detected!("avx512vnni") {
            out.push("avx512vnni");
        }
    }
    if with_neon() {
        out.push("neon");
    }
    if with_simd128() {
        out.push("simd128");
    }
    if out.is_empty() {
        "none".to_string()
    } else {
        out.join(" ")
    }
}

/// A one-line description of a device, for logs and the report.
pub fn describe(device: &Device) -> String {
    match device {
        Device::Cpu => format!("cpu ({} threads; simd: {})", cpu_threads(), cpu_features()),
        Device::Cuda(_) => format!("cuda:{:?}", device.location()),
        Device::Metal(_) => "metal".to_string(),
    }
}

/// Log the device and CPU features once per process.
pub fn log_device_info(device: &Device) {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        tracing::info!(
            device = %describe(device),
            cuda_compiled = cuda_compiled(),
            cpu_simd = %cpu_features(),
            "model device"
        );
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_specs() {
        assert_eq!("auto".parse::<DeviceSpec>().unwrap(), DeviceSpec::Auto);
        assert_eq!(" CPU ".parse::<DeviceSpec>().unwrap(), DeviceSpec::Cpu);
        assert_eq!("cuda".parse::<DeviceSpec>().unwrap(), DeviceSpec::Cuda(0));
        assert_eq!("cuda:3".parse::<DeviceSpec>().unwrap(), DeviceSpec::Cuda(3));
        for bad in ["", "tpu", "cuda:", "cuda:x", "cuda:-1", "cpu:0"] {
            let err = bad.parse::<DeviceSpec>().unwrap_err().to_string();
            assert!(err.contains("device"), "{bad:?} -> {err}");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in [DeviceSpec::Auto, DeviceSpec::Cpu, DeviceSpec::Cuda(2)] {
            assert_eq!(s.to_string().parse::<DeviceSpec>().unwrap(), s);
        }
    }

    #[test]
    fn cpu_and_auto_open() {
        assert!(select_device(DeviceSpec::Cpu).unwrap().is_cpu());
        let auto = select_device(DeviceSpec::Auto).unwrap();
        if !cuda_compiled() {
            assert!(auto.is_cpu());
        }
    }

    #[cfg(not(feature = "cuda"))]
    #[test]
    fn cuda_without_feature_names_the_feature() {
        let err = select_device(DeviceSpec::Cuda(0)).unwrap_err().to_string();
        assert!(err.contains("--features cuda"), "{err}");
    }

    #[test]
    fn features_string_is_never_empty() {
        assert!(!cpu_features().is_empty());
    }
}
