//! What the benchmark ran on: CPU model and threads, the SIMD candle's kernels were built
//! with, memory, load average at the start (a busy machine explains noisy figures), the
//! GPU (through `nvidia-smi` when present), and the process's peak memory (`VmHWM`).
//! Linux `/proc` files are read when they exist; elsewhere the fields are `None`.

use std::process::Command;

use serde::{Deserialize, Serialize};

use crate::model::device;

/// The machine a report was measured on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MachineInfo {
    pub hostname: Option<String>,
    pub os: String,
    pub kernel: Option<String>,
    /// `model name` from /proc/cpuinfo.
    pub cpu_model: Option<String>,
    /// Logical CPUs the OS reports.
    pub logical_cpus: usize,
    /// Threads candle's CPU kernels use.
    pub candle_threads: usize,
    /// SIMD candle's kernels were compiled with (`avx f16c`, …).
    pub candle_simd: String,
    /// SIMD the CPU offers that matters for inference (from /proc/cpuinfo flags).
    pub cpu_simd: Vec<String>,
    pub mem_total_mib: Option<u64>,
    /// 1-minute load average when the run started.
    pub load_avg_1m: Option<f64>,
    pub cuda_compiled: bool,
    pub gpus: Vec<GpuInfo>,
    /// `release` or `debug` (debug builds of parley still compile dependencies at opt-level 3).
    pub build_profile: String,
    pub parley_version: String,
}

/// One GPU as `nvidia-smi` describes it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GpuInfo {
    pub index: usize,
    pub name: String,
    pub driver: String,
    pub memory_total_mib: Option<u64>,
}

impl MachineInfo {
    /// Describe this machine now.
    pub fn detect() -> MachineInfo {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        MachineInfo {
            hostname: read_trim("/proc/sys/kernel/hostname"),
            os: std::env::consts::OS.to_string(),
            kernel: read_trim("/proc/sys/kernel/osrelease"),
            cpu_model: cpuinfo_field(&cpuinfo, "model name"),
            logical_cpus: std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(1),
            candle_threads: device::cpu_threads(),
            candle_simd: device::cpu_features(),
            cpu_simd: simd_flags(&cpuinfo),
            mem_total_mib: kib_field(&meminfo, "MemTotal:").map(|k| k / 1024),
            load_avg_1m: read_trim("/proc/loadavg")
                .and_then(|l| l.split_whitespace().next().and_then(|x| x.parse().ok())),
            cuda_compiled: device::cuda_compiled(),
            gpus: nvidia_smi_gpus(),
            build_profile: if cfg!(debug_assertions) {
                "debug".into()
            } else {
                "release".into()
            },
            parley_version: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

fn read_trim(path: &str) -> Option<String> {
    std::fs::read_to_string(path)
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The first `key : value` line of /proc/cpuinfo.
fn cpuinfo_field(cpuinfo: &str, key: &str) -> Option<String> {
    cpuinfo.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        (k.trim() == key).then(|| v.trim().to_string())
    })
}

/// The inference-relevant SIMD flags of the first CPU.
fn simd_flags(cpuinfo: &str) -> Vec<String> {
    const WANTED: [&str; 9] = [
        "sse4_2",
        "avx",
        "avx2",
        "fma",
        "f16c",
        "avx512f",
        "avx512_vnni",
        "avx512_bf16",
        "amx_tile",
    ];
    let flags = cpuinfo_field(cpuinfo, "flags").unwrap_or_default();
    let have: Vec<&str> = flags.split_whitespace().collect();
    WANTED
        .iter()
        .filter(|w| have.contains(w))
        .map(|w| w.to_string())
        .collect()
}

/// A `Key:   123 kB` line of /proc/meminfo or /proc/self/status, in KiB.
fn kib_field(text: &str, key: &str) -> Option<u64> {
    text.lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l[key.len()..].split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// Peak resident memory of this process (`VmHWM`), in MiB.
pub fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    kib_field(&status, "VmHWM:").map(|k| k as f64 / 1024.0)
}

/// Current resident memory (`VmRSS`), in MiB.
pub fn rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    kib_field(&status, "VmRSS:").map(|k| k as f64 / 1024.0)
}

/// CPU time this process has used so far (user + system, all threads), in seconds, with
/// nanosecond resolution. On a shared machine, wall-clock figures fall when other work
/// competes for the cores; work per CPU-second shows the benchmark's own cost.
#[cfg(unix)]
pub fn process_cpu_s() -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer and has no other
    // effects; CLOCK_PROCESS_CPUTIME_ID is defined on every Unix libc supports.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    (rc == 0).then_some(ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9)
}

