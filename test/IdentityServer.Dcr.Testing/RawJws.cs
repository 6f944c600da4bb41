// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.Testing;

/// <summary>
/// Builds compact JWS byte by byte, without a JOSE library, so that tests can send what a library would refuse to
/// produce: any header (alg none, HS256, jwk, crit …), any header or payload bytes (duplicate members, invalid
/// UTF-8, a BOM) and any signature (all zeros, HMAC keyed with a public key).
/// </summary>
public static class RawJws
{
    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static string Encode(string text) => Encode(Encoding.UTF8.GetBytes(text));

    /// <summary>The header <paramref name="key"/> normally writes: <c>alg</c>, <c>kid</c>, <c>typ</c>.</summary>
    public static JsonObject HeaderFor(TestSigningKey key) => new() { ["alg"] = key.Algorithm, ["kid"] = key.KeyId, ["typ"] = "JWT" };

    /// <summary>Signs the exact bytes given with <paramref name="key"/>'s own algorithm, whatever the header says.</summary>
    public static string Sign(TestSigningKey key, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(key);
        var input = Encode(header) + "." + Encode(payload);
        return input + "." + Encode(SignatureOver(key, input));
    }

    public static string Sign(TestSigningKey key, JsonObject header, JsonObject payload)
        => Sign(key, Encoding.UTF8.GetBytes(header.ToJsonString()), Encoding.UTF8.GetBytes(payload.ToJsonString()));

    /// <summary>The signature of <paramref name="signingInput"/> (PS256 or ES256 in IEEE P1363 form).</summary>
    public static byte[] SignatureOver(TestSigningKey key, string signingInput)
    {
        ArgumentNullException.ThrowIfNull(key);
        var data = Encoding.ASCII.GetBytes(signingInput);
        return key.Key switch
        {
            RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            ECDsa ec => ec.SignData(data, HashAlgorithmName.SHA256),
            _ => throw new NotSupportedException(key.Key.GetType().Name),
        };
    }

    /// <summary>A token with the given header and payload and an arbitrary signature (empty for alg none).</summary>
    public static string WithSignature(JsonObject header, JsonObject payload, ReadOnlySpan<byte> signature)
        => Encode(header.ToJsonString()) + "." + Encode(payload.ToJsonString()) + "." + Encode(signature);

    /// <summary>HS256 over header and payload, keyed with <paramref name="secret"/> (for example a public key's bytes).</summary>
    public static string Hs256(byte[] secret, JsonObject header, JsonObject payload)
    {
        var input = Encode(header.ToJsonString()) + "." + Encode(payload.ToJsonString());
        return input + "." + Encode(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }
}
