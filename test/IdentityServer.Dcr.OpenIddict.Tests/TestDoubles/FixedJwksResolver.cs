// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Jwks;
using IdentityServer.Dcr.Testing;

namespace IdentityServer.Dcr.OpenIddict.Tests.TestDoubles;

/// <summary>Finds the one key it holds, whatever the URL.</summary>
internal sealed class FixedJwksResolver(TestSigningKey key) : IJwksResolver
{
    public int Lookups { get; private set; }

    public Task<JwksLookupResult> FindKeyAsync(Uri jwksUri, string? keyId, JwksSourceKind kind, CancellationToken ct)
    {
        Lookups++;
        return Task.FromResult(keyId is null || keyId == key.KeyId
            ? JwksLookupResult.Found(key.PublicJwk)
            : JwksLookupResult.Failed(JwksLookupStatus.KeyNotFound, "no such kid"));
    }
}
