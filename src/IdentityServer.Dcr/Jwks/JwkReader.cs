// Copyright (c) IdentityServer.Dcr contributors.
// Licensed under the Apache License, Version 2.0. See LICENSE in the repository root.

using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text.Json;
using Jose;

namespace IdentityServer.Dcr.Jwks;

/// <summary>
/// Reads one member of a JWKS <c>keys</c> array into a public signing <see cref="Jwk"/>, or says why it is skipped.
/// Only RSA (2048 bits or more) and EC P-256/P-384/P-521 public keys meant for signature verification are kept.
/// The <see cref="Jwk"/> is built from the validated public members only, never from the raw JSON.
/// </summary>
internal static class JwkReader
{
    public const string PrivateKeySkipReason = "it holds private key material";

    private const int MinRsaModulusBits = 2048;

    private static readonly string[] RsaPrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth"];
    private static readonly HashSet<string> RsaAlgorithms = new(StringComparer.Ordinal) { "RS256", "RS384", "RS512", "PS256", "PS384", "PS512" };

    /// <summary>Reads <paramref name="element"/>.</summary>
    /// <returns><see langword="true"/> with the key, or <see langword="false"/> with the reason it was skipped.</returns>
    public static bool TryRead(JsonElement element, [NotNullWhen(true)] out Jwk? key, out string? keyId, out string skipReason)
    {
        key = null;
        keyId = null;
        if (element.ValueKind != JsonValueKind.Object)
        {
            skipReason = "it is not a JSON object";
            return false;
        }

        if (!TryGetString(element, "kid", out keyId, out skipReason)
            || !TryGetString(element, "kty", out var kty, out skipReason)
            || !TryGetString(element, "use", out var use, out skipReason)
            || !TryGetString(element, "alg", out var alg, out skipReason)
            || !TryGetKeyOps(element, out var keyOps, out skipReason))
        {
            return false;
        }

        if (use is not null && use != Jwk.KeyUsage.Signature)
        {
            skipReason = "its 'use' is not 'sig'";
            return false;
        }

        if (keyOps is not null && !keyOps.Contains(Jwk.KeyOperations.Verify, StringComparer.Ordinal))
        {
            skipReason = "its 'key_ops' do not contain 'verify'";
            return false;
        }

        var candidate = kty switch
        {
            Jwk.KeyTypes.RSA => ReadRsa(element, alg, out skipReason),
            Jwk.KeyTypes.EC => ReadEc(element, alg, out skipReason),
            _ => Skip("its 'kty' is not RSA or EC", out skipReason),
        };

        if (candidate is null)
        {
            return false;
        }

        candidate.KeyId = keyId;
        candidate.Use = use;
        candidate.Alg = alg;
        candidate.KeyOps = keyOps;
        key = candidate;
        skipReason = string.Empty;
        return true;
    }

    private static Jwk? ReadRsa(JsonElement element, string? alg, out string skipReason)
    {
        foreach (var member in RsaPrivateMembers)
        {
            if (element.TryGetProperty(member, out _))
            {
                return Skip(PrivateKeySkipReason, out skipReason);
            }
        }

        if (alg is not null && !RsaAlgorithms.Contains(alg))
        {
            return Skip("its 'alg' is not an RSA signature algorithm", out skipReason);
        }

        if (!TryGetBase64Url(element, "n", out var n, out var modulus, out skipReason)
            || !TryGetBase64Url(element, "e", out var e, out var exponent, out skipReason))
        {
            return null;
        }

        if (BitLength(modulus) < MinRsaModulusBits)
        {
            return Skip("its RSA modulus is shorter than 2048 bits", out skipReason);
        }

        if (exponent.Length is 0 or > 4 || (exponent[^1] & 1) == 0 || BitLength(exponent) < 2)
        {
            return Skip("its RSA exponent is not valid", out skipReason);
        }

        var jwk = new Jwk { Kty = Jwk.KeyTypes.RSA, N = n, E = e };
        return TryImport(jwk, static k => k.RsaKey(), out skipReason) ? jwk : null;
    }

