// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Serialization;

namespace IdentityServer.Dcr.Models;

/// <summary>Source-generated JSON metadata for the engine's serialised types (no reflection on the hot path).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ClientMetadata))]
[JsonSerializable(typeof(DcrError))]
internal sealed partial class DcrJsonContext : JsonSerializerContext;