/// CPU time is not measured on this platform.
#[cfg(not(unix))]
pub fn process_cpu_s() -> Option<f64> {
    None
}

/// Reset the peak-RSS mark to the current RSS (Linux `clear_refs` value 5), so the next
/// [`peak_rss_mib`] covers only what runs after this call. Returns false where the kernel
/// does not allow it (then peaks accumulate over the whole process).
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// GPUs listed by `nvidia-smi`; empty when it is missing or fails.
pub fn nvidia_smi_gpus() -> Vec<GpuInfo> {
    let Ok(out) = Command::new("nvidia-smi")
        .args([
            "--query-gpu=index,name,driver_version,memory.total",
            "--format=csv,noheader,nounits",
        ])
        .output()
    else {
        return Vec::new();
    };
    if !out.status.success() {
        return Vec::new();
    }
    parse_nvidia_smi(&String::from_utf8_lossy(&out.stdout))
}

fn parse_nvidia_smi(csv: &str) -> Vec<GpuInfo> {
    csv.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').map(str::trim).collect();
            if f.len() < 4 {
                return None;
            }
            Some(GpuInfo {
                index: f[0].parse().ok()?,
                name: f[1].to_string(),
                driver: f[2].to_string(),
                memory_total_mib: f[3].parse().ok(),
            })
        })
        .collect()
}

/// Memory in use on GPU `index` (MiB, all processes), from `nvidia-smi`.
pub fn gpu_memory_used_mib(index: usize) -> Option<u64> {
    let out = Command::new("nvidia-smi")
        .args([
            &format!("--id={index}"),
            "--query-gpu=memory.used",
            "--format=csv,noheader,nounits",
        ])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_proc_fields() {
        let cpuinfo = "processor\t: 0\nmodel name\t: Example CPU @ 2.0GHz\nflags\t\t: fpu sse4_2 avx avx2 fma avx512f\n";
        assert_eq!(
            cpuinfo_field(cpuinfo, "model name").as_deref(),
            Some("Example CPU @ 2.0GHz")
        );
        assert_eq!(
            simd_flags(cpuinfo),
            vec!["sse4_2", "avx", "avx2", "fma", "avx512f"]
        );
        let status = "Name:\tx\nVmHWM:\t  204800 kB\nVmRSS:\t  1024 kB\n";
        assert_eq!(kib_field(status, "VmHWM:"), Some(204_800));
        assert_eq!(kib_field(status, "VmPeak:"), None);
    }

    #[cfg(unix)]
    #[test]
    fn cpu_time_advances_with_work() {
        let a = process_cpu_s().expect("unix has a process CPU clock");
        let mut x = 0u64;
        let t = std::time::Instant::now();
        while t.elapsed().as_millis() < 30 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        }
        std::hint::black_box(x);
        assert!(process_cpu_s().unwrap() > a);
    }

    #[test]
    fn parses_nvidia_smi_csv() {
        let g = parse_nvidia_smi(
            "0, NVIDIA H200, 570.86.15, 143771\n1, NVIDIA L4, 550.1, [N/A]\nbad line\n",
        );
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].name, "NVIDIA H200");
        assert_eq!(g[0].memory_total_mib, Some(143_771));
        assert_eq!(g[1].memory_total_mib, None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_has_a_peak() {
        let before = peak_rss_mib().expect("linux has VmHWM");
        assert!(before > 0.0);
        let _ = reset_peak_rss();
        let after = peak_rss_mib().unwrap();
        assert!(after <= before + 1.0);
        assert!(rss_mib().unwrap() > 0.0);
        let m = MachineInfo::detect();
        assert!(m.logical_cpus >= 1 && m.candle_threads >= 1);
    }
}
