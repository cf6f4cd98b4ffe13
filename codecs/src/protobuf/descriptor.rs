//! [`ProtoSchema`]: a set of file descriptors loaded from `.proto` text or from a serialized
//! `FileDescriptorSet`, from which messages are selected by name or by message-index path.

use std::collections::HashMap;
use std::sync::Arc;

use prost::Message as _;
use prost_types::{DescriptorProto, EnumDescriptorProto, FileDescriptorProto, FileDescriptorSet};
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};
use protox::prost_reflect::DescriptorPool;

use super::ProtobufError;
use super::known::{FieldMeta, KnownFileResolver, with_meta_import};
use super::plan::{self, ProtobufCodec};

/// A loaded set of protobuf files, one of them the *main* file that Confluent message-index
/// paths refer to.
///
/// ```
/// use sluice_codecs::protobuf::ProtoSchema;
/// let schema = ProtoSchema::from_proto_text(&[(
///     "a.proto",
///     "syntax = \"proto3\"; package p; message A { int32 x = 1; }",
/// )])?;
/// let codec = schema.codec("p.A")?;
/// assert_eq!(codec.full_name(), "p.A");
/// # Ok::<(), sluice_codecs::protobuf::ProtobufError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ProtoSchema {
    set: Arc<FileDescriptorSet>,
    main: usize,
    /// The `(confluent.field_meta)` parameters of the set's fields.
    meta: Arc<FieldMeta>,
}

struct MemoryResolver(HashMap<String, String>);

impl FileResolver for MemoryResolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.0.get(name) {
            Some(source) => with_meta_import(name, source),
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

impl ProtoSchema {
    /// Compiles in-memory `.proto` files given as `(file name, source)`; imports resolve among
    /// them, to the well-known types (`google/protobuf/*.proto`) and to the files Confluent
    /// knows without references (`confluent/meta.proto`, `confluent/type/decimal.proto`,
    /// `google/type/date.proto`, `google/type/timeofday.proto`). A file using a
    /// `(confluent.…)` option compiles without importing `confluent/meta.proto`, as the files
    /// Confluent's `ProtobufData` registers do. The first file is the main file.
    pub fn from_proto_text(files: &[(&str, &str)]) -> Result<Self, ProtobufError> {
        let Some((main_name, _)) = files.first() else {
            return Err(ProtobufError::Compile("no .proto file given".into()));
        };
        let sources = files
            .iter()
            .map(|(name, source)| ((*name).to_owned(), (*source).to_owned()))
            .collect();
        let mut resolver = ChainFileResolver::new();
        resolver.add(MemoryResolver(sources));
        resolver.add(KnownFileResolver);
        resolver.add(GoogleFileResolver::new());
        let mut compiler = protox::Compiler::with_file_resolver(resolver);
        compiler.include_imports(true);
        for (name, _) in files {
            compiler
                .open_file(name)
                .map_err(|error| ProtobufError::Compile(error.to_string()))?;
        }
        let meta = FieldMeta::of_pool(&compiler.descriptor_pool());
        Self::with_main(compiler.file_descriptor_set(), main_name, meta)
    }

    /// Reads a serialized `FileDescriptorSet` (as `protoc --include_imports
    /// --descriptor_set_out` writes it). The last file, the one the others are imported by, is
    /// the main file. `(confluent.field_meta)` options are read when the set holds
    /// `confluent/meta.proto` and resolves as a whole.
    pub fn from_descriptor_set_bytes(bytes: &[u8]) -> Result<Self, ProtobufError> {
        let set = FileDescriptorSet::decode(bytes)
            .map_err(|error| ProtobufError::DescriptorSet(error.to_string()))?;
        let main = set
            .file
            .len()
            .checked_sub(1)
            .ok_or_else(|| ProtobufError::DescriptorSet("no file in the set".into()))?;
        // Field options are read when the set also resolves as a descriptor pool.
        let meta = DescriptorPool::decode(bytes)
            .map(|pool| FieldMeta::of_pool(&pool))
            .unwrap_or_default();
        Ok(Self {
            set: Arc::new(set),
            main,
            meta: Arc::new(meta),
        })
    }

    fn with_main(
        set: FileDescriptorSet,
        main_name: &str,
        meta: FieldMeta,
    ) -> Result<Self, ProtobufError> {
        let main = set
            .file
            .iter()
            .position(|file| file.name() == main_name)
            .ok_or_else(|| ProtobufError::Compile(format!("{main_name} was not compiled")))?;
        Ok(Self {
            set: Arc::new(set),
            main,
            meta: Arc::new(meta),
        })
    }

    /// Makes the file called `name` the main file.
    pub fn set_main_file(&mut self, name: &str) -> Result<(), ProtobufError> {
        let main = self
            .set
            .file
            .iter()
            .position(|file| file.name() == name)
            .ok_or_else(|| ProtobufError::DescriptorSet(format!("no file named {name}")))?;
        self.main = main;
        Ok(())
    }

