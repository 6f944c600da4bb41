// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Serialization;
using IdentityServer.Dcr.Models;

namespace IdentityServer.Dcr.EntityFramework.Stores;

/// <summary>Source-generated serialisation of <see cref="ClientMetadata"/> to <c>MetadataJson</c>.</summary>
[JsonSerializable(typeof(ClientMetadata))]
internal sealed partial class DcrStoreJsonContext : JsonSerializerContext;
