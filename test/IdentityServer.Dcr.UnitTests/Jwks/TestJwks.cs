// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace IdentityServer.Dcr.UnitTests.Jwks;

/// <summary>Builds JWKS documents from keys generated at run time.</summary>
internal static class TestJwks
{
    public static JsonObject Rsa(RSA rsa, string? kid, bool includePrivate = false)
    {
        var p = rsa.ExportParameters(includePrivate);
        var key = new JsonObject { ["kty"] = "RSA", ["use"] = "sig", ["n"] = B64(p.Modulus!), ["e"] = B64(p.Exponent!) };
        if (kid is not null)
        {
            key["kid"] = kid;
        }

        if (includePrivate)
        {
            key["d"] = B64(p.D!);
            key["p"] = B64(p.P!);
            key["q"] = B64(p.Q!);
        }

        return key;
    }

    public static JsonObject Ec(ECDsa ec, string? kid, bool includePrivate = false)
    {
        var p = ec.ExportParameters(includePrivate);
        var crv = p.Curve.Oid.FriendlyName switch
        {
            "nistP256" or "ECDSA_P256" => "P-256",
            "nistP384" or "ECDSA_P384" => "P-384",
            _ => "P-521",
        };
        var key = new JsonObject { ["kty"] = "EC", ["crv"] = crv, ["x"] = B64(p.Q.X!), ["y"] = B64(p.Q.Y!) };
        if (kid is not null)
        {
            key["kid"] = kid;
        }

        if (includePrivate)
        {
            key["d"] = B64(p.D!);
        }

        return key;
    }

    public static string Set(params JsonNode[] keys) => new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => k.DeepClone())]) }.ToJsonString();

    public static string B64(byte[] bytes) => Base64Url.EncodeToString(bytes);
}
