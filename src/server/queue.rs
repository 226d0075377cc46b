//! The model-work queue with dynamic batching.
//!
//! Handlers never run a forward pass: they [`QueueHandle::submit`] a unit of work (one
//! request's documents) and await a oneshot reply. One worker thread — a plain
//! `std::thread` that owns the engine — pulls the first waiting unit, then keeps taking
//! units that arrive within a short window (`batch_wait`) until the batch holds
//! `max_batch_items` documents or `max_batch_cost` estimated tokens, and runs the whole
//! batch with one call. Concurrent requests therefore share encoder passes.
//!
//! Each unit has a `class` and a batch only holds units of one class: the server puts
//! abstractive-summary requests (slow text generation) in their own class so extractive
//! requests never wait behind a generator inside a shared batch.
//!
//! The queue is bounded in documents (`max_queue_items`): a submit that would overflow
//! it fails at once (the handler answers 429), so memory stays bounded under any load.
//! Units whose caller has gone (timeout, client disconnect) are skipped when picked up,
//! so abandoned work does not delay live requests. Nothing is dropped silently: a unit
//! that is never run (shutdown) drops its reply sender, which its caller sees.
//!
//! The queue is generic over item and output types so its batching rules are unit
//! tested here without models; the server instantiates it with `AnalyzeRequest` →
//! `Result<Report>`.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

/// Batching limits.
#[derive(Debug, Clone, Copy)]
pub struct QueueConfig {
    /// Most documents in one engine call.
    pub max_batch_items: usize,
    /// Most estimated tokens in one engine call (a unit larger than this runs alone).
    pub max_batch_cost: usize,
    /// Most documents waiting (not yet picked up by the worker).
    pub max_queue_items: usize,
    /// How long the worker waits for more work once one unit has arrived.
    pub batch_wait: Duration,
}

/// Why a submit was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitError {
    /// The queue holds too many documents already.
    Full,
    /// The queue was closed (shutdown).
    Closed,
}

struct Unit<I, O> {
    items: Vec<I>,
    cost: usize,
    class: u8,
    reply: oneshot::Sender<Vec<O>>,
}

enum Msg<I, O> {
    Unit(Unit<I, O>),
    Stop,
}

/// The submitting side; cheap to clone, shared by all handlers.
pub struct QueueHandle<I, O> {
    tx: mpsc::Sender<Msg<I, O>>,
    depth: Arc<AtomicUsize>,
    closed: Arc<AtomicBool>,
    max_queue_items: usize,
}

impl<I, O> Clone for QueueHandle<I, O> {
    fn clone(&self) -> Self {
        QueueHandle {
            tx: self.tx.clone(),
            depth: self.depth.clone(),
            closed: self.closed.clone(),
            max_queue_items: self.max_queue_items,
        }
    }
}

/// The worker side; [`QueueReceiver::run`] it on the worker thread.
pub struct QueueReceiver<I, O> {
    rx: mpsc::Receiver<Msg<I, O>>,
    depth: Arc<AtomicUsize>,
    config: QueueConfig,
}

/// A bounded batching queue.
pub fn queue<I, O>(config: QueueConfig) -> (QueueHandle<I, O>, QueueReceiver<I, O>) {
    let (tx, rx) = mpsc::channel();
    let depth = Arc::new(AtomicUsize::new(0));
    (
        QueueHandle {
            tx,
            depth: depth.clone(),
            closed: Arc::new(AtomicBool::new(false)),
            max_queue_items: config.max_queue_items.max(1),
        },
        QueueReceiver { rx, depth, config },
    )
}

