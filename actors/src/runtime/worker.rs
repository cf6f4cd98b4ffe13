//! [`WorkerActor`]: the worker's supervisor. It creates and deletes connector actors, and
//! contains their failures: a connector actor that fails is marked FAILED and removed, and no
//! other connector is touched.

use std::collections::BTreeMap;
use std::sync::Arc;

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort, SupervisionEvent};
use sluice_engine::config::RawConfig;

use super::connector::{ConnectorActor, ConnectorArgs, ConnectorMsg};
use super::context::WorkerContext;
use super::state::ConnectorRecord;
use crate::herder::{HerderError, State, TargetState};

/// What the worker supervisor is told.
pub enum WorkerMsg {
    /// Create connector `name` with its raw config, in `target` state.
    Create {
        /// The connector name.
        name: String,
        /// Its raw config.
        config: RawConfig,
        /// Its initial target state.
        target: TargetState,
        /// Answered once the connector actor runs.
        reply: RpcReplyPort<Result<(), HerderError>>,
    },
    /// The actor of connector `name`, if it runs.
    Lookup(String, RpcReplyPort<Option<ActorRef<ConnectorMsg>>>),
    /// Stop and forget connector `name`.
    Delete(String, RpcReplyPort<Result<(), HerderError>>),
    /// Stop every connector (worker shutdown).
    Shutdown(RpcReplyPort<()>),
}

/// The worker supervisor's state: its connector actors by name.
pub struct WorkerActorState {
    context: Arc<WorkerContext>,
    connectors: BTreeMap<String, ActorRef<ConnectorMsg>>,
}

/// The worker's supervisor actor.
pub struct WorkerActor;

impl Actor for WorkerActor {
    type Msg = WorkerMsg;
    type State = WorkerActorState;
    type Arguments = Arc<WorkerContext>;

    async fn pre_start(
        &self,
        _myself: ActorRef<WorkerMsg>,
        context: Arc<WorkerContext>,
    ) -> Result<WorkerActorState, ActorProcessingErr> {
        Ok(WorkerActorState {
            context,
            connectors: BTreeMap::new(),
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<WorkerMsg>,
        message: WorkerMsg,
        state: &mut WorkerActorState,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            WorkerMsg::Create {
                name,
                config,
                target,
                reply,
            } => {
                let result = state.create(&myself, name, config, target).await;
                let _ = reply.send(result);
            }
            WorkerMsg::Lookup(name, reply) => {
                let _ = reply.send(state.connectors.get(&name).cloned());
            }
            WorkerMsg::Delete(name, reply) => {
                let result = state.delete(&name).await;
                let _ = reply.send(result);
            }
            WorkerMsg::Shutdown(reply) => {
                // Every connector stops at once; the graceful timeout is shared, as in Kafka.
                let mut stopping = tokio::task::JoinSet::new();
                for (name, actor) in std::mem::take(&mut state.connectors) {
                    stopping.spawn(async move {
                        let _ = ractor::call!(actor, ConnectorMsg::Shutdown);
                        let _ = actor.stop_and_wait(None, None).await;
                        name
                    });
                }
                while let Some(stopped) = stopping.join_next().await {
                    if let Ok(name) = stopped {
                        state
                            .context
                            .state
                            .set_connector_state(&name, State::Unassigned, None);
                    }
                }
                let _ = reply.send(());
            }
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        _myself: ActorRef<WorkerMsg>,
        event: SupervisionEvent,
        state: &mut WorkerActorState,
    ) -> Result<(), ActorProcessingErr> {
        if let SupervisionEvent::ActorFailed(cell, error) = event {
            let failed = state
                .connectors
                .iter()
                .find(|(_, actor)| actor.get_id() == cell.get_id())
                .map(|(name, _)| name.clone());
            if let Some(name) = failed {
                tracing::error!(connector = %name, %error, "connector actor failed");
                state.connectors.remove(&name);
                state.context.state.set_connector_state(
                    &name,
                    State::Failed,
                    Some(error.to_string()),
                );
            }
        }
        Ok(())
    }
}

impl WorkerActorState {
    async fn create(
        &mut self,
        myself: &ActorRef<WorkerMsg>,
        name: String,
        config: RawConfig,
        target: TargetState,
    ) -> Result<(), HerderError> {
        if self.connectors.contains_key(&name) {
            return Err(HerderError::AlreadyExists(format!(
                "Connector {name} already exists"
            )));
        }
        let class = config.get("connector.class").cloned().unwrap_or_default();
        let plugin = self.context.connectors.find(&class).cloned().ok_or_else(|| {
            HerderError::BadRequest(format!(
                "Failed to find any class that implements Connector and which name matches {class}"
            ))
        })?;
        let record = ConnectorRecord::new(config.clone(), target, Some(plugin.connector_type()));
        self.context.state.insert(&name, record);
        let args = ConnectorArgs {
            context: Arc::clone(&self.context),
            name: name.clone(),
            plugin,
            config,
            target,
        };
        match Actor::spawn_linked(None, ConnectorActor, args, myself.get_cell()).await {
            Ok((actor, _)) => {
                self.connectors.insert(name, actor);
                Ok(())
            }
            Err(error) => {
                self.context.state.set_connector_state(
                    &name,
                    State::Failed,
                    Some(error.to_string()),
                );
                Err(HerderError::Internal(error.to_string()))
            }
        }
    }

    async fn delete(&mut self, name: &str) -> Result<(), HerderError> {
        if !self.context.state.contains(name) {
            return Err(HerderError::NotFound(format!("Connector {name} not found")));
        }
        self.shut_down(name).await;
        self.context.state.remove(name);
        Ok(())
    }

    /// Stops connector `name`'s tasks and instance and ends its actor.
    async fn shut_down(&mut self, name: &str) {
        if let Some(actor) = self.connectors.remove(name) {
            let _ = ractor::call!(actor, ConnectorMsg::Shutdown);
            let _ = actor.stop_and_wait(None, None).await;
        }
    }
}
