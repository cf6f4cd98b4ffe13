//! [`KafkaProducer`]: rdkafka's `BaseProducer` with delivery reports on a channel.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use rdkafka::error::KafkaError;
use rdkafka::message::{DeliveryResult, Message};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer, ProducerContext};
use rdkafka::types::RDKafkaErrorCode;

use super::client_events::{ClientEvents, client_context_with_events};
use super::{KafkaClientConfig, KafkaClientError, KafkaMessage};
use crate::connector::WrittenRecord;

/// How long [`KafkaProducer::send`] waits out a full librdkafka queue before failing.
const QUEUE_FULL_TIMEOUT: Duration = Duration::from_secs(60);

/// The outcome of one send: where it landed, or why it failed.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The token given to [`KafkaProducer::send`].
    pub token: usize,
    /// The partition and offset, or the error.
    pub result: Result<WrittenRecord, KafkaError>,
}

struct DeliveryContext {
    client: ClientEvents,
    deliveries: Sender<Delivery>,
}

client_context_with_events!(DeliveryContext, client);

impl ProducerContext for DeliveryContext {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, token: usize) {
        let result = match result {
            Ok(message) => Ok(WrittenRecord {
                partition: message.partition(),
                offset: message.offset(),
            }),
            Err((error, _)) => Err(error.clone()),
        };
        // The receiver lives in the same `KafkaProducer`; it is gone only while dropping.
        let _ = self.deliveries.send(Delivery { token, result });
    }
}

/// A producer of [`KafkaMessage`]s. Delivery reports arrive on [`KafkaProducer::deliveries`]
/// while the owner calls [`KafkaProducer::poll`]; they are read by one reader, either through
/// `deliveries` or through [`KafkaProducer::send_and_wait`], not both.
pub struct KafkaProducer {
    inner: BaseProducer<DeliveryContext>,
    deliveries: Receiver<Delivery>,
    /// First token of the next [`KafkaProducer::send_and_wait`] batch, so a late report of an
    /// earlier, timed-out batch is never taken for one of the current batch.
    next_wait_token: AtomicUsize,
}

impl KafkaProducer {
    /// A producer with `config`.
    pub fn new(config: &KafkaClientConfig) -> Result<Self, KafkaClientError> {
        let (sender, deliveries) = crossbeam_channel::unbounded();
        let inner = config
            .to_rdkafka()?
            .create_with_context(DeliveryContext {
                client: ClientEvents::default(),
                deliveries: sender,
            })
            .map_err(|error| KafkaClientError::client("creating the producer", error))?;
        Ok(Self {
            inner,
            deliveries,
            next_wait_token: AtomicUsize::new(0),
        })
    }

    /// Queues `message`; its [`Delivery`] carries `token`. A full queue is waited out (serving
    /// delivery reports meanwhile) for up to a minute.
    pub fn send(&self, message: &KafkaMessage, token: usize) -> Result<(), KafkaClientError> {
        let headers = message.rdkafka_headers();
        // Read only once the queue is full: a send that is queued at once reads no clock.
        let mut full_since = None;
        loop {
            let mut record =
                BaseRecord::<[u8], [u8], usize>::with_opaque_to(message.topic.as_str(), token);
            if let Some(key) = &message.key {
                record = record.key(&key[..]);
            }
            if let Some(value) = &message.value {
                record = record.payload(&value[..]);
            }
            if let Some(partition) = message.partition {
                record = record.partition(partition);
            }
            if let Some(timestamp) = message.timestamp {
                record = record.timestamp(timestamp);
            }
            if let Some(headers) = &headers {
                record = record.headers(headers.clone());
            }
            match self.inner.send(record) {
                Ok(()) => return Ok(()),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), _))
                    if full_since.get_or_insert_with(Instant::now).elapsed()
                        < QUEUE_FULL_TIMEOUT =>
                {
                    self.inner.poll(Duration::from_millis(100));
                    self.check(&format!("producing to topic {}", message.topic))?;
                }
                Err((error, _)) => {
                    return Err(KafkaClientError::client(
                        format!("producing to topic {}", message.topic),
                        error,
                    ));
                }
            }
        }
    }

    /// Serves delivery reports (and client events) for up to `timeout`.
    pub fn poll(&self, timeout: Duration) -> Result<(), KafkaClientError> {
        self.inner.poll(timeout);
        self.check("producing")
    }

    /// The TLS or SASL failure librdkafka reported since the last call, as `operation`'s error.
    fn check(&self, operation: &str) -> Result<(), KafkaClientError> {
        self.inner.context().client.check(operation)
    }

    /// Delivery reports, in the order librdkafka reports them.
    pub fn deliveries(&self) -> &Receiver<Delivery> {
        &self.deliveries
    }

    /// Messages queued or in flight.
    pub fn in_flight(&self) -> i32 {
        self.inner.in_flight_count()
    }

    /// Waits until every queued message is delivered or failed, for up to `timeout`.
    pub fn flush(&self, timeout: Duration) -> Result<(), KafkaClientError> {
        let flushed = self.inner.flush(timeout);
        self.check("flushing the producer")?;
        flushed.map_err(|error| KafkaClientError::client("flushing the producer", error))
    }

    /// Sends `messages` and waits until each is acknowledged: where each landed, in order. The
    /// first failure is returned as the error once all have been answered.
    pub fn send_and_wait(
        &self,
        messages: &[KafkaMessage],
        timeout: Duration,
    ) -> Result<Vec<WrittenRecord>, KafkaClientError> {
        let base = self
            .next_wait_token
            .fetch_add(messages.len(), Ordering::Relaxed);
        for (index, message) in messages.iter().enumerate() {
            self.send(message, base.wrapping_add(index))?;
        }
        let deadline = Instant::now() + timeout;
        let mut written: Vec<Option<Result<WrittenRecord, KafkaError>>> =
            vec![None; messages.len()];
        let mut answered = 0;
        while answered < messages.len() {
            let now = Instant::now();
            if now >= deadline {
                return Err(KafkaClientError::timeout(
                    format!("waiting for {} acknowledgements", messages.len() - answered),
                    timeout,
                ));
            }
            self.inner
                .poll((deadline - now).min(Duration::from_millis(50)));
            self.check("producing")?;
            while let Ok(delivery) = self.deliveries.try_recv() {
                let index = delivery.token.wrapping_sub(base);
                if let Some(slot) = written.get_mut(index)
                    && slot.is_none()
                {
                    *slot = Some(delivery.result);
                    answered += 1;
                }
            }
        }
        written
            .into_iter()
            .zip(messages)
            .map(|(result, message)| {
                let result = result.expect("every slot is answered before the loop ends");
                result.map_err(|error| {
                    KafkaClientError::client(format!("producing to topic {}", message.topic), error)
                })
            })
            .collect()
    }
}
