//! Fused runs of a [`TransformChain`](super::TransformChain): consecutive transforms without a
//! predicate that edit the same part's struct in place are applied to a record through one
//! cached sequence of their plans, with one lookup and one schema swap per record instead of one
//! of each per transform, and with value checks a previous transform has already made skipped.
//!
//! A fused run never decides anything itself: each transform follows its own plan, and when one
//! declines (an invalid value, a value it cannot convert, a record it does not handle in place)
//! the record is put back exactly as the transforms before it left it, and the chain applies
//! the declining transform record by record, so results and errors are those of the unfused
//! chain.

use std::any::Any;
use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use sluice_codecs::{SchemaRef, Struct, Value};

use crate::record::{Record, RecordPart};

use super::util::{self, SchemaCache};
use super::{ChainError, Transform};

/// What a transform worked out for structs of one input schema, for a fused chain: the output
/// schema and the transform's own plan, which only that transform reads.
#[derive(Clone)]
pub struct StructPlan {
    output: SchemaRef,
    state: Arc<dyn Any + Send + Sync>,
}

impl StructPlan {
    /// A plan producing structs of `output`, with the transform's own `state`.
    pub fn new<P: Any + Send + Sync>(output: SchemaRef, state: Arc<P>) -> Self {
        Self { output, state }
    }

    /// The plan in `cache` for structs of `input` (derived and kept on a miss), producing
    /// structs of `output(plan)`; `None` when the transform cannot derive one.
    pub(crate) fn cached<P: Any + Send + Sync, E>(
        cache: &SchemaCache<Arc<P>>,
        input: &SchemaRef,
        derive: impl FnOnce(&sluice_codecs::Schema) -> Result<Arc<P>, E>,
        output: impl FnOnce(&P) -> SchemaRef,
    ) -> Option<Self> {
        let plan = cache.entry_or_try_insert(input, derive).ok()?;
        Some(Self::new(output(&plan), Arc::clone(&plan)))
    }

    /// The schema of the structs the plan produces.
    pub fn output(&self) -> &SchemaRef {
        &self.output
    }

    /// The transform's own plan, when it is a `P`.
    pub fn state<P: Any>(&self) -> Option<&P> {
        self.state.downcast_ref::<P>()
    }
}

impl fmt::Debug for StructPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StructPlan")
            .field("output", &self.output)
            .finish_non_exhaustive()
    }
}

/// A transform of a run as the run sees it: its alias (for errors) and the transform.
pub(super) trait RunStage {
    /// The alias from `transforms`.
    fn alias(&self) -> &str;
    /// The transform.
    fn transform(&self) -> &dyn Transform;
}

/// The plans of a run's transforms for one input schema, in order, as far as each transform
/// has one for the schema the previous one produces.
struct RunPlan {
    steps: Box<[StructPlan]>,
}

/// A run of at least two consecutive predicate-free transforms that edit the structs of the same
/// part, with the sequence of their plans cached per input schema.
pub(super) struct FusedRun {
    part: RecordPart,
    /// How many transforms the run covers.
    len: usize,
    plans: SchemaCache<Arc<RunPlan>>,
}

impl fmt::Debug for FusedRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FusedRun")
            .field("part", &self.part)
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl FusedRun {
    /// A run of `len` transforms editing `part`.
    pub(super) fn new(part: RecordPart, len: usize) -> Self {
        Self {
            part,
            len,
            plans: SchemaCache::new(),
        }
    }

    /// How many transforms the run covers.
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Applies as many of `stages` (this run's transforms, in order) to `record` as follow
    /// their plans for it, and says how many that was: 0 leaves the record untouched. The
    /// record is left as applying those transforms one by one would leave it.
    pub(super) fn apply<S: RunStage>(
        &self,
        stages: &[S],
        record: &mut Record,
    ) -> Result<usize, ChainError> {
        let (Some(declared), Value::Struct(value)) = record.part(self.part) else {
            return Ok(0);
        };
        let Ok((plan, fits)) = self
            .plans
            .get_for_struct::<Infallible>(declared, value, |_| {
                Ok(Arc::new(derive(stages, declared)))
            });
        if !fits || plan.steps.is_empty() {
            return Ok(0);
        }
        let (input, mut values) = util::take_struct(record, self.part);
        let mut valid = false;
        let mut done: usize = 0;
        let mut schema: &SchemaRef = &input;
        for (step, stage) in plan.steps.iter().zip(stages) {
            if !stage
                .transform()
                .apply_planned(step, schema, &mut values, record, &mut valid)
            {
                break;
            }
            schema = &step.output;
            done += 1;
        }
        let Some(last) = done.checked_sub(1).and_then(|last| plan.steps.get(last)) else {
            // Nothing applied: the struct goes back as it was, under its own schema.
            let restored = Struct::from_values(input, values).map_err(|error| ChainError {
                alias: stages.first().map_or("", |stage| stage.alias()).to_owned(),
                error: error.into(),
            })?;
            *util::part_value_mut(record, self.part) = Value::Struct(restored);
            return Ok(0);
        };
        drop(input);
        let output = SchemaRef::clone(&last.output);
        let rebuilt =
            Struct::from_values(SchemaRef::clone(&output), values).map_err(|error| ChainError {
                alias: stages
                    .get(done - 1)
                    .map_or("", |stage| stage.alias())
                    .to_owned(),
                error: error.into(),
            })?;
        record.set_part(self.part, Some(output), Value::Struct(rebuilt));
        Ok(done)
    }
}

/// The plans of `stages` for structs of `input`, each for the schema the previous one
/// produces, up to the first transform without one.
fn derive<S: RunStage>(stages: &[S], input: &SchemaRef) -> RunPlan {
    let mut steps = Vec::with_capacity(stages.len());
    let mut schema = SchemaRef::clone(input);
    for stage in stages {
        let Some(step) = stage.transform().struct_plan(&schema) else {
            break;
        };
        schema = SchemaRef::clone(&step.output);
        steps.push(step);
    }
    RunPlan {
        steps: steps.into(),
    }
}

/// The runs to fuse in a chain whose transforms are `stages` (each with whether it has a
/// predicate): for each position, the run starting there, if any. Every position inside a
/// maximal run of predicate-free transforms editing one part starts a run over the rest of it
/// (when at least two transforms long), so a record that leaves a run early re-enters at the
/// next transform.
pub(super) fn plan_runs(stages: &[(&dyn Transform, bool)]) -> Vec<Option<FusedRun>> {
    let parts: Vec<Option<RecordPart>> = stages
        .iter()
        .map(|(transform, predicated)| match predicated {
            true => None,
            false => transform.struct_part(),
        })
        .collect();
    (0..parts.len())
        .map(|start| {
            let part = parts.get(start).copied().flatten()?;
            let len = parts
                .get(start..)
                .unwrap_or_default()
                .iter()
                .take_while(|other| **other == Some(part))
                .count();
            (len >= 2).then(|| FusedRun::new(part, len))
        })
        .collect()
}