    /// The descriptors, as a `FileDescriptorSet`.
    pub fn descriptor_set(&self) -> &FileDescriptorSet {
        &self.set
    }

    /// The serialized `FileDescriptorSet`, without extension options such as
    /// `(confluent.field_meta)` (a set read back from these bytes gives Decimals scale 0).
    pub fn descriptor_set_bytes(&self) -> Vec<u8> {
        self.set.encode_to_vec()
    }

    /// The full name (`pkg.Outer.Inner`) of the message at a Confluent message-index path in
    /// the main file: `[i]` is its i-th top-level message, `[i, j]` the j-th message nested in
    /// that one. An empty path means `[0]`.
    pub fn full_name_at(&self, indexes: &[i32]) -> Result<String, ProtobufError> {
        let not_found = || ProtobufError::UnknownMessageIndexes(indexes.to_vec());
        let file = &self.set.file[self.main];
        let path = if indexes.is_empty() {
            &[0][..]
        } else {
            indexes
        };
        let mut name = match file.package() {
            "" => String::new(),
            package => package.to_owned(),
        };
        let mut messages = &file.message_type;
        for &index in path {
            let index = usize::try_from(index).map_err(|_| not_found())?;
            let message = messages.get(index).ok_or_else(not_found)?;
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(message.name());
            messages = &message.nested_type;
        }
        Ok(name)
    }

    /// Compiles the codec for the message with this full name (without a leading dot).
    pub fn codec(&self, full_name: &str) -> Result<ProtobufCodec, ProtobufError> {
        self.codec_with(full_name, CodecOptions::default())
    }

    /// Compiles the codec for the message with this full name with `options`.
    pub fn codec_with(
        &self,
        full_name: &str,
        options: CodecOptions,
    ) -> Result<ProtobufCodec, ProtobufError> {
        let index = Index::new(&self.set, &self.meta, options);
        plan::compile(&index, full_name)
    }

    /// Compiles the codec for the message at a Confluent message-index path in the main file.
    pub fn codec_at(&self, indexes: &[i32]) -> Result<ProtobufCodec, ProtobufError> {
        self.codec(&self.full_name_at(indexes)?)
    }

    /// Compiles the codec for the message at a Confluent message-index path with `options`.
    pub fn codec_at_with(
        &self,
        indexes: &[i32],
        options: CodecOptions,
    ) -> Result<ProtobufCodec, ProtobufError> {
        self.codec_with(&self.full_name_at(indexes)?, options)
    }
}

/// Confluent `ProtobufDataConfig` settings that change how messages map to Connect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodecOptions {
    /// `wrapper.for.nullables`: `google.protobuf.*Value` wrapper fields read and write as their
    /// (optional) value, and fields that are not messages, enums or repeated get required
    /// Connect schemas, as Confluent's `ProtobufData` gives them.
    pub wrapper_for_nullables: bool,
}

/// Every message and enum of a set by full name (without the leading dot), with its file's
/// syntax.
pub(super) struct Index<'a> {
    pub messages: HashMap<String, (&'a DescriptorProto, Syntax)>,
    pub enums: HashMap<String, &'a EnumDescriptorProto>,
    /// The `(confluent.field_meta)` parameters of the fields.
    pub meta: &'a FieldMeta,
    /// How messages map to Connect.
    pub options: CodecOptions,
}

/// Which presence and packing rules a file follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    /// proto2 (and editions, read with proto2 rules).
    Proto2,
    /// proto3.
    Proto3,
}

impl<'a> Index<'a> {
    fn new(set: &'a FileDescriptorSet, meta: &'a FieldMeta, options: CodecOptions) -> Self {
        let mut index = Self {
            messages: HashMap::new(),
            enums: HashMap::new(),
            meta,
            options,
        };
        for file in &set.file {
            index.add_file(file);
        }
        index
    }

    fn add_file(&mut self, file: &'a FileDescriptorProto) {
        let syntax = match file.syntax() {
            "proto3" => Syntax::Proto3,
            _ => Syntax::Proto2,
        };
        let scope = file.package();
        for message in &file.message_type {
            self.add_message(scope, message, syntax);
        }
        for enumeration in &file.enum_type {
            self.enums
                .insert(join(scope, enumeration.name()), enumeration);
        }
    }

    fn add_message(&mut self, scope: &str, message: &'a DescriptorProto, syntax: Syntax) {
        let name = join(scope, message.name());
        for nested in &message.nested_type {
            self.add_message(&name, nested, syntax);
        }
        for enumeration in &message.enum_type {
            self.enums
                .insert(join(&name, enumeration.name()), enumeration);
        }
        self.messages.insert(name, (message, syntax));
    }
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}
