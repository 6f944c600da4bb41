// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Jose;

namespace IdentityServer.Dcr.Testing;

/// <summary>A signing key generated in memory (PS256 with RSA 2048, or ES256 with P-256) and its public JWK.</summary>
public sealed class TestSigningKey : IDisposable
{
    private TestSigningKey(string algorithm, string keyId, AsymmetricAlgorithm key, Jwk publicJwk)
    {
        Algorithm = algorithm;
        KeyId = keyId;
        Key = key;
        PublicJwk = publicJwk;
    }

    public string Algorithm { get; }

    public string KeyId { get; }

    public AsymmetricAlgorithm Key { get; }

    public Jwk PublicJwk { get; }

    public static TestSigningKey CreatePs256(string? keyId = null, int keySize = 2048)
    {
        var rsa = RSA.Create(keySize);
        var jwk = new Jwk(rsa, isPrivate: false) { KeyId = keyId ?? Guid.NewGuid().ToString("N"), Use = "sig" };
        return new TestSigningKey("PS256", jwk.KeyId, rsa, jwk);
    }

    public static TestSigningKey CreateEs256(string? keyId = null)
    {
        var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = new Jwk(ec, isPrivate: false) { KeyId = keyId ?? Guid.NewGuid().ToString("N"), Use = "sig" };
        return new TestSigningKey("ES256", jwk.KeyId, ec, jwk);
    }

    /// <summary>The public JWK as a JSON object.</summary>
    public JsonObject PublicJwkJson() => JsonNode.Parse(PublicJwk.ToJson(JWT.DefaultSettings.JsonMapper))!.AsObject();

    /// <summary>Signs <paramref name="payload"/> as a compact JWS with this key's algorithm and kid.</summary>
    public string Sign(JsonObject payload, IDictionary<string, object>? extraHeaders = null, string? keyIdOverride = null, bool omitKeyId = false)
    {
        var headers = new Dictionary<string, object>(extraHeaders ?? new Dictionary<string, object>());
        if (!omitKeyId)
        {
            headers["kid"] = keyIdOverride ?? KeyId;
        }

        headers.TryAdd("typ", "JWT");
        var alg = Algorithm == "PS256" ? JwsAlgorithm.PS256 : JwsAlgorithm.ES256;
        return JWT.Encode(payload.ToJsonString(), Key, alg, headers);
    }

    /// <summary>A JWKS document holding the public keys of <paramref name="keys"/>.</summary>
    public static string JwksOf(params TestSigningKey[] keys)
    {
        var array = new JsonArray();
        foreach (var key in keys)
        {
            array.Add(key.PublicJwkJson());
        }

        return new JsonObject { ["keys"] = array }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    public void Dispose() => Key.Dispose();
}
