// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using IdentityServer.Dcr.Jwks;
using Jose;

namespace IdentityServer.Dcr.UnitTests.TestDoubles;

/// <summary>An <see cref="IJwksResolver"/> serving JWKS documents registered by URL, without a network.</summary>
internal sealed class InMemoryJwksResolver : IJwksResolver
{
    private readonly Dictionary<string, string> _documents = new(StringComparer.Ordinal);

    public bool Unavailable { get; set; }

    public int Lookups { get; private set; }

    public void Serve(string uri, string jwks) => _documents[new Uri(uri).AbsoluteUri] = jwks;

    public Task<JwksLookupResult> FindKeyAsync(Uri jwksUri, string? keyId, JwksSourceKind kind, CancellationToken ct)
        => FindKeyAsync(jwksUri, keyId, null, kind, ct);

    public Task<JwksLookupResult> FindKeyAsync(Uri jwksUri, string? keyId, string? algorithm, JwksSourceKind kind, CancellationToken ct)
    {
        Lookups++;
        if (Unavailable)
        {
            throw new DcrInfrastructureException("test: JWKS host unavailable");
        }

        if (!_documents.TryGetValue(jwksUri.AbsoluteUri, out var json))
        {
            return Task.FromResult(JwksLookupResult.Failed(JwksLookupStatus.Invalid, "the JWKS endpoint answered 404"));
        }

        var set = JwkSet.FromJson(json, JWT.DefaultSettings.JsonMapper);
        var key = JwkSelector.Select(set.Keys, keyId, algorithm);
        return Task.FromResult(key is null
            ? JwksLookupResult.Failed(JwksLookupStatus.KeyNotFound, JwkSelector.NotFoundReason(keyId))
            : JwksLookupResult.Found(key));
    }
}