impl<I, O> QueueHandle<I, O> {
    /// Queue a unit of work; never waits. The receiver yields one output per item, in
    /// order, or an error if the unit was abandoned by a shutdown.
    pub fn submit(
        &self,
        items: Vec<I>,
        cost: usize,
        class: u8,
    ) -> Result<oneshot::Receiver<Vec<O>>, SubmitError> {
        if self.closed.load(Ordering::Acquire) {
            return Err(SubmitError::Closed);
        }
        let n = items.len();
        // Reserve room first so concurrent submits cannot overshoot the bound together.
        self.depth
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |d| {
                (d + n <= self.max_queue_items).then_some(d + n)
            })
            .map_err(|_| SubmitError::Full)?;
        let (reply, rx) = oneshot::channel();
        if self
            .tx
            .send(Msg::Unit(Unit {
                items,
                cost,
                class,
                reply,
            }))
            .is_err()
        {
            self.depth.fetch_sub(n, Ordering::AcqRel);
            return Err(SubmitError::Closed);
        }
        Ok(rx)
    }

    /// Documents waiting for the worker.
    pub fn depth(&self) -> usize {
        self.depth.load(Ordering::Acquire)
    }

    /// Refuse new work and tell the worker to stop after its current batch.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Release);
        let _ = self.tx.send(Msg::Stop);
    }
}

impl<I, O> QueueReceiver<I, O> {
    /// The worker loop. `process` runs one batch and must return one output per item.
    /// `more_coming(units_in_batch)` says whether it is worth waiting `batch_wait` for
    /// more work (the server answers from its count of admitted requests, so a lone
    /// request never pays the wait). `on_batch(items)` observes each batch's size.
    /// Returns when the queue is closed or every handle is dropped.
    pub fn run(
        self,
        mut process: impl FnMut(&[I]) -> Vec<O>,
        more_coming: impl Fn(usize) -> bool,
        mut on_batch: impl FnMut(usize),
    ) {
        let cfg = self.config;
        let mut carry: Option<Unit<I, O>> = None;
        loop {
            let first = match carry.take() {
                Some(u) => u,
                None => match self.rx.recv() {
                    Ok(Msg::Unit(u)) => {
                        self.picked(&u);
                        u
                    }
                    Ok(Msg::Stop) | Err(_) => return,
                },
            };
            if first.reply.is_closed() {
                continue;
            }
            let mut n_items = first.items.len();
            let mut cost = first.cost;
            let class = first.class;
            let mut batch = vec![first];
            let deadline = Instant::now() + cfg.batch_wait;
            let mut stop = false;
            while n_items < cfg.max_batch_items && cost < cfg.max_batch_cost {
                let msg = match self.rx.try_recv() {
                    Ok(m) => m,
                    Err(TryRecvError::Disconnected) => {
                        stop = true;
                        break;
                    }
                    Err(TryRecvError::Empty) => {
                        let now = Instant::now();
                        if now >= deadline || !more_coming(batch.len()) {
                            break;
                        }
                        match self.rx.recv_timeout(deadline - now) {
                            Ok(m) => m,
                            Err(RecvTimeoutError::Timeout) => break,
                            Err(RecvTimeoutError::Disconnected) => {
                                stop = true;
                                break;
                            }
                        }
                    }
                };
                match msg {
                    Msg::Stop => {
                        stop = true;
                        break;
                    }
                    Msg::Unit(u) => {
                        self.picked(&u);
                        if u.reply.is_closed() {
                            continue;
                        }
                        if u.class != class
                            || n_items + u.items.len() > cfg.max_batch_items
                            || cost + u.cost > cfg.max_batch_cost
                        {
                            carry = Some(u);
                            break;
                        }
                        n_items += u.items.len();
                        cost += u.cost;
                        batch.push(u);
                    }
                }
            }
            run_batch(batch, n_items, &mut process, &mut on_batch);
            if stop {
                // Units still queued (and `carry`) are dropped here: their callers see
                // the closed reply channel and answer "shutting down".
                return;
            }
        }
    }

    fn picked(&self, u: &Unit<I, O>) {
        self.depth.fetch_sub(u.items.len(), Ordering::AcqRel);
    }
}