    private static Jwk? ReadEc(JsonElement element, string? alg, out string skipReason)
    {
        if (element.TryGetProperty("d", out _))
        {
            return Skip(PrivateKeySkipReason, out skipReason);
        }

        if (!TryGetString(element, "crv", out var crv, out skipReason))
        {
            return null;
        }

        (int size, string algorithm) = crv switch
        {
            "P-256" => (32, "ES256"),
            "P-384" => (48, "ES384"),
            "P-521" => (66, "ES512"),
            _ => (0, string.Empty),
        };

        if (size == 0)
        {
            return Skip("its 'crv' is not P-256, P-384 or P-521", out skipReason);
        }

        if (alg is not null && alg != algorithm)
        {
            return Skip("its 'alg' does not match its curve", out skipReason);
        }

        if (!TryGetBase64Url(element, "x", out var x, out var xBytes, out skipReason)
            || !TryGetBase64Url(element, "y", out var y, out var yBytes, out skipReason))
        {
            return null;
        }

        if (xBytes.Length != size || yBytes.Length != size)
        {
            return Skip("its EC coordinates do not match its curve", out skipReason);
        }

        var jwk = new Jwk { Kty = Jwk.KeyTypes.EC, Crv = crv, X = x, Y = y };
        return TryImport(jwk, static k => k.ECDsaKey(), out skipReason) ? jwk : null;
    }

    private static bool TryImport(Jwk jwk, Func<Jwk, AsymmetricAlgorithm> import, out string skipReason)
    {
        // Importing checks what the length checks cannot (an EC point on its curve); jose-jwt keeps the imported
        // key, so verification later does not import it again.
        try
        {
            _ = import(jwk);
            skipReason = string.Empty;
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or ArgumentException)
        {
            skipReason = "its public key cannot be imported";
            return false;
        }
    }

    private static bool TryGetString(JsonElement element, string name, out string? value, out string skipReason)
    {
        value = null;
        skipReason = string.Empty;
        if (!element.TryGetProperty(name, out var property))
        {
            return true;
        }

        if (property.ValueKind != JsonValueKind.String)
        {
            skipReason = $"its '{name}' is not a string";
            return false;
        }

        value = property.GetString();
        return true;
    }

    private static bool TryGetKeyOps(JsonElement element, out List<string>? keyOps, out string skipReason)
    {
        keyOps = null;
        skipReason = string.Empty;
        if (!element.TryGetProperty("key_ops", out var property))
        {
            return true;
        }

        if (property.ValueKind != JsonValueKind.Array || property.EnumerateArray().Any(o => o.ValueKind != JsonValueKind.String))
        {
            skipReason = "its 'key_ops' is not an array of strings";
            return false;
        }

        keyOps = [.. property.EnumerateArray().Select(o => o.GetString()!)];
        return true;
    }

    private static bool TryGetBase64Url(
        JsonElement element,
        string name,
        [NotNullWhen(true)] out string? text,
        out byte[] bytes,
        out string skipReason)
    {
        bytes = [];
        if (!TryGetString(element, name, out text, out skipReason))
        {
            return false;
        }

        if (text is null || !System.Buffers.Text.Base64Url.IsValid(text))
        {
            skipReason = $"its '{name}' is missing or not base64url";
            text = null;
            return false;
        }

        bytes = System.Buffers.Text.Base64Url.DecodeFromChars(text);
        return true;
    }

    private static int BitLength(ReadOnlySpan<byte> bigEndian)
    {
        var first = bigEndian.IndexOfAnyExcept((byte)0);
        return first < 0 ? 0 : ((bigEndian.Length - first - 1) * 8) + (32 - System.Numerics.BitOperations.LeadingZeroCount(bigEndian[first]));
    }

    private static Jwk? Skip(string reason, out string skipReason)
    {
        skipReason = reason;
        return null;
    }
}
