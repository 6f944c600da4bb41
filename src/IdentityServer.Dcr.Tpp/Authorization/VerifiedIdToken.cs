// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Tpp.Authorization;

/// <summary>An ID token whose signature and claims were checked.</summary>
internal sealed record VerifiedIdToken(JsonObject Claims, string Algorithm, string? KeyId)
{
    public string Subject => JsonFields.Text(Claims, "sub") ?? "";

    public string? IntentId => JsonFields.Text(Claims, "openbanking_intent_id");
}