fn run_batch<I, O>(
    batch: Vec<Unit<I, O>>,
    n_items: usize,
    process: &mut impl FnMut(&[I]) -> Vec<O>,
    on_batch: &mut impl FnMut(usize),
) {
    let mut items = Vec::with_capacity(n_items);
    let mut replies = Vec::with_capacity(batch.len());
    for u in batch {
        replies.push((u.items.len(), u.reply));
        items.extend(u.items);
    }
    on_batch(items.len());
    let outputs = process(&items);
    assert_eq!(
        outputs.len(),
        items.len(),
        "a batch processor must return one output per item"
    );
    let mut outputs = outputs.into_iter();
    for (n, reply) in replies {
        let mine: Vec<O> = outputs.by_ref().take(n).collect();
        // The caller may have gone (timeout) since the batch started; that is fine.
        let _ = reply.send(mine);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    fn cfg(max_items: usize, max_queue: usize, wait_ms: u64) -> QueueConfig {
        QueueConfig {
            max_batch_items: max_items,
            max_batch_cost: usize::MAX,
            max_queue_items: max_queue,
            batch_wait: Duration::from_millis(wait_ms),
        }
    }

    /// Units submitted together come back in one batch, each with its own outputs.
    #[test]
    fn units_that_arrive_together_share_a_batch() {
        let (h, r) = queue::<u32, u32>(cfg(8, 100, 50));
        let rx1 = h.submit(vec![1, 2], 0, 0).unwrap();
        let rx2 = h.submit(vec![3], 0, 0).unwrap();
        let rx3 = h.submit(vec![4, 5, 6], 0, 0).unwrap();
        assert_eq!(h.depth(), 6);
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let s2 = sizes.clone();
        h.close();
        r.run(
            |xs| xs.iter().map(|x| x * 10).collect(),
            |_| true,
            move |n| s2.lock().unwrap().push(n),
        );
        assert_eq!(rx1.blocking_recv().unwrap(), vec![10, 20]);
        assert_eq!(rx2.blocking_recv().unwrap(), vec![30]);
        assert_eq!(rx3.blocking_recv().unwrap(), vec![40, 50, 60]);
        assert_eq!(*sizes.lock().unwrap(), vec![6]);
        assert_eq!(h.depth(), 0);
    }

    /// A unit that would overflow the batch waits for the next one, whole.
    #[test]
    fn batches_respect_the_item_limit() {
        let (h, r) = queue::<u32, u32>(cfg(4, 100, 0));
        let rxs: Vec<_> = (0..5)
            .map(|i| h.submit(vec![i; 3], 0, 0).unwrap())
            .collect();
        h.close();
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let s2 = sizes.clone();
        r.run(
            |xs| xs.to_vec(),
            |_| true,
            move |n| s2.lock().unwrap().push(n),
        );
        for (i, rx) in rxs.into_iter().enumerate() {
            assert_eq!(rx.blocking_recv().unwrap(), vec![i as u32; 3]);
        }
        assert_eq!(*sizes.lock().unwrap(), vec![3, 3, 3, 3, 3]);
    }

    #[test]
    fn the_cost_limit_splits_batches() {
        let mut c = cfg(100, 100, 0);
        c.max_batch_cost = 10;
        let (h, r) = queue::<u32, u32>(c);
        let a = h.submit(vec![1], 6, 0).unwrap();
        let b = h.submit(vec![2], 6, 0).unwrap();
        let big = h.submit(vec![3], 50, 0).unwrap();
        h.close();
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let s2 = sizes.clone();
        r.run(
            |xs| xs.to_vec(),
            |_| true,
            move |n| s2.lock().unwrap().push(n),
        );
        assert_eq!(a.blocking_recv().unwrap(), vec![1]);
        assert_eq!(b.blocking_recv().unwrap(), vec![2]);
        assert_eq!(big.blocking_recv().unwrap(), vec![3]);
        assert_eq!(*sizes.lock().unwrap(), vec![1, 1, 1]);
    }

    #[test]
    fn a_full_queue_refuses_at_once() {
        let (h, _r) = queue::<u32, u32>(cfg(4, 5, 0));
        let _a = h.submit(vec![1, 2, 3], 0, 0).unwrap();
        assert_eq!(
            h.submit(vec![4, 5, 6], 0, 0).unwrap_err(),
            SubmitError::Full
        );
        let _b = h.submit(vec![4, 5], 0, 0).unwrap();
        assert_eq!(h.submit(vec![6], 0, 0).unwrap_err(), SubmitError::Full);
        h.close();
        assert_eq!(h.submit(vec![], 0, 0).unwrap_err(), SubmitError::Closed);
    }

    #[test]
    fn classes_do_not_mix() {
        let (h, r) = queue::<u32, u32>(cfg(8, 100, 0));
        let a = h.submit(vec![1], 0, 0).unwrap();
        let b = h.submit(vec![2], 0, 1).unwrap();
        let c = h.submit(vec![3], 0, 1).unwrap();
        h.close();
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let s2 = sizes.clone();
        r.run(
            |xs| xs.to_vec(),
            |_| true,
            move |n| s2.lock().unwrap().push(n),
        );
        assert_eq!(a.blocking_recv().unwrap(), vec![1]);
        assert_eq!(b.blocking_recv().unwrap(), vec![2]);
        assert_eq!(c.blocking_recv().unwrap(), vec![3]);
        assert_eq!(*sizes.lock().unwrap(), vec![1, 2]);
    }

    /// Work whose caller has gone is not run.
    #[test]
    fn abandoned_units_are_skipped() {
        let (h, r) = queue::<u32, u32>(cfg(8, 100, 0));
        let gone = h.submit(vec![1], 0, 0).unwrap();
        drop(gone);
        let live = h.submit(vec![2], 0, 0).unwrap();
        h.close();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let s2 = seen.clone();
        r.run(
            move |xs| {
                s2.lock().unwrap().extend_from_slice(xs);
                xs.to_vec()
            },
            |_| true,
            |_| {},
        );
        assert_eq!(live.blocking_recv().unwrap(), vec![2]);
        assert_eq!(*seen.lock().unwrap(), vec![2]);
    }

    /// The worker waits for stragglers only while `more_coming` says so.
    #[test]
    fn the_batch_window_collects_late_arrivals() {
        let (h, r) = queue::<u32, u32>(cfg(8, 100, 300));
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let s2 = sizes.clone();
        let worker = std::thread::spawn(move || {
            r.run(
                |xs| xs.to_vec(),
                |_| true,
                move |n| s2.lock().unwrap().push(n),
            )
        });
        let a = h.submit(vec![1], 0, 0).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        let b = h.submit(vec![2], 0, 0).unwrap();
        assert_eq!(a.blocking_recv().unwrap(), vec![1]);
        assert_eq!(b.blocking_recv().unwrap(), vec![2]);
        h.close();
        worker.join().unwrap();
        assert_eq!(*sizes.lock().unwrap(), vec![2]);

        // With nothing else admitted the worker does not wait at all.
        let (h, r) = queue::<u32, u32>(cfg(8, 100, 5_000));
        let worker = std::thread::spawn(move || r.run(|xs| xs.to_vec(), |_| false, |_| {}));
        let t = Instant::now();
        let a = h.submit(vec![1], 0, 0).unwrap();
        assert_eq!(a.blocking_recv().unwrap(), vec![1]);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        h.close();
        worker.join().unwrap();
    }

    /// Units left when the worker stops see a closed channel, not silence.
    #[test]
    fn shutdown_closes_waiting_units() {
        let (h, r) = queue::<u32, u32>(cfg(1, 100, 0));
        let _ = h.tx.send(Msg::Stop);
        let waiting = h.submit(vec![1], 0, 0).unwrap();
        r.run(|xs| xs.to_vec(), |_| true, |_| {});
        assert!(waiting.blocking_recv().is_err());
    }
}
